"""`allowed_actions` tells the app exactly what the API accepts: for every kind of caller and every state of an
arrangement, each listed action succeeds through the API and each unlisted one is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from api.cli import spec_json
from api.core.etag import etag_of
from api.core.timeutil import local_date
from api.play_partners.permissions import ACTION_VALUES
from tests.factories import attach_staff, auth, make_class, make_student
from tests.matrix import CALLERS, tenant
from tests.observations.factories import make_case
from tests.play_partners.factories import make_arrangement

URL = "/api/v1/play-partner-arrangements"
STATES = ["active", "paused", "ended", "not_begun", "pairs_an_open_case"]
CHANGERS = (
    "leader",
    "teacher",
    "sfo_staff",
    "resource_person",
)  # creator, class staff, responsible, school-wide


def _world(session: Any) -> dict[str, Any]:
    a = tenant(session, "A", with_client=True)
    cls = make_class(session, a.school)
    attach_staff(session, cls, a.users["teacher"])  # the pedagogue is attached to no class of these students
    kids = [make_student(session, a.school, cls) for _ in range(4)]
    # Two of them are target and actor of an open bullying case (the class's teacher and the leaders see it;
    # the responsible SFO adult does not).
    make_case(session, a.users["leader"], target=kids[2], actor=kids[3], classification="bullying")
    return {"a": a, "free": kids[:2], "kept_apart": kids[2:]}


def _arrangement(session: Any, world: dict[str, Any], state: str) -> Any:
    """A fresh arrangement in a state the app meets: made by the leader, the SFO adult responsible."""
    users = world["a"].users
    today = local_date()
    kw: dict[str, Any] = {"responsible": users["sfo_staff"]}
    if state in ("paused", "ended"):
        kw["status"] = state
    if state == "not_begun":
        kw.update(start_date=today + timedelta(days=3), end_date=today + timedelta(days=30))
    students = world["kept_apart"] if state == "pairs_an_open_case" else world["free"]
    return make_arrangement(session, users["leader"], students, **kw)


def _attempts(world: dict[str, Any]) -> dict[str, Callable[[Any], tuple[str, str, dict]]]:
    """For each action, the request that takes it on an arrangement: (method, url, kwargs)."""

    def patch(body: dict) -> Callable[[Any], tuple[str, str, dict]]:
        return lambda a: ("PATCH", f"{URL}/{a.id}", {"json": body, "headers": {"If-Match": etag_of(a)}})

    return {
        # An edit that is itself allowed: of one pairing an open case, a change of students that parts them.
        "edit": lambda a: (
            patch({"student_ids": [world["kept_apart"][0].id, world["free"][0].id]})
            if {s.id for s in world["kept_apart"]} <= set(a.student_ids)
            else patch({"purpose": "Hjælp dem i gang med en leg ved klatrestativet"})
        )(a),
        "check_in": lambda a: ("POST", f"{URL}/{a.id}/check-ins", {"json": {"outcome": "good"}}),
        "pause": patch({"status": "paused"}),
        "resume": patch({"status": "active"}),
        "end": patch({"status": "ended"}),
    }


EXPECTED_FOR_THOSE_CLOSE = {
    "active": ["edit", "check_in", "pause", "end"],
    "paused": ["edit", "check_in", "resume", "end"],
    "ended": [],
    "not_begun": ["edit", "pause", "end"],
    "pairs_an_open_case": ["edit", "check_in", "end"],
}
# A child-facing colleague not close to the arrangement (on schoolyard duty).
EXPECTED_FOR_A_COLLEAGUE = {
    "active": ["check_in"],
    "paused": ["check_in"],
    "ended": [],
    "not_begun": [],
    "pairs_an_open_case": ["check_in"],
}


def test_the_actions_are_a_documented_enum(app):
    spec = json.loads(spec_json(app))
    field = spec["components"]["schemas"]["ArrangementRead"]["properties"]["allowed_actions"]
    assert field["items"] == {"$ref": "#/components/schemas/ArrangementAction"} and field["description"]
    assert spec["components"]["schemas"]["ArrangementAction"]["enum"] == ACTION_VALUES


@pytest.mark.parametrize("state", STATES)
def test_listed_actions_are_accepted_and_unlisted_ones_refused(app, client, session, state):
    world = _world(session)
    users = world["a"].users
    attempts = _attempts(world)
    assert sorted(attempts) == sorted(ACTION_VALUES)  # every action is tried
    mismatches = []
    listed: dict[str, list[str]] = {}
    for caller in CALLERS:
        h = auth(app, users[caller])
        shown = client.get(f"{URL}/{_arrangement(session, world, state).id}", headers=h)
        listed[caller] = shown.json["allowed_actions"] if shown.status_code == 200 else []
        for action, build in attempts.items():
            method, url, kwargs = build(_arrangement(session, world, state))
            extra = kwargs.pop("headers", {})
            resp = client.open(url, method=method, headers={**h, **extra}, **kwargs)
            done = resp.status_code in (200, 201)
            if done != (action in listed[caller]):
                mismatches.append(
                    (caller, action, listed[caller], resp.status_code, resp.json.get("message"))
                )
            elif not done:
                assert resp.status_code in (403, 409), (caller, action, resp.status_code, resp.json)
    assert mismatches == []
    for caller in CHANGERS:
        assert listed[caller] == EXPECTED_FOR_THOSE_CLOSE[state], caller
    # A pedagogue of other classes may only say how it went; an admin alone and an API client do nothing.
    assert listed["pedagogue"] == EXPECTED_FOR_A_COLLEAGUE[state]
    assert listed["admin"] == listed["client"] == []


def test_the_list_carries_each_arrangements_actions(app, client, session):
    world = _world(session)
    users = world["a"].users
    active = _arrangement(session, world, "active")
    kept_apart = _arrangement(session, world, "pairs_an_open_case")
    page = client.get(URL, headers=auth(app, users["teacher"])).json["items"]
    by_id = {a["id"]: a["allowed_actions"] for a in page}
    assert by_id[active.id] == ["edit", "check_in", "pause", "end"]
    assert by_id[kept_apart.id] == ["edit", "check_in", "end"]
    on_duty = client.get(
        URL, query_string={"date": local_date().isoformat()}, headers=auth(app, users["pedagogue"])
    )
    assert {a["id"]: a["allowed_actions"] for a in on_duty.json["items"]}[active.id] == ["check_in"]


def test_a_change_that_keeps_an_open_case_pair_is_refused_one_that_parts_them_is_taken(app, client, session):
    """While an arrangement pairs both sides of an open case, a change that keeps them together is refused (the
    refusal names the case only to those who may see it) and so are pausing and resuming; a change of students
    that parts them is taken, and so is ending it."""
    world = _world(session)
    users = world["a"].users
    arrangement = _arrangement(session, world, "pairs_an_open_case")
    h = {**auth(app, users["teacher"]), "If-Match": etag_of(arrangement)}
    refused = client.patch(f"{URL}/{arrangement.id}", json={"purpose": "x"}, headers=h)
    assert refused.status_code == 409 and refused.json["type"] == "open_case_separation"
    # The responsible SFO adult may not see the case: told only that it cannot be done.
    h_sfo = {**auth(app, users["sfo_staff"]), "If-Match": etag_of(arrangement)}
    hidden = client.patch(f"{URL}/{arrangement.id}", json={"purpose": "x"}, headers=h_sfo)
    assert hidden.status_code == 409 and hidden.json["type"] == "separation_rule"
    paused = client.patch(f"{URL}/{arrangement.id}", json={"status": "paused"}, headers=h)
    assert paused.status_code == 409
    parted = {"student_ids": [world["kept_apart"][0].id, world["free"][0].id]}
    changed = client.patch(f"{URL}/{arrangement.id}", json=parted, headers=h)
    assert changed.status_code == 200, changed.json
    assert changed.json["case_conflict"] is False and "pause" in changed.json["allowed_actions"]
    h = {**h, "If-Match": changed.headers["ETag"]}
    ended = client.patch(f"{URL}/{arrangement.id}", json={"status": "ended"}, headers=h)
    assert ended.status_code == 200 and ended.json["allowed_actions"] == []
