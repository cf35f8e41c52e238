"""The schedule of the background jobs, stated in one place. `trivsel worker` runs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

# A failed run is retried after these waits, then at its usual interval; after this many failures in a
# row it shows as failing and the admins are told (once per run of failures).
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))
FAILURES_BEFORE_ALERT = 3
# How long one worker holds a job; a worker killed mid-run leaves it to another after this.
JOB_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Job:
    """A job: its name, how often it runs, and what it does (given a session and the time)."""

    name: str
    every: timedelta
    run: Callable[[Session, datetime], Any]


def _action_plan_deadlines(session: Session, now: datetime) -> Any:
    from api.incidents.reminders import action_plan_reminders

    return action_plan_reminders(session, now=now)


def _follow_ups_due(session: Session, now: datetime) -> Any:
    from api.incidents.reminders import follow_up_reminders

    return follow_up_reminders(session, now=now)


def _strategy_review(session: Session, now: datetime) -> Any:
    from api.strategy.service import review_reminders

    return review_reminders(session, now=now)


def purge(session: Session, now: datetime, *, idempotency_keep: timedelta | None = None) -> dict[str, int]:
    """Everything past its retention, in one place (the worker's job and `trivsel purge` both run this):
    bookkeeping (tokens, idempotency, events, deliveries) and the schools' data by their retention policy
    (api/privacy/retention.py: real deletion with tombstones)."""
    from api.auth.service import purge_expired
    from api.clients.service import purge_expired_tokens
    from api.core import idempotency, outbox, tombstones
    from api.privacy.policy import BY_NAME, deployment_period
    from api.privacy.retention import purge_retention
    from api.webhooks import delivery

    if idempotency_keep is None:
        idempotency_keep = timedelta(days=deployment_period(BY_NAME["idempotency_keys"]))
    kept = idempotency.purge(session, now=now, key_retention=idempotency_keep)
    return {
        "tokens": purge_expired(session),
        "api_client_tokens": purge_expired_tokens(session, now=now),
        "idempotency_bodies": kept.bodies,
        "idempotency_keys": kept.keys,
        "outbox_events": outbox.purge_dispatched(session, now=now),
        "webhook_deliveries": delivery.purge(session, now=now),
        "tombstones": tombstones.purge(session, now=now),
        **purge_retention(session, now=now),
    }


JOBS: tuple[Job, ...] = (
    # Action plans due within 2 working days, and overdue ones: the owner and the leaders, once per state.
    Job("action_plan_deadlines", timedelta(minutes=15), _action_plan_deadlines),
    # Follow-up meetings due (KiVa: 1-2 weeks after the plan): the owner, once per date.
    Job("follow_ups_due", timedelta(minutes=15), _follow_ups_due),
    # Expired tokens, idempotency response bodies past 24 hours (hourly, so none outlives that by much) and
    # keys past 30 days, dispatched events, old deliveries and tombstones past TOMBSTONE_RETENTION_DAYS.
    Job("purge", timedelta(hours=1), purge),
    # The antimobbestrategi not reviewed for STRATEGY_REVIEW_DAYS (good practice, not law): the leaders, once
    # per version.
    Job("strategy_review", timedelta(hours=24), _strategy_review),
)
