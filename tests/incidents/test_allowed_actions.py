"""`allowed_actions` tells the UI exactly what the API allows: for every role and every kind of case, each
listed action succeeds through the API and each unlisted one is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.cli import spec_json
from api.core.etag import etag_of
from api.core.timeutil import local_date
from api.incidents.actions import ACTION_VALUES
from api.incidents.models import Referral
from tests.factories import make_user
from tests.incidents.factories import adopt_plan, headers, make_incident, make_world

ROLES = ["admin", "leader", "resource_person", "teacher", "pedagogue", "sfo_staff", "teacher_b", "reporter"]
MISSING = 2**31 - 1  # an id nothing has: the sub-resource the action needs does not exist


def _case(session: Any, world: Any, state: str) -> Any:
    """A fresh case in one of the states the UI meets, reported by `reporter` (a pedagogue of no class)."""
    leader = world.users["leader"]
    kw: dict[str, Any] = {"reporter": world.reporter, "classification": "bullying"}
    if state == "accusing_staff":
        kw["accused"] = world.users["teacher_b"]
    if state in ("established", "closed"):
        kw.update(
            status="monitoring" if state == "established" else "closed",
            established_at=datetime.now(UTC) - timedelta(days=3),
            established_by=leader,
            action_plan_due=local_date() + timedelta(days=7),
        )
    incident = make_incident(session, world, **kw)
    if state in ("established", "closed"):
        incident.created_at = datetime.now(UTC) - timedelta(days=4)
        session.add(
            Referral(
                incident_id=incident.id,
                partner="ssp",
                referred_on=local_date(),
                status="planned",
                created_by_id=leader.id,
            )
        )
        session.commit()
        adopt_plan(session, incident, leader, local_date() + timedelta(days=7))
    if state == "withdrawn":
        incident.withdrawn_at = datetime.now(UTC)
        incident.withdrawn_by_id = world.reporter.id
        session.commit()
    session.refresh(incident)
    return incident


def _attempts(world: Any) -> dict[str, Callable[[Any], tuple[str, str, dict]]]:
    """For each action, the request that takes it on a case: (method, url, kwargs)."""

    def patch(body: dict) -> Callable[[Any], tuple[str, str, dict]]:
        return lambda i: (
            "PATCH",
            f"/api/v1/incidents/{i.id}",
            {"json": body, "headers": {"If-Match": etag_of(i)}},
        )

    def post(suffix: str, body: dict | None = None) -> Callable[[Any], tuple[str, str, dict]]:
        return lambda i: (
            "POST",
            f"/api/v1/incidents/{i.id}{suffix}",
            {"json": body} if body is not None else {},
        )

    def checklist(i: Any) -> tuple[str, str, dict]:
        item = i.audiences[0] if i.audiences else None
        url = f"/api/v1/incidents/{i.id}/audiences/{item.id if item else MISSING}"
        return (
            "PATCH",
            url,
            {"json": {"done": True}, "headers": {"If-Match": etag_of(item) if item else '"x"'}},
        )

    def plan(i: Any) -> tuple[str, str, dict]:
        body = {
            "measures": [{"description": "Voksen i skolegården", "responsible": "Gårdvagten"}],
            "follow_up_on": (local_date() + timedelta(days=10)).isoformat(),
        }
        extra = {"If-Match": etag_of(i.action_plan)} if i.action_plan is not None else {}
        return "PUT", f"/api/v1/incidents/{i.id}/action-plan", {"json": body, "headers": extra}

    def referral(i: Any) -> tuple[str, str, dict]:
        r = i.referrals[0] if i.referrals else None
        url = f"/api/v1/incidents/{i.id}/referrals/{r.id if r else MISSING}"
        return "PATCH", url, {"json": {"status": "sent"}, "headers": {"If-Match": etag_of(r) if r else '"x"'}}

    students = [
        {"student_id": world.anna.id, "role": "target"},
        {"student_id": world.bo.id, "role": "bystander"},
    ]
    return {
        "edit_facts": patch({"description": "Mere om det, der skete"}),
        "change_students": patch({"students": students}),
        "reclassify": patch({"classification": "exclusion"}),
        "set_pupil_perspective": patch({"pupil_perspective": "Hun føler sig alene"}),
        "set_accused_staff": patch({"accused_staff_id": world.users["sfo_staff"].id}),
        "add_note": post("/notes", {"kind": "students", "body": "Samtale med Anna"}),
        "establish": post("/establish", {"classification": "bullying"}),
        "add_acute_measure": post("/acute-measures", {"description": "Adskilt i frikvarteret"}),
        "update_checklist": checklist,
        "write_action_plan": plan,
        "record_follow_up": post("/follow-ups", {"held_on": local_date().isoformat(), "outcome": "stopped"}),
        "add_referral": post("/referrals", {"partner": "school_psychologist"}),
        "update_referral": referral,
        "withdraw": post("/withdraw"),
    }


def test_the_actions_are_a_documented_enum(app):
    spec = json.loads(spec_json(app))
    field = spec["components"]["schemas"]["IncidentRead"]["properties"]["allowed_actions"]
    assert field["items"] == {"$ref": "#/components/schemas/CaseAction"} and field["description"]
    assert spec["components"]["schemas"]["CaseAction"]["enum"] == ACTION_VALUES


EXPECTED_FOR_THE_REPORTER = {
    "open": ["edit_facts", "change_students", "add_note", "withdraw"],
    "accusing_staff": ["edit_facts", "change_students", "add_note", "withdraw"],
    "established": ["edit_facts", "add_note"],
    "closed": ["edit_facts", "add_note"],
    "withdrawn": [],
}


@pytest.mark.parametrize("state", ["open", "accusing_staff", "established", "closed", "withdrawn"])
def test_listed_actions_are_allowed_and_unlisted_ones_refused(app, client, session, state):
    world = make_world(session)
    world.reporter = make_user(session, world.school, "pedagogue", name="reporter A")
    users = {**{r: world.users[r] for r in ROLES if r != "reporter"}, "reporter": world.reporter}
    attempts = _attempts(world)
    assert sorted(attempts) == sorted(ACTION_VALUES)  # every action is tried
    mismatches = []
    listed: dict[str, list[str]] = {}
    for role in ROLES:
        h = headers(app, world, users[role])
        shown = client.get(f"/api/v1/incidents/{_case(session, world, state).id}", headers=h)
        listed[role] = shown.json["allowed_actions"] if shown.status_code == 200 else []
        for action, build in attempts.items():
            method, url, kwargs = build(_case(session, world, state))
            extra = kwargs.pop("headers", {})
            resp = client.open(url, method=method, headers={**h, **extra}, **kwargs)
            done = resp.status_code in (200, 201)
            if done != (action in listed[role]):
                mismatches.append(
                    (role, action, action in listed[role], resp.status_code, resp.json.get("message"))
                )
    assert mismatches == []
    assert listed["reporter"] == EXPECTED_FOR_THE_REPORTER[state]
    # each kind of reader gets a different, meaningful list
    if state == "open":
        assert listed["leader"] == [
            a
            for a in ACTION_VALUES
            if a not in ("update_checklist", "record_follow_up", "update_referral", "withdraw")
        ]
        assert listed["teacher"] == [
            "edit_facts",
            "change_students",
            "reclassify",
            "set_pupil_perspective",
            "set_accused_staff",
            "add_note",
            "add_acute_measure",
        ]
        assert listed["sfo_staff"] == listed["admin"] == listed["teacher_b"] == []
    if state == "established":
        assert "change_students" not in listed["teacher"] and "reclassify" not in listed["teacher"]
        assert {"change_students", "reclassify", "record_follow_up", "update_referral"} <= set(
            listed["resource_person"]
        )
    if state == "accusing_staff":
        assert [r for r in ROLES if listed[r]] == ["leader", "reporter"]
