"""Play-partner arrangements: today's list for schoolyard duty, check-ins, overlaps, the open-case rule."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.core import student_log
from api.core.audit import AuditEntry
from api.core.timeutil import local_date
from api.students.models import Student
from api.users.models import User
from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user
from tests.observations.factories import make_case
from tests.play_partners.factories import make_arrangement

URL = "/api/v1/play-partner-arrangements"


def _setup(session):
    school = make_school(session)
    cls = make_class(session, school)
    users = {
        "teacher": make_user(session, school, "teacher"),
        "duty": make_user(session, school, "teacher"),
        "sfo": make_user(session, school, "sfo_staff"),
        "leader": make_user(session, school, "leader"),
    }
    attach_staff(session, cls, users["teacher"])
    students = [make_student(session, school, cls) for _ in range(5)]
    return school, cls, users, students


def _body(students, responsible, **kw):
    today = local_date()
    body = {
        "student_ids": [s.id for s in students],
        "recesses": ["first_recess", "lunch"],
        "weekdays": [1, 2, 3, 4, 5],
        "start_date": (today - timedelta(days=3)).isoformat(),
        "end_date": (today + timedelta(days=30)).isoformat(),
        "responsible_id": responsible.id,
        "purpose": "Emil og Ali leger sammen",
    }
    body.update(kw)
    return body


def test_create_and_read(app, client, session):
    _school, _cls, users, s = _setup(session)
    h = auth(app, users["teacher"])
    resp = client.post(URL, json=_body(s[:2], users["sfo"]), headers=h)
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert [x["id"] for x in body["students"]] == [s[0].id, s[1].id]
    assert body["recesses"] == ["first_recess", "lunch"] and body["weekdays"] == [1, 2, 3, 4, 5]
    assert body["responsible"]["id"] == users["sfo"].id and body["status"] == "active"
    assert body["overlaps"] == [] and body["case_conflict"] is False
    # Its maker (class staff) may change it; a colleague on duty, not close to the students, checks in only.
    assert body["allowed_actions"] == ["edit", "check_in", "pause", "end"]
    got = client.get(f"{URL}/{body['id']}", headers=auth(app, users["duty"]))
    assert got.status_code == 200 and got.json == {**body, "allowed_actions": ["check_in"]}


def test_date_filter_gives_the_arrangements_that_apply_that_day(app, client, session):
    _school, _cls, users, s = _setup(session)
    today = local_date()
    weekday = today.isoweekday()
    other_day = weekday % 7 + 1
    applies = make_arrangement(session, users["teacher"], s[:2], weekdays=[weekday])
    applies_sfo = make_arrangement(session, users["teacher"], s[2:4], weekdays=[weekday], recesses=["sfo"])
    make_arrangement(session, users["teacher"], s[:2], weekdays=[other_day])
    make_arrangement(session, users["teacher"], s[:2], weekdays=[weekday], status="paused")
    make_arrangement(session, users["teacher"], s[:2], weekdays=[weekday], status="ended")
    make_arrangement(
        session,
        users["teacher"],
        s[:2],
        start_date=today + timedelta(days=1),
        end_date=today + timedelta(days=5),
    )
    make_arrangement(
        session,
        users["teacher"],
        s[:2],
        start_date=today - timedelta(days=9),
        end_date=today - timedelta(days=1),
    )
    h = auth(app, users["duty"])
    got = client.get(URL, query_string={"date": today.isoformat()}, headers=h).json
    assert {a["id"] for a in got["items"]} == {applies.id, applies_sfo.id} and got["total"] == 2
    got = client.get(URL, query_string={"date": today.isoformat(), "recess": "sfo"}, headers=h).json
    assert [a["id"] for a in got["items"]] == [applies_sfo.id]
    assert client.get(URL, headers=h).json["total"] == 7
    assert client.get(URL, query_string={"status": "paused"}, headers=h).json["total"] == 1
    assert client.get(URL, query_string={"student_id": s[3].id}, headers=h).json["total"] == 1
    assert client.get(URL, query_string={"date": "2026-02-30"}, headers=h).status_code == 422


def test_check_ins_are_recorded_and_listed(app, client, session):
    _school, _cls, users, s = _setup(session)
    arrangement = make_arrangement(session, users["teacher"], s[:2], recesses=["lunch"])
    url = f"{URL}/{arrangement.id}/check-ins"
    duty = auth(app, users["duty"])
    today = local_date()
    first = client.post(url, json={"outcome": "good", "recess": "lunch"}, headers=duty)
    assert first.status_code == 201, first.json
    assert first.json["date"] == today.isoformat() and first.json["outcome"] == "good"
    assert first.json["author"]["id"] == users["duty"].id
    yesterday = (today - timedelta(days=1)).isoformat()
    second = client.post(
        url, json={"date": yesterday, "outcome": "did_not_happen", "note": "Ali var syg"}, headers=duty
    )
    assert second.status_code == 201 and second.json["note"] == "Ali var syg"
    listed = client.get(url, headers=auth(app, users["teacher"])).json
    assert [c["id"] for c in listed["items"]] == [first.json["id"], second.json["id"]] and listed[
        "total"
    ] == 2
    # The note is for those close to the students; an SFO colleague on duty sees the outcome only.
    sfo_view = client.get(url, headers=auth(app, users["sfo"])).json["items"]
    assert (
        sfo_view[1]["outcome"] == "did_not_happen"
        and sfo_view[1]["note"] is None
        and sfo_view[1]["note_hidden"]
    )

    bad = [
        {"outcome": "great"},
        {"outcome": "good", "date": (today + timedelta(days=1)).isoformat()},
        {"outcome": "good", "date": (today - timedelta(days=60)).isoformat()},
        {"outcome": "good", "recess": "sfo"},
    ]
    for body in bad:
        assert client.post(url, json=body, headers=duty).status_code == 422, body
    h = {**duty, "Idempotency-Key": "checkin-1"}
    a = client.post(url, json={"outcome": "mixed"}, headers=h)
    b = client.post(url, json={"outcome": "mixed"}, headers=h)
    assert a.json["id"] == b.json["id"]
    assert client.get(url, query_string={"from": today.isoformat()}, headers=duty).json["total"] == 2


def test_overlapping_arrangements_are_allowed_but_shown(app, client, session):
    _school, _cls, users, s = _setup(session)
    h = auth(app, users["teacher"])
    first = client.post(URL, json=_body([s[0], s[1]], users["sfo"], weekdays=[1, 2]), headers=h).json
    second = client.post(
        URL, json=_body([s[0], s[2]], users["sfo"], weekdays=[2, 3], recesses=["lunch"]), headers=h
    ).json
    # Same student, but another recess: no overlap.
    third = client.post(
        URL, json=_body([s[0], s[3]], users["sfo"], weekdays=[1, 2], recesses=["sfo"]), headers=h
    ).json
    assert second["overlaps"] == [first["id"]] and third["overlaps"] == []
    assert client.get(f"{URL}/{first['id']}", headers=h).json["overlaps"] == [second["id"]]
    listed = {a["id"]: a["overlaps"] for a in client.get(URL, headers=h).json["items"]}
    assert listed == {first["id"]: [second["id"]], second["id"]: [first["id"]], third["id"]: []}
    etag = client.get(f"{URL}/{second['id']}", headers=h).headers["ETag"]
    ended = client.patch(f"{URL}/{second['id']}", json={"status": "ended"}, headers={**h, "If-Match": etag})
    assert ended.status_code == 200 and ended.json["overlaps"] == []
    assert client.get(f"{URL}/{first['id']}", headers=h).json["overlaps"] == []


def test_target_and_actor_of_an_open_bullying_case_are_never_paired(app, client, session):
    _school, _cls, users, s = _setup(session)
    target, actor, friend = s[0], s[1], s[2]
    make_case(session, users["leader"], target=target, actor=actor, classification="bullying")
    h = auth(app, users["teacher"])
    refused = client.post(URL, json=_body([target, friend, actor], users["sfo"]), headers=h)
    assert refused.status_code == 409
    message = refused.json["message"]
    assert (
        "open bullying case" in message and target.display_name in message and actor.display_name in message
    )
    assert refused.json["errors"]["student_ids"]

    ok = client.post(URL, json=_body([target, friend], users["sfo"]), headers=h)
    assert ok.status_code == 201
    url = f"{URL}/{ok.json['id']}"
    etag = ok.headers["ETag"]
    adding_actor = client.patch(
        url, json={"student_ids": [target.id, friend.id, actor.id]}, headers={**h, "If-Match": etag}
    )
    assert adding_actor.status_code == 409
    assert client.get(url, headers=h).json["students"] == ok.json["students"]


def test_closed_or_non_bullying_cases_do_not_block_and_a_later_case_is_flagged(app, client, session):
    _school, _cls, users, s = _setup(session)
    make_case(session, users["leader"], target=s[0], actor=s[1], classification="conflict")
    make_case(session, users["leader"], target=s[2], actor=s[3], classification="bullying", status="closed")
    h = auth(app, users["teacher"])
    assert client.post(URL, json=_body([s[0], s[1]], users["sfo"]), headers=h).status_code == 201
    later = client.post(URL, json=_body([s[2], s[3]], users["sfo"]), headers=h)
    assert later.status_code == 201 and later.json["case_conflict"] is False
    make_case(session, users["leader"], target=s[3], actor=s[2], classification="digital_bullying")
    url = f"{URL}/{later.json['id']}"
    now = client.get(url, headers=h)
    assert now.json["case_conflict"] is True
    # Changing it while it pairs them is refused; ending it is the way out.
    assert (
        client.patch(url, json={"purpose": "x"}, headers={**h, "If-Match": now.headers["ETag"]}).status_code
        == 409
    )
    ended = client.patch(url, json={"status": "ended"}, headers={**h, "If-Match": now.headers["ETag"]})
    assert ended.status_code == 200 and ended.json["status"] == "ended"


def test_patch_needs_if_match(app, client, session):
    _school, _cls, users, s = _setup(session)
    arrangement = make_arrangement(session, users["teacher"], s[:2])
    url = f"{URL}/{arrangement.id}"
    h = auth(app, users["teacher"])
    etag = client.get(url, headers=h).headers["ETag"]
    assert client.patch(url, json={"status": "paused"}, headers=h).status_code == 428
    assert client.patch(url, json={"status": "paused"}, headers={**h, "If-Match": '"old"'}).status_code == 412
    resp = client.patch(
        url, json={"status": "paused", "weekdays": [3], "recesses": ["sfo"]}, headers={**h, "If-Match": etag}
    )
    assert resp.status_code == 200 and resp.json["status"] == "paused"
    assert resp.json["weekdays"] == [3] and resp.json["recesses"] == ["sfo"]
    assert client.patch(url, json={"status": "active"}, headers={**h, "If-Match": etag}).status_code == 412


def test_bad_input_is_a_clear_422(app, client, session):
    school, _cls, users, s = _setup(session)
    foreign_user = make_user(session, make_school(session), "teacher")
    admin_only = make_user(session, school, "admin")
    h = auth(app, users["teacher"])
    today = local_date()
    cases = [
        _body([s[0]], users["sfo"]),
        _body([s[0], s[0]], users["sfo"]),
        _body(s[:2], users["sfo"], recesses=[]),
        _body(s[:2], users["sfo"], recesses=["breakfast"]),
        _body(s[:2], users["sfo"], weekdays=[0]),
        _body(s[:2], users["sfo"], weekdays=[]),
        _body(s[:2], users["sfo"], end_date=(today - timedelta(days=10)).isoformat()),
        _body(s[:2], foreign_user),
        _body(s[:2], admin_only),
        _body(s[:2], users["sfo"], status="maybe"),
    ]
    for body in cases:
        resp = client.post(URL, json=body, headers=h)
        assert resp.status_code == 422, (body, resp.json)
    assert client.get(URL, headers=h).json["total"] == 0


def test_audit_and_student_log(app, client, session):
    _school, _cls, users, s = _setup(session)
    h = auth(app, users["teacher"])
    # In force today whatever weekday today is, so the duty's list of today names both students.
    weekdays = sorted({1, 2, 3, 4, 5, local_date().isoweekday()})
    aid = client.post(URL, json=_body(s[:2], users["sfo"], weekdays=weekdays), headers=h).json["id"]
    client.post(f"{URL}/{aid}/check-ins", json={"outcome": "mixed", "note": "Skænderi om bolden"}, headers=h)
    client.get(URL, query_string={"date": local_date().isoformat()}, headers=auth(app, users["duty"]))
    rows = session.scalars(select(AuditEntry).where(AuditEntry.resource_type.like("play_partner%"))).all()
    actions = {(r.action, r.student_id) for r in rows}
    for sid in (s[0].id, s[1].id):
        assert ("play_partner_arrangement_created", sid) in actions
        assert ("play_partner_check_in_created", sid) in actions
        assert ("play_partner_arrangements_listed", sid) in actions
    assert all("Skænderi" not in str(r.detail) for r in session.scalars(select(AuditEntry)))

    with app.test_request_context():
        student = session.get(Student, s[0].id)
        teacher = session.get(User, users["teacher"].id)
        sfo = session.get(User, users["sfo"].id)
        duty = session.get(User, users["duty"].id)
        entries = student_log.collect(session, viewer=teacher, student=student, before=None, limit=10)
        kinds = [e.kind for e in entries]
        assert "play_partner_arrangement" in kinds and "play_partner_check_in" in kinds
        arrangement_entry = next(e for e in entries if e.kind == "play_partner_arrangement")
        assert s[1].display_name in arrangement_entry.summary and "lunch" in arrangement_entry.summary
        check_in = next(e for e in entries if e.kind == "play_partner_check_in")
        assert "Skænderi" in check_in.summary
        # The responsible SFO adult reads the note; a teacher of another class on duty does not.
        sfo_entries = student_log.collect(session, viewer=sfo, student=student, before=None, limit=10)
        assert any("Skænderi" in e.summary for e in sfo_entries)
        duty_entries = student_log.collect(session, viewer=duty, student=student, before=None, limit=10)
        duty_check_in = next(e for e in duty_entries if e.kind == "play_partner_check_in")
        assert "Skænderi" not in duty_check_in.summary and "hidden" in duty_check_in.summary
