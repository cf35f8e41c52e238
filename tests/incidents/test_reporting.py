"""Reporting an incident: the minimum is students and a classification; places; idempotent retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from api.core.audit import AuditEntry
from api.incidents.models import Incident, IncidentEvent
from tests.incidents.factories import headers, make_world


@pytest.fixture
def world(app, session):
    return make_world(session)


def test_minimal_report_needs_only_students_and_classification(app, client, session, world):
    before = datetime.now(UTC)
    resp = client.post(
        "/api/v1/incidents",
        json={"classification": "conflict", "students": [{"student_id": world.anna.id, "role": "target"}]},
        headers=headers(app, world, world.users["sfo_staff"]),
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["status"] == "open"
    assert body["classification"] == "conflict"
    occurred = datetime.fromisoformat(body["occurred_at"])
    assert before - timedelta(seconds=5) <= occurred <= datetime.now(UTC) + timedelta(seconds=5)
    assert body["students"] == [
        {"id": world.anna.id, "display_name": "Anna Holm", "class_name": "3.A", "role": "target"}
    ]
    assert body["reporter"] == {"id": world.users["sfo_staff"].id, "name": "sfo_staff A"}
    assert body["established_at"] is None and body["action_plan_due"] is None
    assert resp.headers["ETag"] == f'"incidents-{body["id"]}-v1"'
    assert resp.headers["Location"] == f"/api/v1/incidents/{body['id']}"
    # An SFO reporter sees their report, but in the reporter view
    assert body["view"] == "reporter"
    # The report is on the timeline and in the audit log, with the student
    kinds = session.scalars(select(IncidentEvent.kind).where(IncidentEvent.incident_id == body["id"])).all()
    assert kinds == ["created"]
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "incident_created")).all()
    assert [a.student_id for a in audited] == [world.anna.id]


def test_full_report_is_stored(app, client, world):
    resp = client.post(
        "/api/v1/incidents",
        json={
            "classification": "digital_bullying",
            "students": [
                {"student_id": world.anna.id, "role": "target"},
                {"student_id": world.bo.id, "role": "actor"},
                {"student_id": world.carl.id, "role": "bystander"},
            ],
            "occurred_at": "2026-03-02T10:15:00",
            "place": "online",
            "description": "Grimme beskeder i klassens chat",
            "knowledge_source": "told_by_parent",
            "digital_medium": "Snapchat",
            "pupil_perspective": "Anna siger hun ikke tør gå i skole",
        },
        headers=headers(app, world, world.users["teacher"]),
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    # Without an offset the time is Copenhagen time (CET in March)
    assert body["occurred_at"] == "2026-03-02T09:15:00+00:00"
    assert body["place"] == "online" and body["digital_medium"] == "Snapchat"
    assert body["knowledge_source"] == "told_by_parent"
    assert body["view"] == "full"  # the class teacher works the case
    assert body["pupil_perspective"] == "Anna siger hun ikke tør gå i skole"
    assert [s["role"] for s in body["students"]] == ["target", "actor", "bystander"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"students": []}, "students"),
        ({"classification": "fight"}, "classification"),
        ({"students": [{"student_id": 999999, "role": "target"}]}, "students"),
        ({"place": "the moon"}, "place"),
        ({"knowledge_source": "guessed"}, "knowledge_source"),
        ({"occurred_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, "occurred_at"),
        ({"surprise": 1}, "surprise"),
        ({"description": "a\x00b"}, "description"),
    ],
)
def test_invalid_reports_are_422_with_the_field(app, client, world, change, field):
    anna = [{"student_id": world.anna.id, "role": "target"}]
    body = {"classification": "conflict", "students": anna, **change}
    resp = client.post("/api/v1/incidents", json=body, headers=headers(app, world, world.users["teacher"]))
    assert resp.status_code == 422, resp.json
    assert field in str(resp.json.get("errors")), resp.json


def test_duplicate_and_foreign_students_are_refused(app, client, session, world):
    h = headers(app, world, world.users["teacher"])
    twice = [{"student_id": world.anna.id, "role": "target"}, {"student_id": world.anna.id, "role": "actor"}]
    resp = client.post("/api/v1/incidents", json={"classification": "conflict", "students": twice}, headers=h)
    assert resp.status_code == 422
    foreign = [{"student_id": world.other_student.id, "role": "target"}]
    body = {"classification": "conflict", "students": foreign}
    resp = client.post("/api/v1/incidents", json=body, headers=h)
    assert resp.status_code == 422
    assert session.scalar(select(func.count()).select_from(Incident)) == 0


def test_idempotency_key_replays_and_refuses_a_different_body(app, client, session, world):
    h = headers(app, world, world.users["teacher"], **{"Idempotency-Key": "phone-1-abc"})
    body = {"classification": "teasing", "students": [{"student_id": world.bo.id, "role": "actor"}]}
    first = client.post("/api/v1/incidents", json=body, headers=h)
    again = client.post("/api/v1/incidents", json=body, headers=h)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    other = client.post("/api/v1/incidents", json={**body, "classification": "conflict"}, headers=h)
    assert other.status_code == 422
    assert session.scalar(select(func.count()).select_from(Incident)) == 1


def test_places_default_list_and_school_list_with_etag(app, client, world):
    leader = headers(app, world, world.users["leader"])
    resp = client.get("/api/v1/incident-places", headers=headers(app, world, world.users["sfo_staff"]))
    assert resp.status_code == 200
    assert resp.json == {
        "places": [
            "schoolyard",
            "football_pitch",
            "corridor",
            "classroom",
            "toilets",
            "sfo",
            "bus",
            "online",
            "other",
        ],
        "customized": False,
    }
    etag = resp.headers["ETag"]
    new = {"places": ["schoolyard", "Multibanen", "bus"]}
    assert client.put("/api/v1/incident-places", json=new, headers=leader).status_code == 428
    assert (
        client.put("/api/v1/incident-places", json=new, headers={**leader, "If-Match": '"nope"'}).status_code
        == 412
    )
    teacher = headers(app, world, world.users["teacher"], **{"If-Match": etag})
    assert client.put("/api/v1/incident-places", json=new, headers=teacher).status_code == 403
    resp = client.put("/api/v1/incident-places", json=new, headers={**leader, "If-Match": etag})
    assert resp.status_code == 200, resp.json
    assert resp.json == {"places": ["schoolyard", "Multibanen", "bus"], "customized": True}
    # Reports now choose from the school's list
    h = headers(app, world, world.users["teacher"])
    report = {"classification": "conflict", "students": [{"student_id": world.anna.id, "role": "target"}]}
    ok = client.post("/api/v1/incidents", json={**report, "place": "Multibanen"}, headers=h)
    gone = client.post("/api/v1/incidents", json={**report, "place": "corridor"}, headers=h)
    assert (ok.status_code, gone.status_code) == (201, 422)
    # Other schools keep the default list
    other = client.get("/api/v1/incident-places", headers=headers(app, world, world.other_users["leader"]))
    assert other.json["customized"] is False
    # An empty list restores the default
    resp = client.put(
        "/api/v1/incident-places", json={"places": []}, headers={**leader, "If-Match": resp.headers["ETag"]}
    )
    assert resp.json["customized"] is False and "corridor" in resp.json["places"]
