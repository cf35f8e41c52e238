"""The case read's answer, pinned byte for byte: a case with every section filled, read by a class teacher (a
worker: the full view) and by a reporter who does not work it (no case work), and the answer to a new report.
Reading and presenting a case may be made faster; what it says may not change unnoticed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import update

from api.core.db import db
from api.incidents.models import (
    ActionPlan,
    AcuteMeasure,
    AudienceItem,
    FollowUp,
    Incident,
    IncidentStudent,
    PlanMeasure,
    Referral,
)
from tests.incidents.factories import headers, make_world

T0 = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)


def _at(hour: int, minute: int = 0) -> datetime:
    return T0.replace(hour=hour, minute=minute)


def _arrange(app):
    with app.app_context():
        session = db.session
        world = make_world(session)
        teacher, leader, reporter = world.users["teacher"], world.users["leader"], world.users["sfo_staff"]
        incident = Incident(
            school_id=world.school.id,
            classification="bullying",
            status="action_plan",
            occurred_at=_at(9, 30),
            place="Skolegården",
            description="Bo skubbede Anna ved cykelstativet.",
            knowledge_source="told_by_student",
            digital_medium="Snapchat",
            pupil_perspective="Anna er ked af det.",
            reported_by_id=reporter.id,
            established_at=_at(11),
            established_by_id=leader.id,
            action_plan_due=date(2026, 3, 13),
            created_at=_at(10),
            updated_at=_at(12),
        )
        incident.students = [
            IncidentStudent(student_id=world.anna.id, role="target"),
            IncidentStudent(student_id=world.bo.id, role="actor"),
            IncidentStudent(student_id=world.carl.id, role="bystander"),
        ]
        incident.audiences = [
            AudienceItem(audience=a, position=i)
            for i, a in enumerate(["students", "class", "parents", "staff", "leadership"])
        ]
        done = incident.audiences[2]
        done.actions, done.how, done.done_at, done.done_by_id = (
            ["meeting"],
            "Møde på skolen",
            _at(13),
            teacher.id,
        )
        incident.acute_measures = [
            AcuteMeasure(description="Adskilt i frikvarteret", taken_at=_at(10, 5), recorded_by_id=teacher.id)
        ]
        incident.follow_ups = [
            FollowUp(
                held_on=date(2026, 3, 9),
                outcome="decreased",
                summary="Bedre",
                next_follow_up_on=date(2026, 3, 16),
                recorded_by_id=leader.id,
                created_at=_at(14),
            )
        ]
        incident.referrals = [
            Referral(
                partner="school_psychologist",
                partner_name="PPR Vestrup",
                referred_on=date(2026, 3, 3),
                status="planned",
                note="Ring mandag",
                created_by_id=leader.id,
                created_at=_at(15),
                updated_at=_at(15, 30),
            )
        ]
        session.add(incident)
        session.flush()
        plan = ActionPlan(
            incident_id=incident.id,
            follow_up_on=date(2026, 3, 16),
            informed_students_at=_at(16),
            adopted_at=_at(16, 10),
            adopted_by_id=leader.id,
            updated_by_id=leader.id,
            updated_at=_at(16, 20),
        )
        plan.measures = [
            PlanMeasure(position=0, description="Voksen i skolegården", responsible_user_id=teacher.id),
            PlanMeasure(
                position=1,
                description="Samtale med forældre",
                responsible="forældrene",
                due_on=date(2026, 3, 20),
            ),
        ]
        session.add(plan)
        session.flush()
        # The plan's insert bumped the case's version and time; pin its time too (its version stays 2).
        session.execute(update(Incident).where(Incident.id == incident.id).values(updated_at=_at(17)))
        session.commit()
        ids = {
            "incident": incident.id,
            "plan": plan.id,
            "measures": [m.id for m in plan.measures],
            "audiences": [a.id for a in incident.audiences],
            "acute": incident.acute_measures[0].id,
            "follow_up": incident.follow_ups[0].id,
            "referral": incident.referrals[0].id,
        }
        return world, ids


def _brief(user) -> dict:
    return {"id": user.id, "name": user.name}


def _case(world, ids, *, view: str, transitions: list[str], actions: list[str]) -> dict:
    users = world.users
    teacher, leader = _brief(users["teacher"]), _brief(users["leader"])
    full = view == "full"
    suggested = {
        "students": ["talk", "confront"],
        "class": ["inform", "involve"],
        "parents": ["contact", "meeting"],
        "staff": ["inform", "student_log", "sparring"],
        "leadership": ["inform", "follow"],
    }
    audiences = []
    for audience_id, (audience, suggestion) in zip(ids["audiences"], suggested.items(), strict=True):
        done = audience == "parents"
        audiences.append(
            {
                "id": audience_id,
                "audience": audience,
                "suggested_actions": suggestion,
                "actions": ["meeting"] if done else [],
                "how": "Møde på skolen" if done else None,
                "done": done,
                "done_at": "2026-03-02T13:00:00+00:00" if done else None,
                "done_by": teacher if done else None,
                "etag": f'"incident_audience_items-{audience_id}-v1"',
            }
        )
    return {
        "id": ids["incident"],
        "classification": "bullying",
        "status": "action_plan",
        "occurred_at": "2026-03-02T09:30:00+00:00",
        "place": "Skolegården",
        "knowledge_source": "told_by_student",
        "students": [
            {"id": world.anna.id, "display_name": "Anna Holm", "class_name": "3.A", "role": "target"},
            {"id": world.bo.id, "display_name": "Bo Lund", "class_name": "3.A", "role": "actor"},
            {"id": world.carl.id, "display_name": "Carl Berg", "class_name": "4.B", "role": "bystander"},
        ],
        "reporter": _brief(users["sfo_staff"]),
        "reporting_client": None,
        "established_at": "2026-03-02T11:00:00+00:00",
        "action_plan_due": "2026-03-13",
        "deadline_status": "met",
        "created_at": "2026-03-02T10:00:00+00:00",
        "updated_at": "2026-03-02T17:00:00+00:00",
        "etag": f'"incidents-{ids["incident"]}-v2"',
        "description": "Bo skubbede Anna ved cykelstativet.",
        "digital_medium": "Snapchat",
        "pupil_perspective": "Anna er ked af det." if full else None,
        "accused_staff": None,
        "established_by": leader,
        "closed_at": None,
        "strategy_version_id": None,
        "view": view,
        "allowed_transitions": transitions,
        "allowed_actions": actions,
        "withdrawn_at": None,
        "withdrawn_by": None,
        "audiences": audiences if full else [],
        "acute_measures": [
            {
                "id": ids["acute"],
                "description": "Adskilt i frikvarteret",
                "taken_at": "2026-03-02T10:05:00+00:00",
                "recorded_by": teacher,
            }
        ]
        if full
        else [],
        "action_plan": {
            "id": ids["plan"],
            "measures": [
                {
                    "id": ids["measures"][0],
                    "description": "Voksen i skolegården",
                    "responsible_user": teacher,
                    "responsible": None,
                    "due_on": None,
                },
                {
                    "id": ids["measures"][1],
                    "description": "Samtale med forældre",
                    "responsible_user": None,
                    "responsible": "forældrene",
                    "due_on": "2026-03-20",
                },
            ],
            "follow_up_on": "2026-03-16",
            "informed_students_at": "2026-03-02T16:00:00+00:00",
            "informed_parents_at": None,
            "adopted_at": "2026-03-02T16:10:00+00:00",
            "adopted_by": leader,
            "reopened_at": None,
            "updated_at": "2026-03-02T16:20:00+00:00",
            "etag": f'"incident_action_plans-{ids["plan"]}-v1"',
        }
        if full
        else None,
        "follow_ups": [
            {
                "id": ids["follow_up"],
                "held_on": "2026-03-09",
                "outcome": "decreased",
                "summary": "Bedre",
                "next_follow_up_on": "2026-03-16",
                "recorded_by": leader,
                "created_at": "2026-03-02T14:00:00+00:00",
            }
        ]
        if full
        else [],
        "referrals": [
            {
                "id": ids["referral"],
                "partner": "school_psychologist",
                "partner_name": "PPR Vestrup",
                "referred_on": "2026-03-03",
                "status": "planned",
                "note": "Ring mandag",
                "created_at": "2026-03-02T15:00:00+00:00",
                "updated_at": "2026-03-02T15:30:00+00:00",
                "etag": f'"incident_referrals-{ids["referral"]}-v1"',
            }
        ]
        if full
        else [],
    }


def _body(expected: dict) -> str:
    # The API's JSON: compact, keys in the schema's order, non-ASCII escaped.
    return json.dumps(expected, separators=(",", ":")) + "\n"


def test_a_class_teacher_reads_the_full_case_byte_for_byte(app, client):
    world, ids = _arrange(app)
    resp = client.get(
        f"/api/v1/incidents/{ids['incident']}", headers=headers(app, world, world.users["teacher"])
    )
    assert resp.status_code == 200
    assert resp.headers["ETag"] == f'"incidents-{ids["incident"]}-v2"'
    expected = _case(
        world,
        ids,
        view="full",
        transitions=[],
        actions=[
            "edit_facts",
            "set_pupil_perspective",
            "set_accused_staff",
            "add_note",
            "add_acute_measure",
            "update_checklist",
        ],
    )
    assert resp.get_data(as_text=True) == _body(expected)


def test_a_leader_reads_the_full_case_with_every_action_byte_for_byte(app, client):
    world, ids = _arrange(app)
    resp = client.get(
        f"/api/v1/incidents/{ids['incident']}", headers=headers(app, world, world.users["leader"])
    )
    assert resp.status_code == 200
    expected = _case(
        world,
        ids,
        view="full",
        transitions=["monitoring"],
        actions=[
            "edit_facts",
            "change_students",
            "reclassify",
            "set_pupil_perspective",
            "set_accused_staff",
            "add_note",
            "add_acute_measure",
            "update_checklist",
            "write_action_plan",
            "record_follow_up",
            "add_referral",
            "update_referral",
        ],
    )
    assert resp.get_data(as_text=True) == _body(expected)


def test_the_reporter_reads_the_case_without_its_case_work_byte_for_byte(app, client):
    world, ids = _arrange(app)
    reporter = world.users["sfo_staff"]
    resp = client.get(f"/api/v1/incidents/{ids['incident']}", headers=headers(app, world, reporter))
    assert resp.status_code == 200
    expected = _case(world, ids, view="reporter", transitions=[], actions=["edit_facts", "add_note"])
    assert resp.get_data(as_text=True) == _body(expected)


def test_the_answer_to_a_new_report_byte_for_byte(app, client):
    world, _ids = _arrange(app)
    teacher = world.users["teacher"]
    resp = client.post(
        "/api/v1/incidents",
        json={
            "classification": "teasing",
            "students": [{"student_id": world.anna.id, "role": "target"}],
            "occurred_at": "2026-03-02T09:00:00+00:00",
            "place": "schoolyard",
            "description": "Drillet i frikvarteret.",
        },
        headers=headers(app, world, teacher, **{"Idempotency-Key": "pin-1"}),
    )
    assert resp.status_code == 201
    body = resp.json
    case_id = body["id"]
    assert resp.headers["Location"] == f"/api/v1/incidents/{case_id}"
    assert resp.headers["ETag"] == f'"incidents-{case_id}-v1"'
    # The moments of the report are now; the rest is pinned.
    created, updated = body["created_at"], body["updated_at"]
    assert datetime.fromisoformat(created).tzinfo is not None
    assert abs(datetime.fromisoformat(updated) - datetime.fromisoformat(created)).total_seconds() < 1
    expected = {
        "id": case_id,
        "classification": "teasing",
        "status": "open",
        "occurred_at": "2026-03-02T09:00:00+00:00",
        "place": "schoolyard",
        "knowledge_source": None,
        "students": [
            {"id": world.anna.id, "display_name": "Anna Holm", "class_name": "3.A", "role": "target"}
        ],
        "reporter": _brief(teacher),
        "reporting_client": None,
        "established_at": None,
        "action_plan_due": None,
        "deadline_status": None,
        "created_at": created,
        "updated_at": updated,
        "etag": f'"incidents-{case_id}-v1"',
        "description": "Drillet i frikvarteret.",
        "digital_medium": None,
        "pupil_perspective": None,
        "accused_staff": None,
        "established_by": None,
        "closed_at": None,
        "strategy_version_id": None,
        "view": "full",
        "allowed_transitions": ["investigating", "closed"],
        "allowed_actions": [
            "edit_facts",
            "change_students",
            "reclassify",
            "set_pupil_perspective",
            "set_accused_staff",
            "add_note",
            "add_acute_measure",
            "withdraw",
        ],
        "withdrawn_at": None,
        "withdrawn_by": None,
        "audiences": [],
        "acute_measures": [],
        "action_plan": None,
        "follow_ups": [],
        "referrals": [],
    }
    assert resp.get_data(as_text=True) == _body(expected)
