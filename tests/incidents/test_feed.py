"""The incidents' change feed, as a municipality's dashboard or the school's portal would use it: stable while
staff report and work cases (a backdated report included), case work showing the case again, a withdrawn
report leaving a tombstone, and only what the caller may see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.core.timeutil import utcnow
from tests.incidents.factories import headers, make_incident, make_world

URL = "/api/v1/incidents"


@pytest.fixture
def world(app, session):
    app.config["FEED_SAFETY_LAG_SECONDS"] = 0
    return make_world(session)


def _sync(client, h, page_size=3, **first):
    items, deleted = [], []
    query = {"page_size": page_size, **first}
    while True:
        resp = client.get(URL, query_string=query, headers=h)
        assert resp.status_code == 200, resp.json
        items += resp.json["items"]
        deleted += resp.json["deleted"]
        if resp.json["next_cursor"] is None:
            return items, deleted, resp.json["complete_up_to"]
        query = {"page_size": page_size, "cursor": resp.json["next_cursor"]}


def _report(client, app, world, user, **extra):
    body = {
        "classification": "teasing",
        "students": [{"student_id": world.anna.id, "role": "target"}],
        **extra,
    }
    resp = client.post(URL, json=body, headers=headers(app, world, user))
    assert resp.status_code == 201, resp.json
    return resp.json


def test_no_case_is_skipped_or_repeated_while_staff_report_and_work_cases(app, client, session, world):
    leader = headers(app, world, world.users["leader"])
    cases = [make_incident(session, world) for _ in range(8)]
    first = client.get(URL, query_string={"page_size": 3, "cursor": ""}, headers=leader).json
    seen = [i["id"] for i in first["items"]]
    # Between pages: a report backdated a week (it happened last week, logged now), and a note on a case
    # already served, and a status change of one not served yet.
    week_ago = (utcnow() - timedelta(days=7)).isoformat()
    backdated = _report(client, app, world, world.users["teacher"], occurred_at=week_ago)
    note = client.post(
        f"{URL}/{cases[0].id}/notes", json={"kind": "students", "body": "Samtale."}, headers=leader
    )
    assert note.status_code == 201, note.json
    etag = client.get(f"{URL}/{cases[6].id}", headers=leader).headers["ETag"]
    moved = client.patch(
        f"{URL}/{cases[6].id}", json={"status": "investigating"}, headers={**leader, "If-Match": etag}
    )
    assert moved.status_code == 200, moved.json
    cursor = first["next_cursor"]
    while cursor:
        body = client.get(URL, query_string={"page_size": 3, "cursor": cursor}, headers=leader).json
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
    assert len(seen) == len(set(seen))
    assert backdated["id"] not in seen and cases[6].id not in seen
    changed, deleted, _mark = _sync(client, leader, updated_since=first["complete_up_to"])
    assert [i["id"] for i in changed] == [backdated["id"], cases[0].id, cases[6].id]
    assert deleted == []
    assert {i["id"] for i in changed} | set(seen) == {c.id for c in cases} | {backdated["id"]}


def test_case_work_moves_the_case_and_its_etag(app, client, session, world):
    leader = headers(app, world, world.users["leader"])
    case = make_incident(session, world, classification="bullying")
    url = f"{URL}/{case.id}"
    before = client.get(url, headers=leader)
    assert before.json["etag"] == before.headers["ETag"]
    _items, _deleted, mark = _sync(client, leader, cursor="")
    assert (
        client.post(
            url + "/notes", json={"kind": "staff", "body": "Talt med læreren."}, headers=leader
        ).status_code
        == 201
    )
    after = client.get(url, headers={**leader, "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200  # not 304: the case changed
    assert after.json["updated_at"] > before.json["updated_at"] and after.json["etag"] != before.json["etag"]
    changed, _deleted, mark = _sync(client, leader, updated_since=mark)
    assert [i["id"] for i in changed] == [case.id]
    # An acute measure, too.
    resp = client.post(url + "/acute-measures", json={"description": "Voksen i frikvarteret"}, headers=leader)
    assert resp.status_code == 201, resp.json
    assert [i["id"] for i in _sync(client, leader, updated_since=mark)[0]] == [case.id]
    assert client.get(url, headers={**leader, "If-None-Match": after.headers["ETag"]}).status_code == 200


def test_a_withdrawn_report_comes_as_a_tombstone(app, client, session, world):
    leader = headers(app, world, world.users["leader"])
    kept = make_incident(session, world)
    case = _report(client, app, world, world.users["teacher"])
    _items, _deleted, mark = _sync(client, leader, cursor="")
    resp = client.post(f"{URL}/{case['id']}/withdraw", headers=headers(app, world, world.users["teacher"]))
    assert resp.status_code == 200, resp.json
    kept.place = "gym"
    session.commit()
    changed, deleted, _mark = _sync(client, leader, updated_since=mark)
    assert [i["id"] for i in changed] == [kept.id]
    assert [(d["id"], d["reason"]) for d in deleted] == [(case["id"], "withdrawn")]
    assert set(deleted[0]) == {"id", "deleted_at", "reason"}  # nothing personal


@pytest.mark.parametrize(
    "role", ["leader", "teacher", "teacher_b", "pedagogue", "sfo_staff", "resource_person"]
)
def test_the_feed_shows_exactly_the_cases_the_caller_may_list(app, client, session, world, role):
    users = world.users
    make_incident(session, world)  # class A's students
    make_incident(session, world, students=[(world.carl, "target")], reporter=users["teacher_b"])
    make_incident(
        session, world, classification="bullying", accused=users["teacher"], reporter=users["leader"]
    )
    withdrawn = make_incident(session, world, students=[(world.carl, "target")], reporter=users["teacher_b"])
    h = headers(app, world, users[role])
    listed = {i["id"] for i in client.get(URL, query_string={"page_size": 100}, headers=h).json["items"]}
    _items, _deleted, mark = _sync(client, h, cursor="")
    assert {i["id"] for i in _items} == listed
    # A tombstone only of a case the caller could see.
    withdrawn.withdrawn_at = utcnow()
    from api.core.tombstones import record_tombstone

    record_tombstone(
        session, school_id=world.school.id, resource="incidents", resource_id=withdrawn.id, reason="withdrawn"
    )
    session.commit()
    _changed, deleted, _mark = _sync(client, h, updated_since=mark)
    could_see = withdrawn.id in listed
    assert [d["id"] for d in deleted] == ([withdrawn.id] if could_see else [])
    # Another school's integration sees none of it.
    other = headers(app, world, world.other_users["leader"])
    assert _sync(client, other, cursor="")[0] == []
