"""The case list filters people expect: a class, a grade, what is new since a moment. Another school's class
gives an empty list (nothing leaks); the filters are declared, so the spec documents them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from api.cli import spec_json
from tests.factories import make_class, make_student
from tests.incidents.factories import headers, make_incident, make_world

URL = "/api/v1/incidents"


@pytest.fixture
def world(app, session):
    return make_world(session)


def _ids(client, app, world, user, **query):
    resp = client.get(URL, query_string={"page_size": 100, **query}, headers=headers(app, world, user))
    assert resp.status_code == 200, resp.json
    return sorted(i["id"] for i in resp.json["items"])


def test_class_and_grade_filters(app, client, session, world):
    in_a = make_incident(session, world, students=[(world.anna, "target")])
    in_b = make_incident(session, world, students=[(world.carl, "target")])
    both = make_incident(session, world, students=[(world.bo, "target"), (world.carl, "actor")])
    other_grade_3 = make_class(session, world.school, name="3.B", grade=3)
    dora = make_student(session, world.school, other_grade_3, given_name="Dora")
    in_3b = make_incident(session, world, students=[(dora, "target")])
    leader = world.users["leader"]
    assert _ids(client, app, world, leader, class_id=world.class_a.id) == sorted([in_a.id, both.id])
    assert _ids(client, app, world, leader, class_id=world.class_b.id) == sorted([in_b.id, both.id])
    assert _ids(client, app, world, leader, grade=3) == sorted([in_a.id, both.id, in_3b.id])
    assert _ids(client, app, world, leader, grade=4) == sorted([in_b.id, both.id])
    assert _ids(client, app, world, leader, grade=3, class_id=world.class_b.id) == []
    assert _ids(client, app, world, leader, grade=9) == []
    # the filters narrow what the caller may see; they never widen it
    assert _ids(client, app, world, world.users["teacher_b"], class_id=world.class_a.id) == [both.id]
    # another school's class: an empty list, not an error that would confirm it exists
    foreign = make_class(session, world.other_school, name="3.A", grade=3)
    make_incident(
        session, world, reporter=world.other_users["leader"], students=[(world.other_student, "target")]
    )
    assert _ids(client, app, world, leader, class_id=foreign.id) == []
    assert _ids(client, app, world, world.other_users["leader"], class_id=world.class_a.id) == []
    bad = client.get(URL, query_string={"grade": 11}, headers=headers(app, world, leader))
    assert bad.status_code == 422 and "grade" in json.dumps(bad.json["errors"])


def test_what_is_new_since_monday(app, client, session, world):
    old = make_incident(session, world)
    new = make_incident(session, world)
    monday = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # Monday 10:00 in Copenhagen
    old.created_at = monday - timedelta(minutes=1)
    new.created_at = monday
    session.commit()
    leader = world.users["leader"]
    assert _ids(client, app, world, leader, created_since="2026-03-30T10:00:00+02:00") == [new.id]
    assert _ids(client, app, world, leader, created_since="2026-03-30T10:00:00") == [
        new.id
    ]  # Copenhagen time
    assert _ids(client, app, world, leader, created_since="2026-03-30T07:59:00Z") == sorted([old.id, new.id])
    assert _ids(client, app, world, leader, created_since="2026-03-30T08:00:01Z") == []
    bad = client.get(URL, query_string={"created_since": "monday"}, headers=headers(app, world, leader))
    assert bad.status_code == 422 and "created_since" in json.dumps(bad.json["errors"])


def test_the_filters_are_documented(app):
    spec = json.loads(spec_json(app))
    incidents = {p["name"] for p in spec["paths"]["/api/v1/incidents"]["get"]["parameters"]}
    observations = {p["name"] for p in spec["paths"]["/api/v1/observations"]["get"]["parameters"]}
    assert {"class_id", "grade", "created_since"} <= incidents
    assert {"class_id", "grade"} <= observations
