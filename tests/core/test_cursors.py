"""The change feed's cursor (api/core/pagination.py), seen by an integration keeping a copy of the students: a full
sync by cursor, then incremental ones by watermark; nothing skipped or repeated while others write; a changed,
foreign or expired cursor refused in the one error shape."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.core.pagination import FeedArgs, encode_cursor
from api.core.timeutil import utcnow
from api.core.tombstones import Tombstone, purge, record_tombstone
from api.jobs.schedule import purge as purge_job
from api.students.models import Student
from tests.factories import auth, make_class, make_school, make_student, make_user

URL = "/api/v1/students"


@pytest.fixture
def school(app, session):
    app.config["FEED_SAFETY_LAG_SECONDS"] = 0
    school = make_school(session)
    cls = make_class(session, school)
    students = [make_student(session, school, cls) for _ in range(12)]
    admin = make_user(session, school, "admin")
    return school, cls, students, auth(app, admin)


def _sync(client, h, **first):
    """Follow next_cursor to the end; the pages' items, tombstones and the watermark."""
    items, deleted, pages = [], [], 0
    resp = client.get(URL, query_string={"page_size": 5, **first}, headers=h)
    while True:
        assert resp.status_code == 200, resp.json
        body = resp.json
        assert "total" not in body and "page" not in body
        items += body["items"]
        deleted += body["deleted"]
        pages += 1
        if body["next_cursor"] is None:
            return items, deleted, body["complete_up_to"], pages
        resp = client.get(URL, query_string={"page_size": 5, "cursor": body["next_cursor"]}, headers=h)


def test_a_full_sync_then_an_incremental_one_miss_nothing_while_others_write(client, session, school):
    _school, cls, students, h = school
    first = client.get(URL, query_string={"page_size": 5, "cursor": ""}, headers=h).json
    seen = [s["id"] for s in first["items"]]
    assert seen == [s.id for s in students[:5]]  # oldest change first
    # Between pages: a new student, a change to one already served and to one not served yet.
    newcomer = make_student(session, _school, cls)
    students[1].preferred_name = "Bitten"
    students[9].preferred_name = "Nis"
    session.commit()
    cursor = first["next_cursor"]
    while cursor:
        body = client.get(URL, query_string={"page_size": 5, "cursor": cursor}, headers=h).json
        seen += [s["id"] for s in body["items"]]
        cursor = body["next_cursor"]
    assert len(seen) == len(set(seen))  # nothing repeated
    # Everything changed after the sync's watermark waits for the next sync, whole.
    assert newcomer.id not in seen and students[9].id not in seen
    changed, deleted, _mark, _pages = _sync(client, h, updated_since=first["complete_up_to"])
    assert [s["id"] for s in changed] == [newcomer.id, students[1].id, students[9].id]
    assert {s["id"]: s["preferred_name"] for s in changed}[students[9].id] == "Nis"
    assert deleted == []
    assert set(seen) | {s["id"] for s in changed} == {s.id for s in [*students, newcomer]}


def test_updated_since_returns_exactly_what_changed_oldest_first_with_the_tombstones(client, session, school):
    _school, _cls, students, h = school
    _items, _deleted, mark, pages = _sync(client, h, cursor="")
    assert pages == 3
    for s in (students[7], students[2]):
        s.family_name = "Holm"
        session.commit()
    students[4].active = False  # left the school: still in the feed, so a copy learns it
    session.commit()
    record_tombstone(session, school_id=_school.id, resource="students", resource_id=students[11].id)
    record_tombstone(session, school_id=_school.id, resource="guardians", resource_id=4)  # another collection
    session.commit()
    changed, deleted, new_mark, _pages = _sync(client, h, updated_since=mark)
    assert [s["id"] for s in changed] == [students[7].id, students[2].id, students[4].id]
    assert changed[-1]["active"] is False
    assert [(d["id"], d["reason"]) for d in deleted] == [(students[11].id, "deleted")]
    assert new_mark > mark
    # Nothing changed since: an empty answer, and the watermark moves on.
    assert _sync(client, h, updated_since=new_mark)[:2] == ([], [])


def test_a_sync_reads_only_up_to_the_safety_lag(app, client, session, school):
    app.config["FEED_SAFETY_LAG_SECONDS"] = 5
    _school, cls, _students, h = school
    old = utcnow() - timedelta(minutes=1)
    for s in session.query(Student).all():
        s.updated_at = old
    session.commit()
    fresh = make_student(session, _school, cls)  # stamped now: may not have committed everywhere yet
    items, _deleted, mark, _pages = _sync(client, h, cursor="")
    assert fresh.id not in [s["id"] for s in items] and len(items) == 12
    assert mark < fresh.updated_at.isoformat()
    app.config["FEED_SAFETY_LAG_SECONDS"] = 0
    assert [s["id"] for s in _sync(client, h, updated_since=mark)[0]] == [fresh.id]


