"""`trivsel worker` as real processes: two workers on PostgreSQL deliver 1,000 events exactly once; a
worker killed with SIGKILL mid-batch leaves its leases to expire and a restarted worker delivers the rest,
so the receiver sees exactly 1,000 webhook-ids."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.webhooks.models import WebhookDelivery
from tests.webhooks.helpers import emit_many, register

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 1000


def start_worker(
    database_url: str, tmp_path: Path, *, lease: int = 60, concurrency: int = 8
) -> subprocess.Popen:
    """A worker process on this database (it stops by its process id)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WEBHOOK_ALLOW_LOOPBACK": "1",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "JWT_SECRET_KEY": secrets.token_urlsafe(40),
        "TRIVSEL_INSTANCE_DIR": str(tmp_path),
    }
    args = [sys.executable, "-m", "api.cli", "worker", "--no-jobs", "--poll-interval", "0.05"]
    args += ["--lease-seconds", str(lease), "--concurrency", str(concurrency)]
    with open(tmp_path / "worker.log", "ab") as log:
        return subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
        )


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM (finish what is in flight), then wait."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def delivered(session) -> int:
    session.expire_all()
    return session.scalar(
        select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.status == "delivered")
    )


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_two_workers_on_postgresql_deliver_each_of_1000_events_exactly_once(
    app, client, session, world, receiver, backend, database_url, tmp_path
):
    if backend != "postgresql":
        pytest.skip("several workers need PostgreSQL (SQLite runs one)")
    receiver.secrets = [register(client, app, world, receiver.url, ["incident.updated"])["secret"]]
    emit_many(app, world.school.id, EVENTS)
    workers = [start_worker(database_url, tmp_path), start_worker(database_url, tmp_path)]
    try:
        assert wait_until(lambda: delivered(session) == EVENTS, 90), f"{delivered(session)} delivered"
    finally:
        for w in workers:
            stop(w)
    counts = receiver.counts()
    assert len(counts) == EVENTS
    assert set(counts.values()) == {1}, "no event was delivered twice"
    assert all(r.verified for r in receiver.received)
    by_worker = session.execute(select(func.count(func.distinct(WebhookDelivery.id)))).scalar()
    assert by_worker == EVENTS


def test_a_worker_killed_mid_batch_leaves_its_work_to_a_restarted_one(
    app, client, session, world, receiver, database_url, tmp_path
):
    receiver.secrets = [register(client, app, world, receiver.url, ["incident.updated"])["secret"]]
    emit_many(app, world.school.id, EVENTS)
    first = start_worker(database_url, tmp_path, lease=2)
    try:
        assert wait_until(lambda: len(receiver.counts()) >= 150, 60), "the first worker delivered nothing"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert delivered(session) < EVENTS, "the kill came too late to be mid-batch"
    second = start_worker(database_url, tmp_path, lease=2)
    try:
        assert wait_until(lambda: delivered(session) == EVENTS, 90), f"{delivered(session)} delivered"
    finally:
        stop(second)
    counts = receiver.counts()
    assert len(counts) == EVENTS, "every event arrived, each at least once"
    assert min(counts.values()) >= 1
    assert all(r.verified for r in receiver.received)
