"""Withdrawing an observation just logged ("Fortryd"): only its author, only just after; kept for the audit
with who and when, but gone from the lists and the student log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.core.audit import AuditEntry
from api.core.timeutil import utcnow
from api.observations import service as observation_service
from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user

URL = "/api/v1/observations"


def _setup(session):
    school = make_school(session)
    cls = make_class(session, school)
    sfo = make_user(session, school, "sfo_staff")
    leader = make_user(session, school, "leader")
    teacher = make_user(session, school, "teacher")
    attach_staff(session, cls, teacher)
    student = make_student(session, school, cls, sfo_enrolled=True)
    return sfo, leader, teacher, student


def test_the_author_withdraws_an_observation(app, client, session):
    sfo, leader, teacher, student = _setup(session)
    h = auth(app, sfo)
    made = client.post(
        URL, json={"student_ids": [student.id], "mood": 2, "note": "Alene ved gyngerne"}, headers=h
    )
    assert made.status_code == 201
    url = f"{URL}/{made.json['id']}"
    for other in (leader, teacher):  # they may correct it, but withdrawing is the author's own undo
        assert client.post(url + "/withdraw", headers=auth(app, other)).status_code == 403
    resp = client.post(url + "/withdraw", headers={**h, "Idempotency-Key": "fortryd-obs"})
    assert resp.status_code == 200, resp.json
    assert resp.json["withdrawn_at"] and resp.json["withdrawn_by"]["id"] == sfo.id
    replay = client.post(url + "/withdraw", headers={**h, "Idempotency-Key": "fortryd-obs"})
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    twice = client.post(url + "/withdraw", headers=h)
    assert (twice.status_code, twice.json["type"]) == (409, "withdrawn")
    for user in (sfo, leader, teacher):
        assert client.get(URL, headers=auth(app, user)).json["total"] == 0
    log = client.get(f"/api/v1/students/{student.id}/log", headers=auth(app, leader)).json["items"]
    assert [e for e in log if e["kind"] == "observation"] == []
    kept = client.get(url, headers=auth(app, leader))
    assert kept.status_code == 200 and kept.json["withdrawn_at"] == resp.json["withdrawn_at"]
    etag = kept.headers["ETag"]
    assert client.patch(url, json={"mood": 3}, headers={**h, "If-Match": etag}).status_code == 409
    turned = client.post(url + "/incident", json={"classification": "bullying"}, headers=h)
    assert turned.status_code == 409
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "observation_withdrawn")).all()
    assert [(e.user_id, e.student_id) for e in audited] == [(sfo.id, student.id)]


def test_only_just_after_and_not_once_it_became_an_incident(app, client, session, monkeypatch):
    sfo, _leader, _teacher, student = _setup(session)
    h = auth(app, sfo)
    first = client.post(URL, json={"student_ids": [student.id], "mood": 1}, headers=h).json
    second = client.post(URL, json={"student_ids": [student.id], "mood": 1}, headers=h).json
    turned = client.post(f"{URL}/{second['id']}/incident", json={"classification": "bullying"}, headers=h)
    assert turned.status_code == 201
    refused = client.post(f"{URL}/{second['id']}/withdraw", headers=h)
    assert refused.status_code == 409 and refused.json["errors"]["incident_id"] == [
        turned.json["incident_id"]
    ]
    assert refused.json["type"] == "conflict"  # refused: the phone must not say it was withdrawn
    later = utcnow() + timedelta(minutes=11)
    monkeypatch.setattr(observation_service, "utcnow", lambda: later)
    late = client.post(f"{URL}/{first['id']}/withdraw", headers=h)
    assert (late.status_code, late.json["type"]) == (409, "conflict")
