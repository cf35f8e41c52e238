"""Withdrawing a quick log ("Fortryd"): the reporter takes back what she just logged. It is kept for the audit,
with who withdrew it and when on the timeline, but it leaves every list, the student log, the counts and the
separation rule; the leaders' unread notifications of it go too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.core.timeutil import local_date, utcnow
from api.incidents import actions
from api.incidents.models import Incident
from api.notifications.models import Notification
from tests.incidents.factories import headers, make_world

URL = "/api/v1/incidents"


@pytest.fixture
def world(app, session):
    return make_world(session)


def _quick_log(client, app, world, user=None, **extra):
    resp = client.post(
        URL,
        json={
            "classification": "bullying",
            "place": "schoolyard",
            "students": [
                {"student_id": world.anna.id, "role": "target"},
                {"student_id": world.bo.id, "role": "actor"},
            ],
        },
        headers=headers(app, world, user or world.users["teacher"], **extra),
    )
    assert resp.status_code == 201, resp.json
    return resp.json


def test_the_reporter_withdraws_her_quick_log(app, client, session, world):
    teacher = headers(app, world, world.users["teacher"])
    case = _quick_log(client, app, world)
    assert "withdraw" in case["allowed_actions"]
    assert session.scalars(select(Notification)).all()  # the leaders were told
    resp = client.post(f"{URL}/{case['id']}/withdraw", headers={**teacher, "Idempotency-Key": "fortryd-1"})
    assert resp.status_code == 200, resp.json
    assert resp.json["withdrawn_at"] and resp.json["withdrawn_by"]["id"] == world.users["teacher"].id
    assert resp.json["allowed_actions"] == [] and resp.json["allowed_transitions"] == []
    # a phone's retry replays the answer; a second withdrawal is a conflict
    again = client.post(f"{URL}/{case['id']}/withdraw", headers={**teacher, "Idempotency-Key": "fortryd-1"})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    twice = client.post(f"{URL}/{case['id']}/withdraw", headers=teacher)
    # ... of its own type, which the phone reads as "already withdrawn" (not as a withdrawal refused)
    assert (twice.status_code, twice.json["type"]) == (409, "withdrawn")
    # kept, with who and when on the timeline (for its workers and for its reporter)
    assert session.get(Incident, case["id"]) is not None
    for user in (world.users["leader"], world.users["teacher"]):
        timeline = client.get(f"{URL}/{case['id']}/timeline", headers=headers(app, world, user)).json["items"]
        assert [(e["kind"], e["actor"]["id"]) for e in timeline][-1] == (
            "withdrawn",
            world.users["teacher"].id,
        )
    # gone from the lists and counts, the student log and the notifications
    leader = headers(app, world, world.users["leader"])
    for user in ("leader", "teacher", "resource_person"):
        page = client.get(URL, headers=headers(app, world, world.users[user])).json
        assert page["total"] == 0 and page["items"] == []
    log = client.get(f"/api/v1/students/{world.anna.id}/log", headers=leader).json["items"]
    assert [e for e in log if e["ref_type"] == "incident"] == []
    assert client.get("/api/v1/notifications", headers=leader).json["total"] == 0
    # the two children may be play partners again: the case no longer separates them
    arrangement = {
        "student_ids": [world.anna.id, world.bo.id],
        "recesses": ["lunch"],
        "weekdays": [1, 2, 3, 4, 5],
        "end_date": (local_date() + timedelta(days=20)).isoformat(),
        "responsible_id": world.users["teacher"].id,
    }
    assert (
        client.post("/api/v1/play-partner-arrangements", json=arrangement, headers=teacher).status_code == 201
    )
    # still readable by who may see it, and nothing more can be done to it
    got = client.get(f"{URL}/{case['id']}", headers=leader)
    assert got.status_code == 200 and got.json["withdrawn_at"] == resp.json["withdrawn_at"]
    note = client.post(f"{URL}/{case['id']}/notes", json={"kind": "staff", "body": "x"}, headers=leader)
    assert (note.status_code, note.json["type"]) == (409, "withdrawn")
    etag = got.headers["ETag"]
    moved = client.patch(
        f"{URL}/{case['id']}", json={"status": "investigating"}, headers={**leader, "If-Match": etag}
    )
    assert (moved.status_code, moved.json["type"]) == (409, "withdrawn")
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "incident_withdrawn")).all()
    assert sorted(e.student_id for e in audited) == sorted([world.anna.id, world.bo.id])
    assert all(e.user_id == world.users["teacher"].id and e.outcome == "allowed" for e in audited)


def test_only_the_reporter_and_only_just_after(app, client, session, world, monkeypatch):
    case = _quick_log(client, app, world)
    url = f"{URL}/{case['id']}/withdraw"
    for role in ("leader", "resource_person", "pedagogue"):  # they see it, but it is not theirs to take back
        assert client.post(url, headers=headers(app, world, world.users[role])).status_code == 403
    assert client.post(url, headers=headers(app, world, world.users["teacher_b"])).status_code == 404
    assert client.post(url, headers=headers(app, world, world.other_users["teacher"])).status_code == 404
    later = utcnow() + timedelta(minutes=11)
    monkeypatch.setattr(actions, "utcnow", lambda: later)
    teacher = headers(app, world, world.users["teacher"])
    assert "withdraw" not in client.get(f"{URL}/{case['id']}", headers=teacher).json["allowed_actions"]
    late = client.post(url, headers=teacher)
    assert (late.status_code, late.json["type"]) == (409, "conflict")  # refused, not withdrawn


def test_a_case_someone_works_is_no_longer_withdrawn(app, client, session, world):
    case = _quick_log(client, app, world)
    url = f"{URL}/{case['id']}"
    resource = headers(app, world, world.users["resource_person"])
    etag = client.get(url, headers=resource).headers["ETag"]
    moved = client.patch(url, json={"status": "investigating"}, headers={**resource, "If-Match": etag})
    assert moved.status_code == 200
    teacher = headers(app, world, world.users["teacher"])
    assert "withdraw" not in client.get(url, headers=teacher).json["allowed_actions"]
    worked = client.post(url + "/withdraw", headers=teacher)
    assert (worked.status_code, worked.json["type"]) == (409, "conflict")
