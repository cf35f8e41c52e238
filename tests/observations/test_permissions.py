"""Permission matrix: every observation route, every role, own school and another school."""

from __future__ import annotations

from tests.factories import attach_staff, auth, make_class, make_student
from tests.matrix import ROLES, statuses, tenant
from tests.observations.factories import make_observation

URL = "/api/v1/observations"


def _world(session):
    a = tenant(session, "A")
    b = tenant(session, "B")
    cls = make_class(session, a.school)
    attach_staff(session, cls, a.users["teacher"])  # the pedagogue is not attached to this class
    student = make_student(session, a.school, cls, sfo_enrolled=True)
    b_student = make_student(session, b.school, make_class(session, b.school))
    return a, b, student, b_student


def test_list_and_create(app, client, session):
    a, b, student, b_student = _world(session)
    everyone_but_admin = {r: 200 for r in ROLES} | {"admin": 403}
    assert statuses(app, client, a.users, "GET", URL) == everyone_but_admin
    assert statuses(app, client, b.users, "GET", URL) == everyone_but_admin
    created = {r: 201 for r in ROLES} | {"admin": 403}
    assert (
        statuses(app, client, a.users, "POST", URL, json={"student_ids": [student.id], "mood": 3}) == created
    )
    # Another school's users cannot log about this school's students; nor see what was logged.
    assert statuses(app, client, b.users, "POST", URL, json={"student_ids": [student.id], "mood": 3}) == {
        r: 422 for r in ROLES
    } | {"admin": 403}
    for user in b.users.values():
        if user.has_role("admin"):
            continue
        assert client.get(URL, headers=auth(app, user)).json["total"] == 0
    assert statuses(app, client, a.users, "POST", URL, json={"student_ids": [b_student.id], "mood": 3}) == {
        r: 422 for r in ROLES
    } | {"admin": 403}


def test_read_and_change_one(app, client, session):
    a, b, student, _b_student = _world(session)
    obs = make_observation(session, a.users["sfo_staff"], [student], note="x", sensitive=True)
    url = f"{URL}/{obs.id}"
    assert statuses(app, client, a.users, "GET", url) == {
        "admin": 403,
        "leader": 200,
        "teacher": 200,  # class staff
        "pedagogue": 403,  # not attached to the class
        "sfo_staff": 200,  # the author, and the student is in the SFO
        "resource_person": 200,
    }
    assert statuses(app, client, a.users, "PATCH", url, json={"mood": 4}, headers={"If-Match": "*"}) == {
        "admin": 403,
        "leader": 200,
        "teacher": 403,  # sees it, but is not the author
        "pedagogue": 403,
        "sfo_staff": 200,
        "resource_person": 200,
    }
    other_school = {r: 404 for r in ROLES}
    assert statuses(app, client, b.users, "GET", url) == other_school
    assert (
        statuses(app, client, b.users, "PATCH", url, json={"mood": 4}, headers={"If-Match": "*"})
        == other_school
    )
    assert (
        statuses(app, client, b.users, "POST", f"{url}/incident", json={"classification": "conflict"})
        == other_school
    )
    assert statuses(app, client, a.users, "GET", f"{URL}/999999") == {r: 404 for r in ROLES}


def test_turn_into_incident(app, client, session):
    a, _b, student, _b_student = _world(session)
    expected = {
        "admin": 403,
        "leader": 201,
        "teacher": 201,
        "pedagogue": 403,
        "sfo_staff": 201,
        "resource_person": 201,
    }
    got = {}
    for role, user in a.users.items():
        obs = make_observation(session, a.users["sfo_staff"], [student])
        got[role] = client.post(
            f"{URL}/{obs.id}/incident", json={"classification": "conflict"}, headers=auth(app, user)
        ).status_code
    assert got == expected
