"""Observations: quick to log, shared between school and SFO, sensitive notes kept to those who need them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.core import student_log
from api.core.audit import AuditEntry
from api.core.timeutil import utcnow
from api.incidents.models import Incident
from api.observations.models import Observation
from api.students.models import Student
from api.users.models import User
from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user
from tests.observations.factories import make_observation

URL = "/api/v1/observations"
SECRET = "Mor fortæller om skilsmisse derhjemme"


def _setup(session):
    school = make_school(session)
    cls = make_class(session, school, grade=2)
    other_cls = make_class(session, school, grade=2)
    users = {
        "sfo": make_user(session, school, "sfo_staff"),
        "teacher": make_user(session, school, "teacher"),
        "other_teacher": make_user(session, school, "teacher"),
        "leader": make_user(session, school, "leader"),
        "akt": make_user(session, school, "resource_person"),
        "pedagogue": make_user(session, school, "pedagogue"),
    }
    attach_staff(session, cls, users["teacher"])
    attach_staff(session, other_cls, users["other_teacher"])
    student = make_student(session, school, cls, sfo_enrolled=True)
    other = make_student(session, school, other_cls)
    return school, cls, users, student, other


def test_sfo_staff_logs_with_two_fields_and_the_class_teacher_sees_it(app, client, session):
    _school, _cls, users, student, _other = _setup(session)
    resp = client.post(URL, json={"student_ids": [student.id], "mood": 2}, headers=auth(app, users["sfo"]))
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["mood"] == 2 and body["author"]["id"] == users["sfo"].id
    assert body["students"][0]["id"] == student.id and body["students"][0]["grade"] == 2
    assert body["note"] is None and body["note_hidden"] is False and body["tags"] == []
    assert resp.headers["ETag"] and resp.headers["Location"] == f"{URL}/{body['id']}"

    listed = client.get(URL, headers=auth(app, users["teacher"])).json
    assert [o["id"] for o in listed["items"]] == [body["id"]] and listed["total"] == 1
    assert client.get(f"{URL}/{body['id']}", headers=auth(app, users["teacher"])).status_code == 200


def test_sensitive_note_is_only_for_resource_persons_leaders_and_the_author(app, client, session):
    _school, _cls, users, student, _other = _setup(session)
    created = client.post(
        URL,
        json={
            "student_ids": [student.id],
            "mood": 1,
            "note": SECRET,
            "sensitive": True,
            "tags": ["sad", "alone"],
        },
        headers=auth(app, users["sfo"]),
    )
    assert created.status_code == 201
    oid = created.json["id"]
    assert created.json["note"] == SECRET  # the author sees what they wrote

    for role in ("leader", "akt"):
        body = client.get(f"{URL}/{oid}", headers=auth(app, users[role])).json
        assert body["note"] == SECRET and body["note_hidden"] is False

    teacher_view = client.get(f"{URL}/{oid}", headers=auth(app, users["teacher"])).json
    assert teacher_view["note"] is None and teacher_view["note_hidden"] is True
    assert teacher_view["tags"] == ["sad", "alone"] and teacher_view["mood"] == 1
    listed = client.get(URL, headers=auth(app, users["teacher"])).json["items"]
    assert listed[0]["note"] is None and listed[0]["note_hidden"] is True

    # A teacher of another class neither sees the observation nor, therefore, its note.
    assert client.get(f"{URL}/{oid}", headers=auth(app, users["other_teacher"])).status_code == 403
    assert client.get(URL, headers=auth(app, users["other_teacher"])).json["total"] == 0
    # Nor does a pedagogue who is not attached to the class.
    assert client.get(f"{URL}/{oid}", headers=auth(app, users["pedagogue"])).status_code == 403


def test_sfo_staff_see_observations_of_sfo_children_only(app, client, session):
    _school, _cls, users, student, other = _setup(session)
    about_sfo_child = make_observation(session, users["teacher"], [student])
    about_other_child = make_observation(session, users["other_teacher"], [other])
    own = make_observation(session, users["sfo"], [other])
    h = auth(app, users["sfo"])
    ids = {o["id"] for o in client.get(URL, headers=h).json["items"]}
    assert ids == {about_sfo_child.id, own.id}
    assert client.get(f"{URL}/{about_other_child.id}", headers=h).status_code == 403


def test_retry_with_the_same_idempotency_key_writes_once(app, client, session):
    _school, _cls, users, student, _other = _setup(session)
    h = {**auth(app, users["sfo"]), "Idempotency-Key": "obs-1"}
    first = client.post(URL, json={"student_ids": [student.id], "mood": 4}, headers=h)
    again = client.post(URL, json={"student_ids": [student.id], "mood": 4}, headers=h)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert len(session.scalars(select(Observation)).all()) == 1
    other_body = client.post(URL, json={"student_ids": [student.id], "mood": 5}, headers=h)
    assert other_body.status_code == 422


def test_bad_input_is_a_clear_422(app, client, session):
    school, _cls, users, student, _other = _setup(session)
    foreign = make_student(session, make_school(session))
    left = make_student(session, school, active=False)
    h = auth(app, users["teacher"])
    cases = [
        {"student_ids": [], "mood": 3},
        {"student_ids": [student.id], "mood": 0},
        {"student_ids": [student.id], "mood": 6},
        {"student_ids": [student.id], "mood": 3, "tags": ["grumpy"]},
        {"student_ids": [student.id], "mood": 3, "context": "bus"},
        {"student_ids": [student.id], "mood": 3, "note": "x" * 1001},
        {"student_ids": [foreign.id], "mood": 3},
        {"student_ids": [left.id], "mood": 3},
        {"student_ids": [student.id], "mood": 3, "observed_at": (utcnow() + timedelta(hours=2)).isoformat()},
        {"student_ids": [student.id], "mood": 3, "colour": "blue"},
        {"student_ids": [student.id], "mood": 3, "note": "nul\x00byte"},
        {"student_ids": [2**31], "mood": 3},
    ]
    for body in cases:
        resp = client.post(URL, json=body, headers=h)
        assert resp.status_code == 422, (body, resp.json)
        assert resp.json["message"] and resp.json["code"] == 422
    assert session.scalars(select(Observation)).all() == []


def test_naive_observed_at_is_copenhagen_time_and_lists_filter(app, client, session):
    _school, _cls, users, student, other = _setup(session)
    h = auth(app, users["leader"])
    a = client.post(
        URL, json={"student_ids": [student.id], "mood": 3, "observed_at": "2026-03-02T08:30:00"}, headers=h
    ).json
    assert a["observed_at"] == "2026-03-02T07:30:00+00:00"
    b = client.post(
        URL, json={"student_ids": [other.id], "mood": 4, "observed_at": "2026-03-05T23:30:00"}, headers=h
    ).json
    mine = make_observation(session, users["teacher"], [student], context="recess")
    # 23:30 Copenhagen time on the 5th is the 5th, though it is 22:30 UTC.
    got = client.get(URL, query_string={"from": "2026-03-05", "to": "2026-03-05"}, headers=h).json
    assert [o["id"] for o in got["items"]] == [b["id"]]
    got = client.get(URL, query_string={"student_id": student.id}, headers=h).json
    assert {o["id"] for o in got["items"]} == {a["id"], mine.id}
    got = client.get(URL, query_string={"mine": "true"}, headers=h).json
    assert {o["id"] for o in got["items"]} == {a["id"], b["id"]}
    got = client.get(URL, query_string={"context": "recess"}, headers=h).json
    assert [o["id"] for o in got["items"]] == [mine.id]
    assert (
        client.get(URL, query_string={"from": "2026-03-06", "to": "2026-03-01"}, headers=h).status_code == 422
    )
    # newest first
    items = client.get(URL, headers=h).json["items"]
    assert [o["id"] for o in items] == [mine.id, b["id"], a["id"]]


def test_patch_needs_if_match_and_only_the_author_or_leaders_change(app, client, session):
    _school, _cls, users, student, other = _setup(session)
    obs = make_observation(session, users["sfo"], [student], mood=2)
    url = f"{URL}/{obs.id}"
    h = auth(app, users["sfo"])
    etag = client.get(url, headers=h).headers["ETag"]
    assert client.patch(url, json={"mood": 3}, headers=h).status_code == 428
    assert client.patch(url, json={"mood": 3}, headers={**h, "If-Match": '"stale"'}).status_code == 412
    resp = client.patch(
        url, json={"mood": 3, "student_ids": [student.id, other.id]}, headers={**h, "If-Match": etag}
    )
    assert resp.status_code == 200 and resp.json["mood"] == 3
    assert {s["id"] for s in resp.json["students"]} == {student.id, other.id}
    assert resp.headers["ETag"] != etag
    teacher = auth(app, users["teacher"])
    assert client.patch(url, json={"mood": 5}, headers={**teacher, "If-Match": "*"}).status_code == 403


def test_observation_becomes_an_incident_keeping_the_link(app, client, session):
    _school, _cls, users, student, other = _setup(session)
    obs = make_observation(session, users["sfo"], [student], note="Sad at the swings", mood=1)
    h = auth(app, users["teacher"])
    url = f"{URL}/{obs.id}/incident"
    resp = client.post(url, json={"classification": "wellbeing_concern"}, headers=h)
    assert resp.status_code == 201, resp.json
    incident_id = resp.json["incident_id"]
    assert incident_id and resp.headers["Location"] == f"/api/v1/incidents/{incident_id}"
    incident = session.get(Incident, incident_id)
    assert incident.classification == "wellbeing_concern"
    assert incident.description == "Sad at the swings" and incident.reported_by_id == users["teacher"].id
    assert [(s.student_id, s.role) for s in incident.students] == [(student.id, "target")]
    again = client.post(url, json={"classification": "conflict"}, headers=h)
    assert again.status_code == 409 and str(incident_id) in again.json["message"]
    assert client.get(f"{URL}/{obs.id}", headers=h).json["incident_id"] == incident_id

    sensitive = make_observation(session, users["sfo"], [student, other], note=SECRET, sensitive=True)
    resp = client.post(
        f"{URL}/{sensitive.id}/incident",
        json={
            "classification": "exclusion",
            "students": [
                {"student_id": student.id, "role": "target"},
                {"student_id": other.id, "role": "actor"},
            ],
        },
        headers=auth(app, users["leader"]),
    )
    assert resp.status_code == 201
    incident = session.get(Incident, resp.json["incident_id"])
    assert incident.description is None  # a sensitive note is never copied implicitly
    assert {(s.student_id, s.role) for s in incident.students} == {
        (student.id, "target"),
        (other.id, "actor"),
    }


def test_every_read_and_write_is_audited_with_students_and_never_the_note(app, client, session):
    _school, _cls, users, student, _other = _setup(session)
    h = auth(app, users["sfo"])
    oid = client.post(
        URL, json={"student_ids": [student.id], "mood": 1, "note": SECRET, "sensitive": True}, headers=h
    ).json["id"]
    client.get(f"{URL}/{oid}", headers=auth(app, users["teacher"]))
    client.get(URL, headers=auth(app, users["leader"]))
    client.get(f"{URL}/{oid}", headers=auth(app, users["other_teacher"]))
    rows = session.scalars(select(AuditEntry).where(AuditEntry.resource_type == "observation")).all()
    by_action = {(r.action, r.user_id, r.outcome): r for r in rows}
    assert by_action[("observation_created", users["sfo"].id, "allowed")].student_id == student.id
    read = by_action[("observation_read", users["teacher"].id, "allowed")]
    assert read.student_id == student.id and read.detail == {"note_shown": False}
    assert by_action[("observations_listed", users["leader"].id, "allowed")].student_id == student.id
    assert by_action[("denied", users["other_teacher"].id, "denied")].student_id == student.id
    every = session.scalars(select(AuditEntry)).all()
    assert all(SECRET not in str(e.detail) for e in every)


def test_student_log_shows_observations_to_those_who_may_see_them(app, session):
    _school, _cls, users, student, _other = _setup(session)
    make_observation(session, users["sfo"], [student], note=SECRET, sensitive=True, mood=1, tags=["alone"])
    make_observation(session, users["teacher"], [student], note="Glad i dag", mood=5)
    with app.test_request_context():
        s = session.get(Student, student.id)

        def log(user_key):
            viewer = session.get(User, users[user_key].id)
            return [
                e
                for e in student_log.collect(session, viewer=viewer, student=s, before=None, limit=10)
                if e.kind == "observation"
            ]

        leader = log("leader")
        assert len(leader) == 2 and any(SECRET in e.summary for e in leader)
        teacher = log("teacher")
        assert len(teacher) == 2
        assert not any(SECRET in e.summary for e in teacher)
        assert any("hidden" in e.summary for e in teacher) and any("Glad i dag" in e.summary for e in teacher)
        assert log("other_teacher") == []
        newest_first = [e.occurred_at for e in leader]
        assert newest_first == sorted(newest_first, reverse=True)
        older = student_log.collect(
            session,
            viewer=session.get(User, users["leader"].id),
            student=s,
            before=leader[0].occurred_at,
            limit=10,
        )
        assert [e.ref_id for e in older if e.kind == "observation"] == [leader[1].ref_id]
