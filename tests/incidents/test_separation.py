"""The separation rule through the prevention tools: the two sides of an open case are kept apart for every
case, but what a caller is told depends on what they may see. A teacher for whom a case is 404 learns
neither that it exists nor who its target and actor are: not from a refusal, not from a flag."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.core.etag import etag_of
from api.core.timeutil import local_date
from tests.factories import make_student
from tests.incidents.factories import headers, make_incident, make_world
from tests.play_partners.factories import make_arrangement
from tests.wellbeing_days.factories import make_day

PP = "/api/v1/play-partner-arrangements"
WD = "/api/v1/wellbeing-days"


@pytest.fixture
def world(session):
    """Anna (target) and Bo (actor) of class A in a bullying case that accuses class A's teacher: only
    leaders may see it. Class A's teacher, pedagogue and SFO contact work class A's other cases."""
    world = make_world(session)
    world.hidden = make_incident(
        session,
        world,
        reporter=world.users["leader"],
        classification="bullying",
        students=[(world.anna, "target"), (world.bo, "actor")],
        accused=world.users["teacher"],
    )
    return world


def _arrangement_body(world, students):
    today = local_date()
    return {
        "student_ids": [s.id for s in students],
        "recesses": ["lunch"],
        "weekdays": [1, 2, 3, 4, 5],
        "end_date": (today + timedelta(days=20)).isoformat(),
        "responsible_id": world.users["pedagogue"].id,
    }


def _assert_told_nothing(resp, world, status):
    """The refusal names no child, no role and no case, and has its own type for the UI's Danish text."""
    assert resp.status_code == status, resp.json
    body = resp.json
    assert body["type"] == "separation_rule"
    assert body["errors"] == {"rule": ["separation_rule"]}
    text = str(body)
    for leak in ("Anna", "Bo ", "Holm", "Lund", "target", "actor", f"#{world.hidden.id}", str(world.anna.id)):
        assert leak not in text, leak
    assert "leader" in body["message"] and "resource person" in body["message"]


def _refusals(session, world):
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "separation_refused", AuditEntry.outcome == "denied")
        .order_by(AuditEntry.id)
    ).all()


def test_an_arrangement_pairing_a_hidden_case_is_refused_without_the_reason(app, client, session, world):
    body = _arrangement_body(world, [world.anna, world.bo])
    for role in ("teacher", "pedagogue", "sfo_staff"):
        resp = client.post(PP, json=body, headers=headers(app, world, world.users[role]))
        _assert_told_nothing(resp, world, 409)
    refused = _refusals(session, world)
    assert {(e.user_id, e.student_id) for e in refused} == {
        (world.users[r].id, s.id)
        for r in ("teacher", "pedagogue", "sfo_staff")
        for s in (world.anna, world.bo)
    }
    assert all(e.detail == {"incident_ids": [world.hidden.id], "explained": False} for e in refused)
    # A leader, who may see the case, is told which case and who.
    resp = client.post(PP, json=body, headers=headers(app, world, world.users["leader"]))
    assert resp.status_code == 409 and resp.json["type"] == "open_case_separation"
    assert "Anna Holm (target) and Bo Lund (actor)" in resp.json["message"]
    assert f"#{world.hidden.id}" in resp.json["message"]
    assert resp.json["errors"]["rule"] == ["open_case_separation"] and resp.json["errors"]["student_ids"]
    assert client.get(PP, headers=headers(app, world, world.users["leader"])).json["total"] == 0


def test_only_the_visible_cases_are_explained(app, client, session, world):
    visible = make_incident(
        session,
        world,
        reporter=world.users["leader"],
        classification="exclusion",
        students=[(world.carl, "target"), (world.anna, "actor")],
    )
    # Class A's pedagogue works the visible case (Anna is in class A), not the accused-staff one.
    body = _arrangement_body(world, [world.anna, world.bo, world.carl])
    resp = client.post(PP, json=body, headers=headers(app, world, world.users["pedagogue"]))
    assert resp.status_code == 409 and resp.json["type"] == "open_case_separation"
    assert f"#{visible.id}" in resp.json["message"] and "Carl Berg (target)" in resp.json["message"]
    assert f"#{world.hidden.id}" not in str(resp.json) and "Bo Lund" not in str(resp.json)
    # Who reported a case may see it, and so is told.
    carls = make_incident(
        session,
        world,
        reporter=world.users["teacher_b"],
        classification="bullying",
        students=[(world.bo, "target"), (world.anna, "actor")],
    )
    resp = client.post(
        PP,
        json=_arrangement_body(world, [world.anna, world.bo]),
        headers=headers(app, world, world.users["teacher_b"]),
    )
    assert resp.status_code == 409 and f"#{carls.id}" in resp.json["message"]
    assert f"#{world.hidden.id}" not in resp.json["message"]


