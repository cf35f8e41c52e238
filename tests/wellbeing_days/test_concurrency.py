"""Concurrency on a day's groups: parallel moves never crash or deadlock, and never lose a move."""

from __future__ import annotations

from sqlalchemy import func, select

from api.wellbeing_days.models import WellbeingGroupMember
from tests.factories import auth, make_class, make_school, make_student, make_user
from tests.parallel import at_once, statuses
from tests.wellbeing_days.factories import make_day

URL = "/api/v1/wellbeing-days"


def _planned_day(app, client, session):
    school = make_school(session)
    leader = make_user(session, school, "leader")
    classes = [make_class(session, school, grade=g) for g in (1, 2, 3, 4)]
    students = [make_student(session, school, c) for c in classes for _ in range(6)]
    day = make_day(session, leader, classes=classes, adults=[leader])
    h = auth(app, leader)
    plan = client.post(f"{URL}/{day.id}/groups", json={"group_count": 4, "seed": 3}, headers=h)
    assert plan.status_code == 200, plan.json
    where = {s["id"]: g["number"] for g in plan.json["groups"] for s in g["students"]}
    return day, students, where, h, plan.headers["ETag"]


def _twelve_moves_at_once(app, day, students, where, h, if_match):
    """Twelve different students moved at the same moment, each to a group it is not in yet."""
    moves = [{"student_id": s.id, "group": where[s.id] % 4 + 1} for s in students[:12]]
    url = f"{URL}/{day.id}/groups/moves"
    responses = at_once(app, 12, lambda c, i: c.post(url, json=moves[i], headers={**h, "If-Match": if_match}))
    return moves, responses


def test_twelve_parallel_moves_with_one_etag_give_one_200_and_412s(app, client, session):
    day, students, where, h, etag = _planned_day(app, client, session)
    _moves, responses = _twelve_moves_at_once(app, day, students, where, h, etag)
    assert statuses(responses) == {200: 1, 412: 11}, [r.get_json() for r in responses]


def test_twelve_parallel_moves_with_if_match_star_all_land(app, client, session):
    day, students, where, h, _etag = _planned_day(app, client, session)
    moves, responses = _twelve_moves_at_once(app, day, students, where, h, "*")
    assert statuses(responses) == {200: 12}, [r.get_json() for r in responses]
    final = client.get(f"{URL}/{day.id}/groups", headers=h).json
    now = {s["id"]: g["number"] for g in final["groups"] for s in g["students"]}
    assert all(now[m["student_id"]] == m["group"] for m in moves)
    assert session.scalar(select(func.count()).select_from(WellbeingGroupMember)) == len(students)
