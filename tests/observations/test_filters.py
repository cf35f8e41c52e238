"""Observation list filters: a class and a grade; another school's class gives an empty list."""

from __future__ import annotations

from tests.factories import auth, make_class, make_school, make_student, make_user
from tests.observations.factories import make_observation

URL = "/api/v1/observations"


def test_class_and_grade_filters(app, client, session):
    school = make_school(session)
    leader = make_user(session, school, "leader")
    class_3a = make_class(session, school, name="3.A", grade=3)
    class_3b = make_class(session, school, name="3.B", grade=3)
    class_5a = make_class(session, school, name="5.A", grade=5)
    emil, ida, ali = (make_student(session, school, c) for c in (class_3a, class_3b, class_5a))
    o_3a = make_observation(session, leader, [emil])
    o_3b = make_observation(session, leader, [ida])
    o_mixed = make_observation(session, leader, [ida, ali])
    h = auth(app, leader)

    def ids(**query):
        resp = client.get(URL, query_string=query, headers=h)
        assert resp.status_code == 200, resp.json
        return sorted(o["id"] for o in resp.json["items"])

    assert ids(class_id=class_3a.id) == [o_3a.id]
    assert ids(class_id=class_5a.id) == [o_mixed.id]
    assert ids(grade=3) == sorted([o_3a.id, o_3b.id, o_mixed.id])
    assert ids(grade=5) == [o_mixed.id]
    assert ids(grade=3, class_id=class_5a.id) == []
    other = make_school(session)
    foreign = make_class(session, other, name="3.A", grade=3)
    make_observation(session, make_user(session, other, "leader"), [make_student(session, other, foreign)])
    assert ids(class_id=foreign.id) == []
    assert client.get(URL, query_string={"grade": -1}, headers=h).status_code == 422
