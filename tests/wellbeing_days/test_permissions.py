"""Permission matrix: every wellbeing-day route, every role, own school and another school."""

from __future__ import annotations

from tests.factories import auth, make_class, make_student
from tests.matrix import ROLES, assert_can_create_follows_post, statuses, tenant
from tests.wellbeing_days.factories import make_day

URL = "/api/v1/wellbeing-days"
VIEWERS = {r: 200 for r in ROLES} | {"admin": 403}
PLANNERS = {
    "admin": 403,
    "sfo_staff": 403,
    "leader": 200,
    "resource_person": 200,
    "teacher": 200,
    "pedagogue": 200,
}
OTHER_SCHOOL = {r: 404 for r in ROLES}


def _world(session, client, app):
    a = tenant(session, "A")
    b = tenant(session, "B")
    cls = make_class(session, a.school, grade=2)
    students = [make_student(session, a.school, cls) for _ in range(6)]
    day = make_day(session, a.users["leader"], classes=[cls], adults=[a.users["teacher"]])
    resp = client.post(
        f"{URL}/{day.id}/groups", json={"group_count": 2, "seed": 1}, headers=auth(app, a.users["leader"])
    )
    assert resp.status_code == 200
    return a, b, cls, students, day


def test_collection_routes(app, client, session):
    a, b, cls, _students, _day = _world(session, client, app)
    assert statuses(app, client, a.users, "GET", URL) == VIEWERS
    body = {"date": "2027-05-01", "title": "Koncert", "kind": "concert", "class_ids": [cls.id]}
    assert statuses(app, client, a.users, "POST", URL, json=body) == {
        k: (201 if v == 200 else v) for k, v in PLANNERS.items()
    }
    assert statuses(app, client, b.users, "GET", URL) == VIEWERS
    for user in b.users.values():
        if not user.has_role("admin"):
            assert client.get(URL, headers=auth(app, user)).json["total"] == 0
    assert statuses(app, client, b.users, "POST", URL, json=body) == {
        k: (422 if v == 200 else v) for k, v in PLANNERS.items()
    }


def test_one_day_and_its_groups(app, client, session):
    a, b, _cls, students, day = _world(session, client, app)
    url = f"{URL}/{day.id}"
    match = {"If-Match": "*"}
    routes = [
        ("GET", url, {}, VIEWERS),
        ("PATCH", url, {"json": {"title": "Ny titel"}, "headers": match}, PLANNERS),
        ("GET", f"{url}/groups", {}, VIEWERS),
        ("POST", f"{url}/groups", {"json": {"group_count": 2, "seed": 3}, "headers": match}, PLANNERS),
        (
            "POST",
            f"{url}/groups/moves",
            {"json": {"student_id": students[0].id, "group": 1}, "headers": match},
            PLANNERS,
        ),
        ("GET", f"{url}/groups/csv", {}, VIEWERS),
        ("GET", f"{url}/groups/print", {}, VIEWERS),
    ]
    for method, route, kwargs, expected in routes:
        assert statuses(app, client, a.users, method, route, **kwargs) == expected, (method, route)
        assert statuses(app, client, b.users, method, route, **kwargs) == OTHER_SCHOOL, (method, route)
    assert statuses(app, client, b.users, "DELETE", url, headers=match) == OTHER_SCHOOL
    deleted = {}
    for role, user in a.users.items():
        own = make_day(session, a.users["leader"], grades=[2])
        deleted[role] = client.delete(f"{URL}/{own.id}", headers={**auth(app, user), **match}).status_code
    assert deleted == {k: (204 if v == 200 else v) for k, v in PLANNERS.items()}
    assert statuses(app, client, a.users, "GET", f"{URL}/424242") == OTHER_SCHOOL


def test_the_groups_say_who_may_plan_them(app, client, session):
    """can_plan tells the screen who may build and change the groups: exactly whom the writes accept."""
    a, _b, _cls, _students, day = _world(session, client, app)
    for role, user in a.users.items():
        if VIEWERS[role] != 200:
            continue
        read = client.get(f"{URL}/{day.id}/groups", headers=auth(app, user))
        assert read.json["can_plan"] is (PLANNERS[role] == 200), role


def test_the_list_says_who_may_plan_a_day(app, client, session):
    """can_create tells the screen whether to offer the form: exactly whom POST accepts, a client included."""
    a = tenant(session, "A", with_client=True)
    cls = make_class(session, a.school, grade=2)
    body = {"date": "2027-05-01", "title": "Koncert", "kind": "concert", "class_ids": [cls.id]}
    made = assert_can_create_follows_post(app, client, a.users, URL, body)
    assert made["client"] == 403 and made["sfo_staff"] == 403 and made["pedagogue"] == 201
