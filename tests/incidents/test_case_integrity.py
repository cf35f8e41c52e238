"""A case keeps what it is: an established case's students are the owners' to change (and every change is on
the timeline), the reporter of a case accusing staff keeps her report, and a follow-up cannot predate the
case it follows up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.core.timeutil import local_date
from tests.factories import make_user
from tests.incidents.factories import adopt_plan, headers, make_incident, make_world


@pytest.fixture
def world(app, session):
    world = make_world(session)
    world.reporter = make_user(session, world.school, "pedagogue", name="reporter A")  # of no class
    return world


def _patch(client, app, world, user, incident_id, body):
    url = f"/api/v1/incidents/{incident_id}"
    h = headers(app, world, user)
    etag = client.get(url, headers=h).headers["ETag"]
    return client.patch(url, json=body, headers={**h, "If-Match": etag})


def _established(session, world):
    leader = world.users["leader"]
    return make_incident(
        session,
        world,
        reporter=world.reporter,
        classification="bullying",
        status="action_plan",
        established_at=datetime.now(UTC) - timedelta(days=3),
        established_by=leader,
        action_plan_due=local_date() + timedelta(days=7),
    )


def _timeline(client, app, world, user, incident_id):
    url = f"/api/v1/incidents/{incident_id}/timeline?page_size=100"
    return client.get(url, headers=headers(app, world, user)).json["items"]


def test_a_class_teacher_cannot_gut_an_established_case(app, client, session, world):
    incident = _established(session, world)
    bo_only = {"students": [{"student_id": world.bo.id, "role": "actor"}]}
    swapped = {
        "students": [
            {"student_id": world.anna.id, "role": "bystander"},
            {"student_id": world.bo.id, "role": "actor"},
        ]
    }
    for role in ("teacher", "pedagogue"):
        for change in (bo_only, swapped):
            resp = _patch(client, app, world, world.users[role], incident.id, change)
            assert resp.status_code == 403, (role, resp.json)
    assert _patch(client, app, world, world.reporter, incident.id, bo_only).status_code == 403
    denied = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "denied", AuditEntry.resource_id == str(incident.id))
    ).all()
    assert {e.user_id for e in denied} == {
        world.users["teacher"].id,
        world.users["pedagogue"].id,
        world.reporter.id,
    }
    # The case stays in the target's log, and the two children still cannot be paired.
    log = client.get(
        f"/api/v1/students/{world.anna.id}/log", headers=headers(app, world, world.users["teacher"])
    )
    assert ("incident", incident.id) in [(e["ref_type"], e["ref_id"]) for e in log.json["items"]]
    arrangement = {
        "student_ids": [world.anna.id, world.bo.id],
        "recesses": ["lunch"],
        "weekdays": [1, 2, 3, 4, 5],
        "end_date": (local_date() + timedelta(days=20)).isoformat(),
        "responsible_id": world.users["teacher"].id,
    }
    paired = client.post(
        "/api/v1/play-partner-arrangements",
        json=arrangement,
        headers=headers(app, world, world.users["teacher"]),
    )
    assert paired.status_code == 409
    # Other facts stay the class staff's to correct.
    assert (
        _patch(client, app, world, world.users["teacher"], incident.id, {"place": "corridor"}).status_code
        == 200
    )


def test_case_owners_change_an_established_cases_students_on_the_timeline(app, client, session, world):
    incident = _established(session, world)
    change = {
        "students": [
            {"student_id": world.anna.id, "role": "target"},
            {"student_id": world.bo.id, "role": "bystander"},
            {"student_id": world.carl.id, "role": "actor"},
        ]
    }
    resp = _patch(client, app, world, world.users["resource_person"], incident.id, change)
    assert resp.status_code == 200
    assert [(s["id"], s["role"]) for s in resp.json["students"]] == [
        (world.anna.id, "target"),
        (world.bo.id, "bystander"),
        (world.carl.id, "actor"),
    ]
    expected = {"added": [world.carl.id], "removed": [], "roles_changed": [world.bo.id]}
    for viewer in (world.users["leader"], world.reporter):  # the case's workers and its reporter see it
        changes = [
            e for e in _timeline(client, app, world, viewer, incident.id) if e["kind"] == "students_changed"
        ]
        assert [(e["detail"], e["actor"]["id"]) for e in changes] == [
            (expected, world.users["resource_person"].id)
        ]


def test_before_establishment_the_class_staff_and_the_reporter_change_the_students(
    app, client, session, world
):
    incident = make_incident(session, world, reporter=world.reporter, classification="teasing")
    change = {
        "students": [
            {"student_id": world.anna.id, "role": "target"},
            {"student_id": world.carl.id, "role": "actor"},
        ]
    }
    assert _patch(client, app, world, world.users["teacher"], incident.id, change).status_code == 200
    back = {
        "students": [
            {"student_id": world.anna.id, "role": "target"},
            {"student_id": world.bo.id, "role": "actor"},
        ]
    }
    assert _patch(client, app, world, world.reporter, incident.id, back).status_code == 200
    kinds = [e["kind"] for e in _timeline(client, app, world, world.reporter, incident.id)]
    assert kinds.count("students_changed") == 2


def test_the_reporter_keeps_her_report_of_a_case_accusing_staff(app, client, session, world):
    resource = world.users["resource_person"]
    h = headers(app, world, resource)
    created = client.post(
        "/api/v1/incidents",
        json={
            "classification": "bullying",
            "students": [{"student_id": world.anna.id, "role": "target"}],
            "description": "Anna siger, at en voksen råber ad hende i frikvarteret.",
            "accused_staff_id": world.users["teacher_b"].id,
        },
        headers=h,
    )
    assert created.status_code == 201 and created.json["view"] == "reporter"
    url = f"/api/v1/incidents/{created.json['id']}"
    got = client.get(url, headers=h)
    assert got.status_code == 200 and got.json["view"] == "reporter"
    assert got.json["description"] == created.json["description"]
    assert got.json["audiences"] == [] and got.json["pupil_perspective"] is None
    assert created.json["id"] in [i["id"] for i in client.get("/api/v1/incidents", headers=h).json["items"]]
    assert client.get(url + "/timeline", headers=h).status_code == 200
    note = client.post(url + "/notes", json={"kind": "students", "body": "Talt med Anna."}, headers=h)
    assert note.status_code == 201
    # Her report, never the case work: a leader's note and the accused are the leaders' business.
    leader = headers(app, world, world.users["leader"])
    client.post(url + "/notes", json={"kind": "staff", "body": "Samtale med medarbejderen."}, headers=leader)
    notes = client.get(url + "/notes", headers=h).json["items"]
    assert [n["body"] for n in notes] == ["Talt med Anna."]
    etag = client.get(url, headers=h).headers["ETag"]  # the notes changed the case, so its ETag moved
    refused = client.patch(url, json={"accused_staff_id": None}, headers={**h, "If-Match": etag})
    assert refused.status_code == 403
    # The accused never sees it, nor do the other resource persons or the class's staff.
    for user in (
        world.users["teacher_b"],
        world.users["teacher"],
        make_user(session, world.school, "resource_person"),
    ):
        assert client.get(url, headers=headers(app, world, user)).status_code == 404


def test_a_report_accusing_oneself_is_not_shown_to_oneself(app, client, session, world):
    teacher = world.users["teacher"]
    h = headers(app, world, teacher)
    created = client.post(
        "/api/v1/incidents",
        json={
            "classification": "value_rule_breach",
            "students": [{"student_id": world.anna.id, "role": "target"}],
            "accused_staff_id": teacher.id,
        },
        headers=h,
    )
    assert created.status_code == 201
    assert client.get(f"/api/v1/incidents/{created.json['id']}", headers=h).status_code == 404
    assert (
        client.get(
            f"/api/v1/incidents/{created.json['id']}", headers=headers(app, world, world.users["leader"])
        ).status_code
        == 200
    )


def test_a_follow_up_cannot_predate_the_establishment(app, client, session, world):
    incident = _established(session, world)
    adopt_plan(session, incident, world.users["leader"], local_date() + timedelta(days=7))
    url = f"/api/v1/incidents/{incident.id}/follow-ups"
    leader = headers(app, world, world.users["leader"])
    established_on = local_date(incident.established_at)
    before = {"held_on": (established_on - timedelta(days=1)).isoformat(), "outcome": "continued"}
    resp = client.post(url, json=before, headers=leader)
    assert resp.status_code == 422 and list(resp.json["errors"]) == ["held_on"]
    case = client.get(f"/api/v1/incidents/{incident.id}", headers=leader).json
    assert case["action_plan_due"] == incident.action_plan_due.isoformat() and case["follow_ups"] == []
    same_day = {"held_on": established_on.isoformat(), "outcome": "stopped"}
    assert client.post(url, json=same_day, headers=leader).status_code == 201
