"""Runs the scheduled jobs that are due: one worker at a time per job (a conditional update claims it, on
SQLite and PostgreSQL alike), each run in its own transaction, failures retried and after repeated failure
shown to admins."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.jobs.models import JobState
from api.jobs.schedule import FAILURES_BEFORE_ALERT, JOB_LEASE, JOBS, RETRY_AFTER, Job
from api.notifications.service import notify
from api.users.service import active_user_ids

log = logging.getLogger("trivsel.jobs")


def _ensure_states(session: Session, jobs: Iterable[Job], now: datetime) -> None:
    have = set(session.scalars(select(JobState.name)))
    missing = [job for job in jobs if job.name not in have]
    if not missing:
        return
    session.add_all(JobState(name=job.name, next_run_at=now) for job in missing)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # another worker added them first


def _claim(session: Session, job: Job, *, now: datetime, worker_id: str) -> bool:
    claimed = session.execute(
        update(JobState)
        .where(
            JobState.name == job.name,
            JobState.next_run_at <= now,
            or_(JobState.locked_until.is_(None), JobState.locked_until < now),
        )
        .values(locked_until=now + JOB_LEASE, locked_by=worker_id, last_started_at=now)
    ).rowcount
    session.commit()
    return claimed == 1


def run_due(
    session_factory: Callable[[], Session],
    *,
    now: datetime,
    worker_id: str,
    jobs: Iterable[Job] = JOBS,
) -> dict[str, bool]:
    """Run every job whose time has come (as of `now`); returns {job name: succeeded} for those run."""
    jobs = list(jobs)
    ran: dict[str, bool] = {}
    with session_factory() as session:
        _ensure_states(session, jobs, now)
        for job in jobs:
            if not _claim(session, job, now=now, worker_id=worker_id):
                continue
            ran[job.name] = _run(session_factory, job, now=now, worker_id=worker_id)
    return ran


def _run(session_factory: Callable[[], Session], job: Job, *, now: datetime, worker_id: str) -> bool:
    error: Exception | None = None
    with session_factory() as session:
        try:
            result = job.run(session, now)
            session.commit()
            log.info("job %s done: %s", job.name, result)
        except Exception as exc:
            session.rollback()
            log.exception("job %s failed", job.name)
            error = exc
    with session_factory() as session:
        state = session.get(JobState, job.name)
        assert state is not None
        if state.locked_by != worker_id:
            return error is None  # our lease ran out and another worker has the job now
        state.locked_until = None
        state.locked_by = None
        if error is None:
            state.last_succeeded_at = now
            state.consecutive_failures = 0
            state.next_run_at = now + job.every
        else:
            state.last_failed_at = now
            state.last_error = type(error).__name__[:100]
            state.consecutive_failures += 1
            failures = state.consecutive_failures
            state.next_run_at = now + (
                RETRY_AFTER[failures - 1] if failures <= len(RETRY_AFTER) else job.every
            )
            if failures == FAILURES_BEFORE_ALERT:
                notify(
                    session,
                    user_ids=active_user_ids(session, role="admin"),
                    kind="job_failed",
                    params={"job": job.name},
                )
        session.commit()
    return error is None