def _error(resp, status, type_):
    assert resp.status_code == status, resp.json
    assert resp.json["type"] == type_
    assert set(resp.json) == {"code", "status", "type", "message", "errors"}


def test_a_changed_or_foreign_cursor_is_400(app, client, session, school):
    _school, _cls, _students, h = school
    cursor = client.get(URL, query_string={"page_size": 5, "cursor": ""}, headers=h).json["next_cursor"]
    payload, _dot, signature = cursor.rpartition(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    for bad in (flipped, cursor[:-3], "not-a-cursor", "e30.", "x" * 300):
        _error(client.get(URL, query_string={"cursor": bad}, headers=h), 400, "invalid_cursor")
    # A cursor of another collection or another school is not one for this request.
    _error(client.get("/api/v1/classes", query_string={"cursor": cursor}, headers=h), 400, "invalid_cursor")
    other = make_school(session)
    with app.app_context():
        foreign = encode_cursor(FeedArgs(resource="students", school_id=other.id, watermark=utcnow()))
    _error(client.get(URL, query_string={"cursor": foreign}, headers=h), 400, "invalid_cursor")


def test_a_cursor_older_than_the_tombstones_is_410_and_the_purge_drops_them(app, client, session, school):
    _school, _cls, _students, h = school
    long_ago = utcnow() - timedelta(days=91)
    _error(
        client.get(URL, query_string={"updated_since": long_ago.isoformat()}, headers=h),
        410,
        "cursor_expired",
    )
    with app.app_context():
        old = encode_cursor(FeedArgs(resource="students", school_id=_school.id, watermark=long_ago))
    _error(client.get(URL, query_string={"cursor": old}, headers=h), 410, "cursor_expired")
    recent = utcnow() - timedelta(days=89)
    assert client.get(URL, query_string={"updated_since": recent.isoformat()}, headers=h).status_code == 200
    kept = record_tombstone(session, school_id=_school.id, resource="students", resource_id=1)
    gone = record_tombstone(session, school_id=_school.id, resource="students", resource_id=2)
    gone.deleted_at = long_ago
    session.commit()
    assert purge_job(session, utcnow())["tombstones"] == 1
    assert purge(session, now=utcnow()) == 0
    session.commit()
    assert [t.id for t in session.query(Tombstone).all()] == [kept.id]


def test_page_and_cursor_do_not_mix(client, school):
    _school, _cls, _students, h = school
    resp = client.get(URL, query_string={"page": 2, "cursor": ""}, headers=h)
    assert resp.status_code == 422 and "page" in resp.json["errors"]
    resp = client.get(URL, query_string={"q": "Elev", "cursor": ""}, headers=h)
    assert resp.status_code == 422 and "q" in resp.json["errors"]
    # Offset paging is what it was.
    page = client.get(URL, query_string={"page": 2, "page_size": 5}, headers=h).json
    assert page["total"] == 12 and page["page"] == 2 and len(page["items"]) == 5


def test_a_sync_may_ask_for_pages_of_a_thousand_a_screen_for_a_hundred(client, school):
    _school, _cls, students, h = school
    # A sync: one page of up to 1,000 rows.
    body = client.get(URL, query_string={"page_size": 1000, "cursor": ""}, headers=h).json
    assert [s["id"] for s in body["items"]] == [s.id for s in students] and body["next_cursor"] is None
    assert body["page_size"] == 1000
    since = client.get(
        URL, query_string={"page_size": 1000, "updated_since": body["complete_up_to"]}, headers=h
    )
    assert since.status_code == 200 and since.json["items"] == []
    # Past 1,000, or past 100 by page number (a person's screen; the total is counted), 422 on page_size.
    for query in ({"page_size": 1001, "cursor": ""}, {"page_size": 101}, {"page_size": 101, "page": 1}):
        resp = client.get(URL, query_string=query, headers=h)
        assert resp.status_code == 422 and list(resp.json["errors"]) == ["page_size"], query
    assert client.get(URL, query_string={"page_size": 100}, headers=h).json["total"] == 12


@pytest.mark.parametrize(
    "path",
    ["/api/v1/students/{student}", "/api/v1/classes/{cls}", "/api/v1/students/{student}/guardians/{g}"],
)
def test_a_record_read_again_unchanged_is_304(client, session, school, path):
    from tests.students.factories import make_guardian

    _school, cls, students, h = school
    guardian = make_guardian(session, students[0])
    url = path.format(student=students[0].id, cls=cls.id, g=guardian.id)
    first = client.get(url, headers=h)
    assert first.status_code == 200 and first.json["etag"] == first.headers["ETag"]
    assert first.json["updated_at"]
    again = client.get(url, headers={**h, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    for record in (students[0], cls, guardian):
        record.updated_at = utcnow()
    session.commit()
    changed = client.get(url, headers={**h, "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
