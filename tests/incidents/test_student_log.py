"""The incident domain in the student log: only what the viewer may see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.core.student_log import collect
from api.core.timeutil import local_date
from api.users.models import User
from tests.incidents.factories import headers, make_incident, make_world


@pytest.fixture
def world(app, session):
    return make_world(session)


INCIDENT_KINDS = ("incident", "case_note", "action_plan")


def _log(session, viewer, student, **kw):
    viewer = session.get(User, viewer.id)
    # Only this domain's kinds: other domains (the roster, observations) add entries of their own.
    return collect(
        session,
        viewer=viewer,
        student=student,
        before=kw.get("before"),
        limit=kw.get("limit", 50),
        kinds=INCIDENT_KINDS,
    )


def test_incidents_notes_and_plans_appear_in_each_involved_students_log(app, client, session, world):
    sfo = world.users["sfo_staff"]
    incident = make_incident(session, world, reporter=sfo, classification="bullying", status="investigating")
    leader = headers(app, world, world.users["leader"])
    assert (
        client.post(f"/api/v1/incidents/{incident.id}/establish", json={}, headers=leader).status_code == 200
    )
    plan = {
        "measures": [{"description": "Daglig kontakt", "responsible": "Klasselæreren"}],
        "follow_up_on": (local_date() + timedelta(days=8)).isoformat(),
    }
    assert (
        client.put(f"/api/v1/incidents/{incident.id}/action-plan", json=plan, headers=leader).status_code
        == 200
    )
    notes = f"/api/v1/incidents/{incident.id}/notes"
    client.post(notes, json={"kind": "parents", "body": "Møde med Bos forældre"}, headers=leader)
    client.post(notes, json={"kind": "students", "body": "Anna så det"}, headers=headers(app, world, sfo))

    for student in (world.anna, world.bo):
        kinds = sorted(e.kind for e in _log(session, world.users["leader"], student))
        assert kinds == ["action_plan", "case_note", "case_note", "incident", "incident"], student.given_name
        # the class teacher works the case and sees the same
        assert len(_log(session, world.users["teacher"], student)) == 5
    # Each entry also carries structured facts, so the UI can say it in Danish.
    details = {
        (e.kind, (e.detail or {}).get("event")): e.detail
        for e in _log(session, world.users["leader"], world.anna)
    }
    assert details[("incident", "established")]["classification"] == "bullying"
    assert details[("incident", "reported")]["role"] in ("target", "actor")
    assert {
        e.detail["conversation_with"]
        for e in _log(session, world.users["leader"], world.anna)
        if e.kind == "case_note"
    } == {"parents", "students"}
    # the SFO reporter sees the report and their own note only - not the plan, not the parents' meeting
    sfo_log = _log(session, sfo, world.anna)
    assert sorted(e.kind for e in sfo_log) == ["case_note", "incident", "incident"]
    assert all("parents" not in e.summary for e in sfo_log)
    # a teacher of another class, an admin and another school see nothing of it
    assert _log(session, world.users["teacher_b"], world.anna) == []
    assert _log(session, world.users["admin"], world.anna) == []
    assert _log(session, world.other_users["leader"], world.anna) == []
    # summaries never carry note text
    entries = _log(session, world.users["leader"], world.bo)
    assert all("Møde" not in e.summary and "Anna så" not in e.summary for e in entries)
    established = [e for e in entries if e.kind == "incident" and "established" in e.summary]
    assert established and established[0].author_name == "leader A"


def test_log_pages_by_time(app, session, world):
    old = make_incident(session, world)
    old.occurred_at = datetime.now(UTC) - timedelta(days=30)
    session.commit()
    new = make_incident(session, world)
    viewer = world.users["leader"]
    first = _log(session, viewer, world.anna, limit=1)
    assert [e.ref_id for e in first] == [new.id]
    rest = _log(session, viewer, world.anna, before=first[0].occurred_at, limit=10)
    assert [e.ref_id for e in rest] == [old.id]


def test_a_case_accusing_staff_stays_out_of_the_log_for_non_leaders(app, session, world):
    make_incident(session, world, accused=world.users["teacher_b"], reporter=world.users["leader2"])
    assert _log(session, world.users["teacher"], world.anna) == []
    assert _log(session, world.users["pedagogue"], world.anna) == []
    assert _log(session, world.users["resource_person"], world.anna) == []
    assert len(_log(session, world.users["leader"], world.anna)) == 1
    assert len(_log(session, world.users["leader2"], world.anna)) == 1  # who reported it
    assert _log(session, world.users["teacher_b"], world.anna) == []
