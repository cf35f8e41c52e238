"""The student log: merged sources, need-to-know, another school's student is 404, cursor paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from api.core import student_log
from api.core.audit import AuditEntry
from api.core.student_log import LogEntry
from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user

BASE = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def notes(monkeypatch):
    """A log source registered by the test itself: notes per student, each with an author."""
    store: dict[int, list[LogEntry]] = {}

    def source(session, *, viewer, student, before, limit):
        entries = [e for e in store.get(student.id, []) if before is None or e.occurred_at < before]
        entries.sort(key=lambda e: (e.occurred_at, e.kind, e.ref_id), reverse=True)
        return entries[:limit]

    monkeypatch.setitem(student_log._SOURCES, "test_note", source)
    return store


def note(store, student, ref_id, *, at, author=None):
    store.setdefault(student.id, []).append(
        LogEntry(
            kind="test_note",
            occurred_at=at,
            summary=f"note {ref_id}",
            ref_type="test_note",
            ref_id=ref_id,
            author_id=author.id if author else None,
            author_name=author.name if author else None,
        )
    )


@pytest.fixture
def scene(app, session, notes):
    school = make_school(session)
    cls = make_class(session, school)
    student = make_student(session, school, cls)
    class_teacher = make_user(session, school, "teacher")
    attach_staff(session, cls, class_teacher, "class_teacher")
    outsider = make_user(session, school, "teacher")
    leader = make_user(session, school, "leader")
    note(notes, student, 1, at=BASE, author=class_teacher)
    note(notes, student, 2, at=BASE + timedelta(days=1), author=outsider)
    note(notes, student, 3, at=BASE + timedelta(days=2), author=leader)
    return {
        "school": school,
        "student": student,
        "teacher": class_teacher,
        "outsider": outsider,
        "leader": leader,
    }


def kinds_and_ids(resp):
    assert resp.status_code == 200, resp.json
    return [(e["kind"], e["ref_id"]) for e in resp.json["items"]]


def test_need_to_know_staff_see_every_entry_newest_first(app, client, scene):
    student = scene["student"]
    for who in ("teacher", "leader"):
        resp = client.get(
            f"/api/v1/students/{student.id}/log",
            query_string={"kind": "test_note"},
            headers=auth(app, scene[who]),
        )
        assert kinds_and_ids(resp) == [("test_note", 3), ("test_note", 2), ("test_note", 1)]
        assert resp.json["scope"] == "full" and resp.json["has_more"] is False
    entry = resp.json["items"][0]
    assert entry["summary"] == "note 3" and entry["author_id"] == scene["leader"].id
    assert entry["occurred_at"] == (BASE + timedelta(days=2)).isoformat()


def test_other_staff_see_only_what_they_wrote(app, client, session, scene):
    student = scene["student"]
    resp = client.get(f"/api/v1/students/{student.id}/log", headers=auth(app, scene["outsider"]))
    assert kinds_and_ids(resp) == [("test_note", 2)]
    assert resp.json["scope"] == "own_entries"
    sfo = make_user(session, scene["school"], "sfo_staff")
    resp = client.get(f"/api/v1/students/{student.id}/log", headers=auth(app, sfo))
    assert kinds_and_ids(resp) == []


def test_every_read_is_audited(app, client, session, scene):
    student = scene["student"]
    client.get(f"/api/v1/students/{student.id}/log", headers=auth(app, scene["teacher"]))
    client.get(f"/api/v1/students/{student.id}/log", headers=auth(app, scene["outsider"]))
    rows = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "student_log_viewed", AuditEntry.student_id == student.id
        )
    ).all()
    assert sorted((r.user_id, r.detail["scope"]) for r in rows) == sorted(
        [(scene["teacher"].id, "full"), (scene["outsider"].id, "own_entries")]
    )


def test_another_schools_student_is_404_for_everyone(app, client, session, scene):
    foreign = make_student(session, make_school(session))
    for who in ("teacher", "leader", "outsider"):
        assert (
            client.get(f"/api/v1/students/{foreign.id}/log", headers=auth(app, scene[who])).status_code == 404
        )


def test_the_students_own_roster_entries(app, client, session, scene):
    student = scene["student"]
    resp = client.get(
        f"/api/v1/students/{student.id}/log",
        query_string={"kind": "roster"},
        headers=auth(app, scene["leader"]),
    )
    assert [e["summary"] for e in resp.json["items"]] == ["Added to the roster"]


def test_cursor_paging_never_skips_or_repeats_entries_with_the_same_time(app, client, session, notes):
    school = make_school(session)
    student = make_student(session, school)
    leader = make_user(session, school, "leader")
    # 7 entries, five of them at the very same moment, so page boundaries fall inside the tie
    for ref_id in range(10, 15):
        note(notes, student, ref_id, at=BASE)
    note(notes, student, 20, at=BASE + timedelta(hours=1))
    note(notes, student, 5, at=BASE - timedelta(hours=1))
    headers = auth(app, leader)
    url = f"/api/v1/students/{student.id}/log"
    params: dict = {"limit": 2, "kind": "test_note"}
    seen = []
    for _ in range(10):
        resp = client.get(url, query_string=params, headers=headers)
        seen += kinds_and_ids(resp)
        if not resp.json["has_more"]:
            assert resp.json["next_before"] is None
            break
        params = {**params, "before": resp.json["next_before"], "before_key": resp.json["next_before_key"]}
    assert [ref for _kind, ref in seen] == [20, 14, 13, 12, 11, 10, 5]
    # `before` alone: strictly older than that moment
    older = client.get(url, query_string={"before": BASE.isoformat(), "kind": "test_note"}, headers=headers)
    assert kinds_and_ids(older) == [("test_note", 5)]


def test_bad_log_queries_are_422(app, client, scene):
    url = f"/api/v1/students/{scene['student'].id}/log"
    headers = auth(app, scene["leader"])
    unknown_kind = client.get(url, query_string={"kind": "nonsense"}, headers=headers)
    assert unknown_kind.status_code == 422
    # A program can tell an unknown kind from a bad field without reading the message.
    assert unknown_kind.get_json()["type"] == "unknown_log_kind"
    assert "test_note" in unknown_kind.get_json()["errors"]["kind"][0]
    bad_key = client.get(url, query_string={"before_key": "test_note:1"}, headers=headers)
    assert bad_key.status_code == 422 and bad_key.get_json()["type"] == "validation_error"
    assert client.get(url, query_string={"before_key": "test_note:1"}, headers=headers).status_code == 422
    assert client.get(url, query_string={"before": "2026-01-01T10:00:00"}, headers=headers).status_code == 422
    assert client.get(url, query_string={"limit": 0}, headers=headers).status_code == 422
    edge = {"before": "9999-12-31T23:59:59.999999+00:00", "before_key": "test_note:1"}
    assert client.get(url, query_string=edge, headers=headers).status_code == 200
