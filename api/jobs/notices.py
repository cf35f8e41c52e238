"""Notifications sent by background work, as a kind plus structured parameters.

The bridge until notifications are stored as kind + params everywhere: each kind's parameters are decided
at its one call site and passed here; this module is the one place to switch to `notify(..., params=...)`.
The English line below is a stopgap for the current `message` column, not a sentence the UI should show."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from api.notifications.service import notify

KINDS = {
    "action_plan_due_soon": ("action_plan_due",),
    "action_plan_overdue": ("action_plan_due",),
    "follow_up_due": ("follow_up_on",),
    "webhook_endpoint_disabled": ("endpoint_id",),
    "job_failed": ("job",),
}


def send(
    session: Session,
    *,
    user_ids: Iterable[int],
    kind: str,
    params: dict[str, Any],
    incident_id: int | None = None,
) -> int:
    """Notify these users of `kind` with `params` (ids, dates and codes only); returns how many were sent."""
    if sorted(params) != sorted(KINDS[kind]):
        raise ValueError(f"{kind} takes {KINDS[kind]}, got {sorted(params)}")
    stopgap = kind + ": " + ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
    return len(notify(session, user_ids=user_ids, kind=kind, message=stopgap, incident_id=incident_id))
