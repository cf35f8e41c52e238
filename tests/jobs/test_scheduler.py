"""The scheduled jobs: run on their schedule (one worker per run), a failing job is retried and after
repeated failure shows as failing to admins, who are notified once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from api.core.db import db
from api.jobs import scheduler
from api.jobs.schedule import JOBS, RETRY_AFTER
from api.notifications.models import Notification
from tests.incidents.factories import headers, make_world

T0 = datetime(2026, 4, 16, 6, 0, tzinfo=UTC)


@pytest.fixture
def world(app, session):
    return make_world(session)


def run(app, now, worker_id="w1"):
    with app.app_context():
        return scheduler.run_due(app.extensions["trivsel_db"], now=now, worker_id=worker_id)


def test_jobs_run_on_their_schedule_and_only_once_per_turn(app, world):
    assert run(app, T0) == {job.name: True for job in JOBS}
    assert run(app, T0, worker_id="w2") == {}, "another worker finds nothing due"
    assert run(app, T0 + timedelta(minutes=14)) == {}
    assert run(app, T0 + timedelta(minutes=15)) == {"action_plan_deadlines": True, "follow_ups_due": True}
    assert run(app, T0 + timedelta(hours=24)) == {job.name: True for job in JOBS}


def test_a_failing_job_is_retried_and_after_repeated_failure_admins_see_it(
    app, client, session, world, monkeypatch
):
    import api.auth.service

    def broken(_session):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(api.auth.service, "purge_expired", broken)
    now = T0
    assert run(app, now)["purge"] is False
    for wait in RETRY_AFTER:
        assert "purge" not in run(app, now + wait - timedelta(seconds=1)), "not retried before its time"
        now += wait
        assert run(app, now)["purge"] is False

    jobs = {
        j["name"]: j
        for j in client.get("/api/v1/jobs", headers=headers(app, world, world.users["admin"])).json["items"]
    }
    assert jobs["purge"]["status"] == "failing"
    assert jobs["purge"]["consecutive_failures"] == 4
    assert jobs["purge"]["last_error"] == "RuntimeError", "the kind of error, never its text"
    assert jobs["action_plan_deadlines"]["status"] == "ok"
    assert client.get("/api/v1/jobs", headers=headers(app, world, world.users["teacher"])).status_code == 403

    session.expire_all()
    notes = list(session.scalars(select(Notification).where(Notification.kind == "job_failed")))
    admins = {world.users["admin"].id, world.other_users["admin"].id}
    assert sorted(n.user_id for n in notes) == sorted(admins), "each admin told once, not at every failure"

    monkeypatch.undo()
    assert run(app, now + timedelta(hours=24))["purge"] is True
    jobs = {
        j["name"]: j
        for j in client.get("/api/v1/jobs", headers=headers(app, world, world.users["admin"])).json["items"]
    }
    assert (jobs["purge"]["status"], jobs["purge"]["consecutive_failures"]) == ("ok", 0)


def test_the_purge_removes_expired_bookkeeping(app, session, world):
    from api.core import outbox
    from api.core.idempotency import IdempotencyKey

    old = T0 - timedelta(days=40)
    with app.app_context():
        s = db.session
        event = outbox.emit(
            s, "student.updated", school_id=world.school.id, object_type="student", object_id=1
        )
        event.dispatched_at = old
        s.add(
            IdempotencyKey(
                school_id=world.school.id,
                user_id=world.users["teacher"].id,
                key="k",
                method="POST",
                path="/x",
                fingerprint="f",
                created_at=old,
            )
        )
        s.commit()
    assert run(app, T0)["purge"] is True
    session.expire_all()
    assert session.scalars(select(outbox.OutboxEvent)).all() == []
    assert session.scalars(select(IdempotencyKey)).all() == []
