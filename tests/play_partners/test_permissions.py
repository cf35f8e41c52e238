"""Permission matrix: every play-partner route, every role, own school and another school."""

from __future__ import annotations

from datetime import timedelta

from api.core.timeutil import local_date
from tests.factories import attach_staff, make_class, make_student
from tests.matrix import ROLES, assert_can_create_follows_post, statuses, tenant
from tests.play_partners.factories import make_arrangement

URL = "/api/v1/play-partner-arrangements"
EVERYONE_BUT_ADMIN_200 = {r: 200 for r in ROLES} | {"admin": 403}
EVERYONE_BUT_ADMIN_201 = {r: 201 for r in ROLES} | {"admin": 403}
OTHER_SCHOOL = {r: 404 for r in ROLES}


def _world(session):
    a = tenant(session, "A")
    b = tenant(session, "B")
    cls = make_class(session, a.school)
    attach_staff(session, cls, a.users["teacher"])  # the pedagogue is not attached
    students = [make_student(session, a.school, cls) for _ in range(2)]
    arrangement = make_arrangement(session, a.users["leader"], students, responsible=a.users["sfo_staff"])
    return a, b, students, arrangement


def _create_body(students, responsible):
    return {
        "student_ids": [s.id for s in students],
        "recesses": ["lunch"],
        "weekdays": [1, 2, 3, 4, 5],
        "end_date": (local_date() + timedelta(days=20)).isoformat(),
        "responsible_id": responsible.id,
    }


def test_collection_routes(app, client, session):
    a, b, students, _arrangement = _world(session)
    assert statuses(app, client, a.users, "GET", URL) == EVERYONE_BUT_ADMIN_200
    today = {"query_string": {"date": local_date().isoformat()}}
    assert statuses(app, client, a.users, "GET", URL, **today) == EVERYONE_BUT_ADMIN_200
    body = _create_body(students, a.users["teacher"])
    assert statuses(app, client, a.users, "POST", URL, json=body) == EVERYONE_BUT_ADMIN_201
    # Another school sees none of it and cannot use these students or this responsible adult.
    assert statuses(app, client, b.users, "GET", URL) == EVERYONE_BUT_ADMIN_200
    assert statuses(app, client, b.users, "POST", URL, json=body) == {r: 422 for r in ROLES} | {"admin": 403}


def test_one_arrangement_and_its_check_ins(app, client, session):
    a, b, _students, arrangement = _world(session)
    url = f"{URL}/{arrangement.id}"
    assert statuses(app, client, a.users, "GET", url) == EVERYONE_BUT_ADMIN_200
    assert statuses(app, client, a.users, "PATCH", url, json={"purpose": "p"}, headers={"If-Match": "*"}) == {
        "admin": 403,
        "leader": 200,  # the creator, and a leader
        "teacher": 200,  # class staff of the students
        "pedagogue": 403,  # not close to these students
        "sfo_staff": 200,  # the responsible adult
        "resource_person": 200,
    }
    assert statuses(app, client, a.users, "GET", f"{url}/check-ins") == EVERYONE_BUT_ADMIN_200
    assert statuses(app, client, a.users, "POST", f"{url}/check-ins", json={"outcome": "good"}) == (
        EVERYONE_BUT_ADMIN_201
    )
    assert statuses(app, client, b.users, "GET", url) == OTHER_SCHOOL
    assert statuses(app, client, b.users, "PATCH", url, json={"purpose": "p"}, headers={"If-Match": "*"}) == (
        OTHER_SCHOOL
    )
    assert statuses(app, client, b.users, "GET", f"{url}/check-ins") == OTHER_SCHOOL
    assert (
        statuses(app, client, b.users, "POST", f"{url}/check-ins", json={"outcome": "good"}) == OTHER_SCHOOL
    )
    assert statuses(app, client, a.users, "GET", f"{URL}/123456") == OTHER_SCHOOL


def test_the_list_says_who_may_make_an_arrangement(app, client, session):
    """can_create tells the screen whether to offer the form: exactly whom POST accepts, a client included."""
    a = tenant(session, "A", with_client=True)
    cls = make_class(session, a.school)
    students = [make_student(session, a.school, cls) for _ in range(2)]
    body = _create_body(students, a.users["teacher"])
    made = assert_can_create_follows_post(app, client, a.users, URL, body)
    assert made["client"] == 403 and made["teacher"] == 201
