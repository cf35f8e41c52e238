"""Delivering webhooks: signed per Standard Webhooks and verified by a receiver with the library, retried
on the spec's schedule, 410 and long failure switch the endpoint off and tell the admins."""

from __future__ import annotations

from tests.incidents.factories import headers
from tests.webhooks.helpers import deliveries, register, worker


def _report(client, app, world):
    resp = client.post(
        "/api/v1/incidents",
        json={"classification": "teasing", "students": [{"student_id": world.anna.id, "role": "target"}]},
        headers=headers(app, world, world.users["teacher"]),
    )
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def test_a_reported_incident_reaches_the_receiver_signed_and_thin(app, client, session, world, receiver):
    endpoint = register(client, app, world, receiver.url, ["incident.reported"])
    receiver.secrets = [endpoint["secret"]]
    incident_id = _report(client, app, world)

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
