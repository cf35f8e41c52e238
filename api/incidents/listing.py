"""The list of cases a caller may see, with its filters, deadline view and change feed (HTTP-free)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload, lazyload, load_only, selectinload

from api.core import audit
from api.core.pagination import list_page
from api.core.timeutil import as_utc, local_date
from api.core.tombstones import Tombstone
from api.incidents import permissions
from api.incidents.deadline import deadline_status, due_soon_once, plan_pending_clause
from api.incidents.models import ActionPlan, Incident, IncidentStudent
from api.students.models import SchoolClass, Student
from api.students.service import students_in_classes
from api.users.models import User


def list_incidents(
    session: Session,
    *,
    actor: Any,
    status: str | None = None,
    classification: str | None = None,
    deadline: str | None = None,
    student_id: int | None = None,
    class_id: int | None = None,
    grade: int | None = None,
    created_since: datetime | None = None,
    page: int = 1,
    page_size: int = 25,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> dict:
    """The cases the actor may see, newest first (withdrawn reports left out); with `deadline`, those whose
    action plan is overdue, due within 2 working days, or either ('attention'), earliest deadline first."""
    stmt = select(Incident).where(
        permissions.visibility_clause(session, actor), Incident.withdrawn_at.is_(None)
    )
    if class_id is not None or grade is not None:
        about = students_in_classes(session, school_id=actor.school_id, class_id=class_id, grade=grade)
        stmt = stmt.where(
            Incident.id.in_(select(IncidentStudent.incident_id).where(IncidentStudent.student_id.in_(about)))
        )
    if created_since is not None:
        stmt = stmt.where(Incident.created_at >= as_utc(created_since))
    if status:
        stmt = stmt.where(Incident.status == status)
    if classification:
        stmt = stmt.where(Incident.classification == classification)
    if student_id is not None:
        stmt = stmt.where(
            exists(
                select(IncidentStudent.id).where(
                    IncidentStudent.incident_id == Incident.id, IncidentStudent.student_id == student_id
                )
            )
        )
    today = local_date()
    # The last due-soon day: read once, and only when a filter or a plan still due asks for it.
    soon = due_soon_once(session, school_id=actor.school_id, today=today)
    if deadline:
        stmt = stmt.where(plan_pending_clause())
        if deadline == "overdue":
            stmt = stmt.where(Incident.action_plan_due < today)
        elif deadline == "due_soon":
            stmt = stmt.where(Incident.action_plan_due >= today, Incident.action_plan_due <= soon())
        else:
            stmt = stmt.where(Incident.action_plan_due <= soon())
        stmt = stmt.order_by(Incident.action_plan_due, Incident.id)
    else:
        stmt = stmt.order_by(Incident.occurred_at.desc(), Incident.id.desc())
    # The list shows neither the accused nor the plan's content: load only what it shows.
    stmt = stmt.options(
        lazyload(Incident.accused_staff),
        lazyload(Incident.established_by),
        lazyload(Incident.withdrawn_by),
        # Of the plan, whether it was adopted (the deadline's state), read for the page's cases by their ids:
        # joined into the page's statement, a status filter made PostgreSQL scan every plan of the
        # municipality (bench/query_plans.py).
        selectinload(Incident.action_plan).options(
            load_only(ActionPlan.adopted_at), lazyload(ActionPlan.measures), lazyload(ActionPlan.adopted_by)
        ),
        # The reporter is named (id, name); their school is the caller's, which authentication loaded.
        joinedload(Incident.reported_by).options(load_only(User.id, User.name), lazyload("*")),
        # A student is named with their class (by name); its staff (and their users) are not. The students are
        # read by their ids (a joined read of a page's 200 involvements made PostgreSQL hash every student of
        # the municipality, each page).
        selectinload(Incident.students)
        .selectinload(IncidentStudent.student)
        .options(
            load_only(
                Student.id, Student.given_name, Student.preferred_name, Student.family_name, Student.class_id
            ),
            joinedload(Student.school_class).options(
                load_only(SchoolClass.id, SchoolClass.name), lazyload(SchoolClass.staff)
            ),
        ),
    )
    result = list_page(
        session,
        stmt,
        {"page": page, "page_size": page_size, "cursor": cursor, "updated_since": updated_since},
        model=Incident,
        resource="incidents",
        school_id=actor.school_id,
        # Only the tombstones of cases the caller could see (a withdrawn case's row stays, for the audit).
        tombstones_visible=Tombstone.resource_id.in_(
            select(Incident.id).where(permissions.visibility_clause(session, actor))
        ),
    )
    for incident in result["items"]:
        incident.deadline_status = deadline_status(incident, today=today, soon=soon)
    audit.record(
        "incidents_listed",
        resource_type="incident",
        student_ids=[sid for i in result["items"] for sid in i.student_ids],
        detail={"incident_ids": [i.id for i in result["items"]]},
    )
    return result
