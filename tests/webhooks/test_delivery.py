"""Delivering webhooks: signed per Standard Webhooks and verified by a receiver with the library, retried
on the spec's schedule, 410 and long failure switch the endpoint off and tell the admins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.core.db import db
from api.core.timeutil import utcnow
from api.notifications.models import Notification
from api.webhooks import delivery as delivery_mod
from api.webhooks.models import WebhookEndpoint
from api.webhooks.sender import Outcome
from tests.incidents.factories import headers
from tests.webhooks.helpers import deliveries, emit_many, register, report, worker


def test_a_reported_incident_reaches_the_receiver_signed_and_thin(app, client, session, world, receiver):
    endpoint = register(client, app, world, receiver.url, ["incident.reported"])
    receiver.secrets = [endpoint["secret"]]
    incident_id = report(client, app, world)

    assert worker(app).run_once() == 1

    [got] = receiver.received
    assert got.verified, "the standardwebhooks library verifies the delivery"
    assert got.message_id.startswith("msg_")
    assert got.headers["webhook-signature"].startswith("v1,")
    assert got.payload["type"] == "incident.reported"
    assert got.payload["data"] == {"object": "incident", "id": incident_id, "school_id": world.school.id}
    assert set(got.payload) == {"type", "timestamp", "data"}
    assert b"Anna" not in got.body and b"Holm" not in got.body
    [row] = deliveries(session)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 204)


def test_a_replay_older_than_five_minutes_is_rejected_by_the_receiver_library(
    app, client, world, receiver, monkeypatch
):
    import standardwebhooks.webhooks as swh

    from tests.webhooks.receiver import verify

    endpoint = register(client, app, world, receiver.url, ["incident.reported"])
    receiver.secrets = [endpoint["secret"]]
    report(client, app, world)
    worker(app).run_once()
    [got] = receiver.received
    assert verify(receiver.secrets, got.body, got.headers)["type"] == "incident.reported"

    real = swh.datetime

    class SixMinutesLater(real):  # the same request, captured and sent again 6 minutes on
        @classmethod
        def now(cls, tz=None):
            return real.now(tz) + timedelta(minutes=6)

    monkeypatch.setattr(swh, "datetime", SixMinutesLater)
    with pytest.raises(swh.WebhookVerificationError, match="too old"):
        verify(receiver.secrets, got.body, got.headers)


def test_a_delivery_signed_long_ago_is_refused_by_the_receiver(app, client, session, world, receiver):
    endpoint = register(client, app, world, receiver.url, ["incident.reported"])
    receiver.secrets = [endpoint["secret"]]
    report(client, app, world)
    w = worker(app)
    now = utcnow()
    w.dispatch(now=now)
    [claimed] = w.claim(now=now)
    settings = delivery_mod.Settings.from_config(app.config)
    outcome = delivery_mod.attempt(claimed, settings=settings, signed_at=now - timedelta(minutes=6))
    assert outcome.status_code == 400 and not receiver.received[0].verified
    fresh = delivery_mod.attempt(claimed, settings=settings, signed_at=now)
    assert fresh.ok and receiver.received[1].verified


def test_rotation_signs_with_both_secrets_during_the_grace_period(app, client, session, world, receiver):
    endpoint = register(client, app, world, receiver.url, ["incident.reported"])
    old = endpoint["secret"]
    resp = client.post(
        f"/api/v1/webhook-endpoints/{endpoint['id']}/rotate-secret",
        json={"grace_hours": 24},
        headers=headers(app, world, world.users["admin"]),
    )
    assert resp.status_code == 200, resp.json
    new = resp.json["secret"]
    assert new.startswith("whsec_") and new != old

    receiver.secrets = [old]  # a receiver not switched over yet
    report(client, app, world)
    worker(app).run_once()
    receiver.secrets = [new]  # and one that has switched
    report(client, app, world)
    worker(app).run_once()
    assert [r.verified for r in receiver.received] == [True, True]
    assert len(receiver.received[0].headers["webhook-signature"].split(" ")) == 2

    # After the grace period only the new secret signs: the old one no longer verifies.
    receiver.secrets = [old]
    report(client, app, world)
    worker(app).run_once(now=utcnow() + timedelta(hours=25))
    assert receiver.received[-1].verified is False
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 1


def test_retries_follow_the_standard_webhooks_schedule_and_the_receiver_down_for_a_while_drains(
    app, client, session, world, receivers
):
    down = receivers()
    url = down.url
    down.stop()  # nothing listens there now
    endpoint = register(client, app, world, url, ["incident.reported"])
    for _ in range(3):
        report(client, app, world)
    w = worker(app)
    t0 = utcnow()
    assert w.run_once(now=t0) == 3
    rows = deliveries(session)
    assert {(r.status, r.attempts, r.last_error) for r in rows} == {("pending", 1, "connection_failed")}
    assert {r.next_attempt_at for r in rows} == {t0 + timedelta(seconds=5)}
    assert w.run_once(now=t0 + timedelta(seconds=4)) == 0, "not before its time"
    assert w.run_once(now=t0 + timedelta(seconds=5)) == 3
    assert {r.next_attempt_at for r in deliveries(session)} == {t0 + timedelta(seconds=5 + 300)}

    back = receivers(port=int(url.rsplit(":", 1)[1].split("/")[0]))  # the receiver comes back
    back.secrets = [endpoint["secret"]]
    assert w.run_once(now=t0 + timedelta(seconds=305)) == 3
    assert len(back.counts()) == 3 and all(r.verified for r in back.received)
    assert {(r.status, r.attempts) for r in deliveries(session)} == {("delivered", 3)}
    endpoint_row = session.get(WebhookEndpoint, endpoint["id"])
    assert endpoint_row.active and endpoint_row.failing_since is None


def test_the_schedule_is_the_specs():
    assert [d.total_seconds() for d in delivery_mod.RETRY_DELAYS] == [
        0,
        5,
        5 * 60,
        30 * 60,
        2 * 3600,
        5 * 3600,
        10 * 3600,
        14 * 3600,
        20 * 3600,
        24 * 3600,
    ]


def _admin_notices(session, world, kind):
    session.expire_all()
    return list(
        session.scalars(
            select(Notification).where(Notification.kind == kind, Notification.school_id == world.school.id)
        )
    )


def test_410_switches_the_endpoint_off_and_tells_the_admins_once(app, client, session, world, receiver):
    endpoint = register(client, app, world, receiver.url, ["incident.reported"])
    receiver.secrets = [endpoint["secret"]]
    receiver.behaviour.status = 410
    report(client, app, world)
    report(client, app, world)
    w = worker(app, concurrency=1)
    w.run_once()
    row = session.get(WebhookEndpoint, endpoint["id"])
    session.refresh(row)
    assert (row.active, row.disabled_reason) == (False, "gone")
    statuses = sorted(d.status for d in deliveries(session))
    assert statuses == ["failed", "pending"], "the second waits: a switched-off endpoint gets nothing"
    notes = _admin_notices(session, world, "webhook_endpoint_disabled")
    assert [n.user_id for n in notes] == [world.users["admin"].id]

    # Switched on again by the admin, the waiting delivery goes out.
    receiver.behaviour.status = 204
    etag = client.get(
        f"/api/v1/webhook-endpoints/{endpoint['id']}", headers=headers(app, world, world.users["admin"])
    ).headers["ETag"]
    resp = client.patch(
        f"/api/v1/webhook-endpoints/{endpoint['id']}",
        json={"active": True},
        headers=headers(app, world, world.users["admin"], **{"If-Match": etag}),
    )
    assert resp.status_code == 200 and resp.json["disabled_reason"] is None
    w.run_once()
    assert sorted(d.status for d in deliveries(session)) == ["delivered", "failed"]


def test_two_days_of_failures_ending_a_delivery_switches_the_endpoint_off(
    app, client, session, world, receiver
):
    endpoint = register(client, app, world, receiver.url, ["incident.reported"])
    receiver.secrets = [endpoint["secret"]]
    receiver.behaviour.status, receiver.behaviour.always = 500, True
    report(client, app, world)
    w = worker(app)
    now = utcnow()
    for delay in delivery_mod.RETRY_DELAYS:
        now += delay
        assert w.run_once(now=now) == 1
    [row] = deliveries(session)
    assert (row.status, row.attempts, row.last_status_code) == ("failed", 10, 500)
    ep = session.get(WebhookEndpoint, endpoint["id"])
    session.refresh(ep)
    assert (ep.active, ep.disabled_reason) == (False, "failing")
    assert len(_admin_notices(session, world, "webhook_endpoint_disabled")) == 1
    assert len(receiver.counts()) == 1 and sum(receiver.counts().values()) == 10


def test_an_endpoint_that_still_succeeds_is_not_switched_off_by_one_refused_event(
    app, client, session, world, receiver
):
    endpoint = register(client, app, world, receiver.url, ["incident.reported"])
    receiver.secrets = [endpoint["secret"]]
    first = report(client, app, world)
    receiver.behaviour.refuse_ids = {first}  # refuses this one event every time
    w = worker(app)
    now = utcnow()
    for i, delay in enumerate(delivery_mod.RETRY_DELAYS):
        now += delay
        if i:
            report(client, app, world)  # meanwhile other events get through
        w.run_once(now=now)
    ep = session.get(WebhookEndpoint, endpoint["id"])
    session.refresh(ep)
    assert ep.active
    assert sorted(d.status for d in deliveries(session)) == ["delivered"] * 9 + ["failed"]


def test_two_claims_never_share_a_delivery(app, client, session, world, receiver, backend):
    register(client, app, world, receiver.url, ["incident.updated"])
    emit_many(app, world.school.id, 6)
    w = worker(app, concurrency=20)
    w.dispatch(now=utcnow())
    sessions = app.extensions["trivsel_db"]
    now = utcnow()
    lease = timedelta(seconds=60)
    with app.app_context(), sessions() as first, sessions() as second:
        a = delivery_mod.claim(first, worker_id="a", now=now, lease=lease, limit=4, per_endpoint=10)
        if backend == "sqlite":
            first.commit()  # SQLite has no row locks: the second claim waits for the first to commit
        b = delivery_mod.claim(second, worker_id="b", now=now, lease=lease, limit=10, per_endpoint=10)
        second.commit()
        first.commit()
    assert len(a) == 4 and len(b) == 2
    assert not {c.delivery_id for c in a} & {c.delivery_id for c in b}
    # A lease that ran out is free again (a killed worker's work is retried), and the stale holder's
    # outcome is not recorded over the new holder's claim.
    later = now + lease + timedelta(seconds=1)
    with app.app_context(), sessions() as third:
        c = delivery_mod.claim(third, worker_id="c", now=later, lease=lease, limit=10, per_endpoint=10)
        third.commit()
    assert {x.delivery_id for x in c} == {x.delivery_id for x in a + b}
    with app.app_context():
        stale = delivery_mod.record(db.session, claimed=a[0], outcome=Outcome(204), worker_id="a", now=later)
        assert stale is None