def test_case_conflict_counts_only_cases_the_reader_may_see(app, client, session, world):
    arrangement = make_arrangement(
        session, world.users["pedagogue"], [world.anna, world.bo], responsible=world.users["pedagogue"]
    )
    url = f"{PP}/{arrangement.id}"
    expected = {"leader": True, "leader2": True, "teacher": False, "pedagogue": False, "sfo_staff": False}
    for role, flag in expected.items():
        h = headers(app, world, world.users[role])
        assert client.get(url, headers=h).json["case_conflict"] is flag, role
        listed = client.get(PP, headers=h).json["items"]
        assert [a["case_conflict"] for a in listed] == [flag], role
        today = client.get(PP, query_string={"date": local_date().isoformat()}, headers=h).json["items"]
        assert [a["case_conflict"] for a in today] == [flag], role
    # Changing it while it pairs them is refused, again without the reason; ending it stays possible.
    h = headers(app, world, world.users["pedagogue"], **{"If-Match": etag_of(arrangement)})
    _assert_told_nothing(client.patch(url, json={"purpose": "Leg ved gyngerne"}, headers=h), world, 409)
    ended = client.patch(url, json={"status": "ended"}, headers=h)
    assert ended.status_code == 200


def test_adding_a_student_to_an_arrangement_is_refused_without_the_reason(app, client, session, world):
    arrangement = make_arrangement(
        session, world.users["teacher"], [world.anna, world.carl], responsible=world.users["teacher"]
    )
    h = headers(app, world, world.users["teacher"], **{"If-Match": etag_of(arrangement)})
    resp = client.patch(
        f"{PP}/{arrangement.id}", json={"student_ids": [world.anna.id, world.carl.id, world.bo.id]}, headers=h
    )
    _assert_told_nothing(resp, world, 409)
    assert [e.resource_id for e in _refusals(session, world)] == [str(arrangement.id)] * 2


@pytest.fixture
def day(session, world):
    return make_day(session, world.users["leader"], classes=[world.class_a, world.class_b])


def test_wellbeing_groups_that_cannot_keep_a_hidden_case_apart_are_refused_without_the_reason(
    app, client, session, world, day
):
    for _ in range(4):
        make_student(session, world.school, world.class_a)
    url = f"{WD}/{day.id}/groups"
    teacher = headers(app, world, world.users["teacher"])
    _assert_told_nothing(client.post(url, json={"group_count": 1}, headers=teacher), world, 422)
    pins = [{"student_id": world.anna.id, "group": 1}, {"student_id": world.bo.id, "group": 1}]
    _assert_told_nothing(
        client.post(url, json={"group_count": 2, "pinned": pins}, headers=teacher), world, 422
    )
    leader = headers(app, world, world.users["leader"])
    resp = client.post(url, json={"group_count": 2, "pinned": pins}, headers=leader)
    assert resp.status_code == 422 and resp.json["type"] == "open_case_separation"
    assert "pins" in resp.json["message"] and f"#{world.hidden.id}" in resp.json["message"]
    assert len(_refusals(session, world)) == 6  # two students for each of three refusals


def test_a_group_move_next_to_a_hidden_case_is_refused_without_the_reason(app, client, session, world, day):
    for _ in range(4):
        make_student(session, world.school, world.class_a)
    teacher = headers(app, world, world.users["teacher"])
    plan = client.post(f"{WD}/{day.id}/groups", json={"group_count": 2, "seed": 3}, headers=teacher)
    assert plan.status_code == 200, plan.json
    assert plan.json["stats"]["groups_with_open_case"] == []
    where = {s["id"]: g["number"] for g in plan.json["groups"] for s in g["students"]}
    assert where[world.anna.id] != where[world.bo.id]  # the hidden case is kept apart all the same
    move = {"student_id": world.anna.id, "group": where[world.bo.id]}
    etag = plan.headers["ETag"]
    resp = client.post(f"{WD}/{day.id}/groups/moves", json=move, headers={**teacher, "If-Match": etag})
    _assert_told_nothing(resp, world, 422)
    swap_partner = next(
        s["id"]
        for g in plan.json["groups"]
        if g["number"] == where[world.anna.id]
        for s in g["students"]
        if s["id"] != world.anna.id
    )
    swap = {"student_id": world.bo.id, "group": where[world.anna.id], "swap_with": swap_partner}
    resp = client.post(f"{WD}/{day.id}/groups/moves", json=swap, headers={**teacher, "If-Match": etag})
    _assert_told_nothing(resp, world, 422)
    leader = headers(app, world, world.users["leader"], **{"If-Match": etag})
    resp = client.post(f"{WD}/{day.id}/groups/moves", json=move, headers=leader)
    assert resp.status_code == 422 and resp.json["type"] == "open_case_separation"
    assert "Anna Holm (target) and Bo Lund (actor)" in resp.json["message"]
    assert [e.student_id for e in _refusals(session, world)] == sorted([world.anna.id, world.bo.id]) * 3
