"""Concurrency on the roster: the same class created many times at once is made once, the rest 409."""

from __future__ import annotations

from sqlalchemy import func, select

from api.students.models import SchoolClass
from tests.factories import auth, make_school, make_user
from tests.parallel import at_once, statuses


def test_ten_parallel_identical_class_creations_give_one_201_and_409s(app, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    h = auth(app, admin)
    body = {"name": "7.C", "grade": 7, "school_year": "2026/27"}

    responses = at_once(app, 10, lambda client, _i: client.post("/api/v1/classes", json=body, headers=h))

    assert statuses(responses) == {201: 1, 409: 9}, [r.get_json() for r in responses]
    assert all("name" in r.get_json()["errors"] for r in responses if r.status_code == 409)
    assert session.scalar(select(func.count()).select_from(SchoolClass)) == 1
