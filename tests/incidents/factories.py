"""Factories and helpers for incident tests: a school with classes, staff in every role, and students."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.core.timeutil import utcnow
from api.incidents.models import ActionPlan, AudienceItem, Incident, IncidentStudent, PlanMeasure
from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user


@dataclass
class World:
    """One school: class A (teacher, pedagogue, SFO contact attached), class B (its own teacher),
    students in both, a user per role; plus another school with its own staff and student."""

    school: Any
    users: dict[str, Any]
    class_a: Any
    class_b: Any
    anna: Any  # class A
    bo: Any  # class A
    carl: Any  # class B
    other_school: Any
    other_users: dict[str, Any]
    other_student: Any
    tokens: dict[tuple[str, int], str] = field(default_factory=dict)


ROLES = ["admin", "leader", "teacher", "pedagogue", "sfo_staff", "resource_person"]


def make_world(session: Session) -> World:
    """The school every incident test works in."""
    school = make_school(session, name="Vestrup Skole")
    users = {role: make_user(session, school, role, name=f"{role} A") for role in ROLES}
    users["teacher_b"] = make_user(session, school, "teacher", name="teacher B")
    users["leader2"] = make_user(session, school, "leader", name="leader 2")
    class_a = make_class(session, school, name="3.A", grade=3)
    class_b = make_class(session, school, name="4.B", grade=4)
    attach_staff(session, class_a, users["teacher"], "class_teacher")
    attach_staff(session, class_a, users["pedagogue"], "pedagogue")
    attach_staff(session, class_a, users["sfo_staff"], "sfo_contact")
    attach_staff(session, class_b, users["teacher_b"], "class_teacher")
    anna = make_student(session, school, class_a, given_name="Anna", family_name="Holm")
    bo = make_student(session, school, class_a, given_name="Bo", family_name="Lund")
    carl = make_student(session, school, class_b, given_name="Carl", family_name="Berg")
    other_school = make_school(session, name="Anden Skole")
    other_users = {role: make_user(session, other_school, role) for role in ROLES}
    other_student = make_student(session, other_school, given_name="Otto")
    return World(
        school=school,
        users=users,
        class_a=class_a,
        class_b=class_b,
        anna=anna,
        bo=bo,
        carl=carl,
        other_school=other_school,
        other_users=other_users,
        other_student=other_student,
    )


def headers(app: Flask, world: World, user: Any, **extra: str) -> dict[str, str]:
    """Authorization for a user (one token per user per test), plus extra headers."""
    key = (type(user).__name__, user.id)  # an API client's id may equal a user's
    token = world.tokens.get(key)
    if token is None:
        token = auth(app, user)["Authorization"]
        world.tokens[key] = token
    return {"Authorization": token, **extra}


def make_incident(
    session: Session,
    world: World,
    *,
    reporter: Any = None,
    students: list[tuple[Any, str]] | None = None,
    classification: str = "teasing",
    status: str = "open",
    accused: Any = None,
    established_at: datetime | None = None,
    established_by: Any = None,
    action_plan_due: date | None = None,
) -> Incident:
    """An incident written straight to the database (for arranging; behaviour goes through the API)."""
    students = students or [(world.anna, "target"), (world.bo, "actor")]
    incident = Incident(
        school_id=(reporter or world.users["teacher"]).school_id,
        classification=classification,
        status=status,
        occurred_at=utcnow(),
        reported_by_id=(reporter or world.users["teacher"]).id,
        accused_staff_id=accused.id if accused is not None else None,
        established_at=established_at,
        established_by_id=established_by.id if established_by is not None else None,
        action_plan_due=action_plan_due,
    )
    incident.students = [IncidentStudent(student_id=s.id, role=role) for s, role in students]
    if established_at is not None:
        incident.audiences = [
            AudienceItem(audience=a, position=i)
            for i, a in enumerate(["students", "class", "parents", "staff", "leadership"])
        ]
    session.add(incident)
    session.commit()
    return incident


def adopt_plan(session: Session, incident: Incident, by: Any, follow_up_on: date) -> ActionPlan:
    """An adopted action plan with one measure."""
    plan = ActionPlan(
        incident_id=incident.id,
        follow_up_on=follow_up_on,
        adopted_at=utcnow(),
        adopted_by_id=by.id,
        updated_by_id=by.id,
    )
    plan.measures = [PlanMeasure(position=0, description="Voksen i skolegården", responsible_user_id=by.id)]
    session.add(plan)
    session.commit()
    return plan


def get_etag(client: FlaskClient, url: str, hdrs: dict[str, str]) -> str:
    """The ETag of a resource as its reader sees it."""
    resp = client.get(url, headers=hdrs)
    assert resp.status_code == 200, resp.json
    return resp.headers["ETag"]
