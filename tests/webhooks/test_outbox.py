"""The transactional outbox: every change writes its event in the change's own transaction; a request
that rolls back leaves none; cases accusing a staff member are never announced."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from flask import g
from sqlalchemy import select

from api.core.outbox import OutboxEvent
from api.core.timeutil import local_date
from api.errors import InvalidInput
from api.incidents import service as incidents
from api.incidents.models import Incident
from tests.incidents.factories import get_etag, headers


def _events(session):
    session.expire_all()
    return [
        (e.type, e.object_type, e.object_id)
        for e in session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
    ]


def _report(client, app, world, **extra):
    body = {
        "classification": "bullying",
        "students": [{"student_id": world.anna.id, "role": "target"}],
        **extra,
    }
    resp = client.post("/api/v1/incidents", json=body, headers=headers(app, world, world.users["teacher"]))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def test_each_change_of_a_case_writes_its_event(app, client, session, world):
    leader = world.users["leader"]
    case = _report(client, app, world)
    assert _events(session) == [("incident.reported", "incident", case)]

    url = f"/api/v1/incidents/{case}"
    etag = get_etag(client, url, headers(app, world, leader))
    resp = client.patch(
        url,
        json={
            "description": "I skolegården",
            "place": "schoolyard",
            "students": [
                {"student_id": world.anna.id, "role": "target"},
                {"student_id": world.bo.id, "role": "actor"},
            ],
        },
        headers=headers(app, world, leader, **{"If-Match": etag}),
    )
    assert resp.status_code == 200, resp.json
    assert _events(session)[1:] == [("incident.updated", "incident", case)], (
        "one event per change, not per field"
    )

    resp = client.post(f"{url}/establish", json={}, headers=headers(app, world, leader))
    assert resp.status_code == 200, resp.json
    assert sorted(t for t, *_ in _events(session)[2:]) == ["incident.established", "incident.status_changed"]

    plan = {
        "measures": [{"description": "Samtale", "responsible_user_id": leader.id}],
        "follow_up_on": (local_date() + timedelta(days=10)).isoformat(),
    }
    resp = client.put(f"{url}/action-plan", json=plan, headers=headers(app, world, leader))
    assert resp.status_code == 200, resp.json
    assert _events(session)[4:] == [("action_plan.adopted", "incident", case)]
    etag = resp.headers["ETag"]
    resp = client.put(
        f"{url}/action-plan", json=plan, headers=headers(app, world, leader, **{"If-Match": etag})
    )
    assert resp.status_code == 200, resp.json
    assert len(_events(session)) == 5, "saving an adopted plan again adopts nothing"

    for status in ("monitoring", "closed"):
        etag = get_etag(client, url, headers(app, world, leader))
        resp = client.patch(
            url, json={"status": status}, headers=headers(app, world, leader, **{"If-Match": etag})
        )
        assert resp.status_code == 200, resp.json
    assert [t for t, *_ in _events(session)[5:]] == [
        "incident.status_changed",
        "incident.status_changed",
        "incident.closed",
    ]


def test_reading_writes_no_event(app, client, session, world):
    case = _report(client, app, world)
    client.get(f"/api/v1/incidents/{case}", headers=headers(app, world, world.users["leader"]))
    client.get("/api/v1/incidents", headers=headers(app, world, world.users["leader"]))
    assert len(_events(session)) == 1


def test_a_case_accusing_a_staff_member_is_never_announced(app, client, session, world):
    case = _report(client, app, world, accused_staff_id=world.users["pedagogue"].id)
    leader = world.users["leader"]
    client.post(f"/api/v1/incidents/{case}/establish", json={}, headers=headers(app, world, leader))
    assert session.get(Incident, case).established_at is not None
    assert _events(session) == []


def test_student_changes_and_roster_imports_write_their_events(app, client, session, world):
    admin = world.users["admin"]
    url = f"/api/v1/students/{world.anna.id}"
    etag = get_etag(client, url, headers(app, world, admin))
    resp = client.patch(
        url, json={"preferred_name": "Annie"}, headers=headers(app, world, admin, **{"If-Match": etag})
    )
    assert resp.status_code == 200, resp.json
    assert _events(session) == [("student.updated", "student", world.anna.id)]

    data = "external_id;given_name;family_name;class\nE1;Åse;Østergård;3.A\n".encode()

    def upload(dry_run):
        return client.post(
            "/api/v1/students/import",
            query_string={"dry_run": str(dry_run).lower(), "leave_missing": "false"},
            data={"file": (io.BytesIO(data), "elever.csv")},
            headers=headers(app, world, admin),
            content_type="multipart/form-data",
        )

    assert upload(True).status_code == 200
    assert len(_events(session)) == 1, "a dry run changes nothing and announces nothing"
    assert upload(False).status_code == 200
    assert _events(session)[1:] == [("roster.imported", "school", world.school.id)]


def test_a_request_that_rolls_back_leaves_no_event(app, client, session, world):
    def report_then_fail():
        incidents.create_incident(
            session_of_request(),
            caller=g.trivsel_user,
            classification="teasing",
            students=[{"student_id": world.anna.id, "role": "target"}],
        )
        raise InvalidInput("A later step of the same request failed.", errors={"step": ["failed"]})

    def session_of_request():
        from api.core.db import db

        return db.session

    app.add_url_rule("/api/v1/test-report-then-fail", "report_then_fail", report_then_fail, methods=["POST"])
    resp = client.post("/api/v1/test-report-then-fail", headers=headers(app, world, world.users["teacher"]))
    assert resp.status_code == 422
    session.expire_all()
    assert session.scalars(select(Incident)).all() == []
    assert _events(session) == []

    _report(client, app, world)  # the same change in a request that succeeds does leave its event
    assert [t for t, *_ in _events(session)] == ["incident.reported"]


def test_events_can_be_switched_off(app, client, session, world):
    app.config["OUTBOX_ENABLED"] = False
    _report(client, app, world)
    assert _events(session) == []


def test_the_event_row_is_thin(app, client, session, world):
    _report(client, app, world, description="Anna blev holdt udenfor af Bo")
    [event] = session.scalars(select(OutboxEvent)).all()
    assert len(event.public_id) == 32 and event.school_id == world.school.id
    assert event.occurred_at <= datetime.now(UTC)
    stored = {c.name: getattr(event, c.key) for c in OutboxEvent.__table__.columns}
    assert not any("Anna" in str(v) for v in stored.values())
