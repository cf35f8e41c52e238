"""`trivsel worker`: hands outbox events to the webhooks, delivers them in parallel threads, and runs the
scheduled jobs. The database is the queue; any number of workers may run on PostgreSQL, one on SQLite."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask

from api.core import outbox
from api.core.timeutil import utcnow
from api.jobs import scheduler
from api.webhooks import delivery
from api.webhooks import service as webhooks

log = logging.getLogger("trivsel.worker")


def default_worker_id() -> str:
    """host:pid, unique among the workers of a deployment."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Options:
    """How a worker runs."""

    concurrency: int = 8
    poll_interval: float = 1.0
    lease: timedelta = timedelta(seconds=60)
    batch: int = 200
    run_jobs: bool = True
    worker_id: str = field(default_factory=default_worker_id)


class Worker:
    """One worker process: a loop that claims work and a pool of threads that deliver."""

    def __init__(self, app: Flask, options: Options | None = None) -> None:
        self.app = app
        self.options = options or Options()
        self.sessions = app.extensions["trivsel_db"]
        self.settings = delivery.Settings.from_config(app.config)
        self.stopping = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=self.options.concurrency, thread_name_prefix="deliver")
        self.in_flight: dict[Future[Any], delivery.Claimed] = {}
        self._jobs: Future[Any] | None = None
        self._jobs_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")
        self._jobs_checked = 0.0

    # ------------------------------------------------------------ steps

    def dispatch(self, *, now: datetime) -> int:
        """Turn a batch of outbox events into deliveries, in one transaction; returns the events handled."""
        with self.app.app_context(), self.sessions() as session:
            events = outbox.claim_undispatched(session, limit=self.options.batch)
            if not events:
                session.rollback()
                return 0
            webhooks.fan_out(session, events=outbox.mark_dispatched(session, events, now=now), now=now)
            session.commit()
            return len(events)

    def claim(self, *, now: datetime) -> list[delivery.Claimed]:
        """Lease as many due deliveries as there are free threads."""
        free = self.options.concurrency - len(self.in_flight)
        if free <= 0:
            return []
        with self.sessions() as session:
            claimed = delivery.claim(
                session,
                worker_id=self.options.worker_id,
                now=now,
                lease=self.options.lease,
                limit=free,
                per_endpoint=max(1, self.options.concurrency // 2),
                in_flight=Counter(c.endpoint_id for c in self.in_flight.values()),
            )
            session.commit()
        return claimed

    def attempt(self, claimed: delivery.Claimed) -> Any:
        """Sign and send one delivery (runs in a pool thread; the signature carries the real time of
        sending, a fake `now` moves only the schedule)."""
        return delivery.attempt(claimed, settings=self.settings, signed_at=utcnow())

    def record(
        self, results: list[tuple[delivery.Claimed, Any]], *, now: datetime | None = None
    ) -> list[Any]:
        """Store the outcomes of finished attempts in one transaction; returns the new statuses."""
        if not results:
            return []
        with self.app.app_context(), self.sessions() as session:
            statuses = [
                delivery.record(
                    session,
                    claimed=claimed,
                    outcome=outcome,
                    worker_id=self.options.worker_id,
                    now=now or utcnow(),
                )
                for claimed, outcome in results
            ]
            session.commit()
        return statuses

    def deliver(self, claimed: delivery.Claimed, *, now: datetime | None = None) -> str | None:
        """Attempt one delivery and record its outcome as of `now`."""
        return self.record([(claimed, self.attempt(claimed))], now=now)[0]

    def run_jobs(self, *, now: datetime) -> dict[str, bool]:
        """Run the scheduled jobs that are due."""
        with self.app.app_context():
            return scheduler.run_due(self.sessions, now=now, worker_id=self.options.worker_id)

    def run_once(self, *, now: datetime | None = None) -> int:
        """Everything due as of `now`, synchronously (tests pass a fake time); returns deliveries attempted."""
        now = now or utcnow()
        while self.dispatch(now=now):
            pass
        attempted = 0
        while claimed := self.claim(now=now):
            futures = [(c, self.pool.submit(self.attempt, c)) for c in claimed]
            self.record([(c, f.result()) for c, f in futures], now=now)
            attempted += len(claimed)
        if self.options.run_jobs:
            self.run_jobs(now=now)
        return attempted

    # ------------------------------------------------------------ the loop

    def _submit(self, claimed: list[delivery.Claimed]) -> None:
        for c in claimed:
            self.in_flight[self.pool.submit(self.attempt, c)] = c

    def _reap(self) -> None:
        finished = []
        for future in [f for f in self.in_flight if f.done()]:
            c = self.in_flight.pop(future)
            if future.exception() is not None:
                # The lease runs out and the delivery is attempted again.
                log.error("delivery %s failed in the worker", c.delivery_id, exc_info=future.exception())
            else:
                finished.append((c, future.result()))
        try:
            self.record(finished)
        except Exception:
            log.exception(
                "recording %s outcomes failed; their leases run out and they are retried", len(finished)
            )
        if self._jobs is not None and self._jobs.done():
            if self._jobs.exception() is not None:
                log.error("scheduler failed", exc_info=self._jobs.exception())
            self._jobs = None

    def run(self) -> None:
        """Work until SIGTERM or SIGINT, then finish the deliveries in flight."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stopping.set())
        log.info(
            "worker %s started: %s threads, %s database",
            self.options.worker_id,
            self.options.concurrency,
            self.sessions.kw["bind"].dialect.name,
        )
        while not self.stopping.is_set():
            self._reap()
            now = utcnow()
            busy = False
            try:
                busy = self.dispatch(now=now) > 0
                claimed = self.claim(now=now)
                self._submit(claimed)
                busy = busy or bool(claimed)
                due = time.monotonic() - self._jobs_checked >= self.options.poll_interval
                if self.options.run_jobs and self._jobs is None and due:
                    self._jobs_checked = time.monotonic()
                    self._jobs = self._jobs_pool.submit(self.run_jobs, now=now)
            except Exception:
                log.exception("worker step failed; retrying")
                self.stopping.wait(self.options.poll_interval)
            if not busy:
                if self.in_flight:
                    wait(
                        list(self.in_flight), timeout=self.options.poll_interval, return_when=FIRST_COMPLETED
                    )
                else:
                    self.stopping.wait(self.options.poll_interval)
            elif len(self.in_flight) >= self.options.concurrency:
                wait(list(self.in_flight), timeout=self.options.poll_interval, return_when=FIRST_COMPLETED)
        log.info("worker %s stopping: %s deliveries in flight", self.options.worker_id, len(self.in_flight))
        wait(list(self.in_flight))
        self._reap()
        self.pool.shutdown()
        self._jobs_pool.shutdown()
