"""Scheduled jobs seen from the app: their state for admins, and the once-only mark reminders use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.permissions import ensure_roles
from api.jobs.models import JobState, ReminderMark
from api.jobs.schedule import FAILURES_BEFORE_ALERT, JOBS

VIEW_ROLES = ("admin",)


def first_time(
    session: Session, *, school_id: int, kind: str, subject_id: int, state_key: str, now: datetime
) -> bool:
    """Whether this reminder (kind, record, state) is new; if so it is marked as sent in this transaction.
    The scheduler runs a job in one worker at a time, so look-then-add cannot race."""
    seen = session.scalar(
        select(ReminderMark.id).where(
            ReminderMark.kind == kind,
            ReminderMark.subject_id == subject_id,
            ReminderMark.state_key == state_key,
        )
    )
    if seen is not None:
        return False
    session.add(
        ReminderMark(school_id=school_id, kind=kind, subject_id=subject_id, state_key=state_key, sent_at=now)
    )
    return True


def list_jobs(session: Session, *, caller: Any) -> list[dict[str, Any]]:
    """Every scheduled job with its schedule and how its runs went (admins); `failing` after repeated failure."""
    ensure_roles(caller, *VIEW_ROLES, action="see the scheduled jobs")
    states = {s.name: s for s in session.scalars(select(JobState))}
    rows = []
    for job in JOBS:
        state = states.get(job.name)
        failures = state.consecutive_failures if state else 0
        rows.append(
            {
                "name": job.name,
                "every_seconds": int(job.every.total_seconds()),
                "status": "never_run"
                if state is None or state.last_started_at is None
                else ("failing" if failures >= FAILURES_BEFORE_ALERT else ("retrying" if failures else "ok")),
                "next_run_at": state.next_run_at if state else None,
                "last_started_at": state.last_started_at if state else None,
                "last_succeeded_at": state.last_succeeded_at if state else None,
                "last_failed_at": state.last_failed_at if state else None,
                "last_error": state.last_error if state else None,
                "consecutive_failures": failures,
            }
        )
    return rows
