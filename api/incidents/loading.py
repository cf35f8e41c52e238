"""Reading a case for its reader: the case with its people, plan and students in two statements, then, for a
case worker, the case-work sections in one more. The statements are built once, on the first read: building
their options and cache keys on every read cost as much as running them. (Not at import: a loader option
configures the mappers, and other domains' models may not be imported yet.)"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, joinedload, lazyload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from api.auth.scopes import is_client
from api.core.db import MAX_ID
from api.core.scoping import get_in_school
from api.errors import NotFound
from api.incidents import permissions
from api.incidents.models import (
    ActionPlan,
    AcuteMeasure,
    AudienceItem,
    FollowUp,
    Incident,
    IncidentStudent,
    PlanMeasure,
)
from api.students.models import ClassStaff, SchoolClass, Student
from api.users.models import User


# A case is read in two statements besides its students: the case with its people and plan (a row per
# measure), then, for a case worker, the case-work sections: the five audiences' checklist, follow-ups,
# referrals and acute measures (the checklist is shown to workers only, so a reporter's read never reads it).
# The staff a case names are shown by id and name only, and are of the reader's school, whose row
# authentication loaded: their school is not joined again for each of them ("*": the users' own relationships
# load lazily, from the identity map).
def _named(relationship: Any) -> Any:
    """Join a staff member the case names, reading what is shown of them (id, name)."""
    return joinedload(relationship).options(load_only(User.id, User.name), lazyload("*"))


class _Reads(NamedTuple):
    case: tuple[Any, ...]
    students_read: Any
    students_with_class_staff: Any
    case_work: Any


@functools.cache
def _reads() -> _Reads:
    """The case's loader options and the statements of its students and its case work, built on first use."""
    case_parts = (
        _named(Incident.reported_by),
        _named(Incident.accused_staff),
        _named(Incident.established_by),
        _named(Incident.withdrawn_by),
        joinedload(Incident.action_plan).options(
            _named(ActionPlan.adopted_by),
            joinedload(ActionPlan.measures).options(_named(PlanMeasure.responsible_user)),
        ),
    )
    # The students, in a statement of their own (as `selectin` would, but built once: the selectin loader builds
    # its statement and that statement's cache key on every read).
    students = (
        select(IncidentStudent)
        .where(IncidentStudent.incident_id == bindparam("incident_id"))
        .order_by(IncidentStudent.id)
    )
    with_class = joinedload(IncidentStudent.student).joinedload(Student.school_class)
    case_work = (
        select(Incident)
        .where(Incident.id == bindparam("incident_id"))
        .options(
            # The case itself is loaded already: only its key is read again.
            load_only(Incident.id),
            lazyload("*"),
            joinedload(Incident.audiences).options(_named(AudienceItem.done_by)),
            joinedload(Incident.follow_ups).options(_named(FollowUp.recorded_by)),
            joinedload(Incident.referrals),
            joinedload(Incident.acute_measures).options(_named(AcuteMeasure.recorded_by)),
        )
    )
    return _Reads(
        case=(*case_parts, lazyload(Incident.students)),
        students_read=students.options(with_class.lazyload(SchoolClass.staff)),
        # For a teacher or pedagogue (who works a case through the classes of its students): the staff of those
        # classes come with the students, so whether they work the case needs no statement of its own.
        students_with_class_staff=students.options(
            with_class.joinedload(SchoolClass.staff).lazyload(ClassStaff.user)
        ),
        case_work=case_work,
    )


def works_through_classes(caller: Any) -> bool:
    """A teacher or pedagogue: works a case through the classes of its students."""
    return (
        not is_client(caller)
        and caller.has_role(*permissions.CLASS_WORK_ROLES)
        and not caller.has_role(*permissions.OWNER_ROLES)
    )


def involved_class_ids(caller: Any, incident: Incident) -> frozenset[int] | None:
    """Of the involved students' classes, those the caller is attached to; None unless the case's read brought
    their staff along."""
    classes = [s.student.school_class for s in incident.students if s.student.school_class is not None]
    if any("staff" in sa_inspect(c).unloaded for c in classes):
        return None
    return frozenset(c.id for c in classes if any(m.user_id == caller.id for m in c.staff))


_CASE_WORK = ("audiences", "follow_ups", "referrals", "acute_measures")


def load_case(session: Session, caller: Any, incident_id: int) -> Incident:
    """The case with its people, plan and students (404 unless of the caller's school)."""
    if not 0 < incident_id <= MAX_ID:
        raise NotFound("Incident not found.")
    incident = get_in_school(
        session, Incident, incident_id, school_id=caller.school_id, what="Incident", options=_reads().case
    )
    if "students" in sa_inspect(incident).unloaded:
        reads = _reads()
        students = reads.students_with_class_staff if works_through_classes(caller) else reads.students_read
        rows = session.execute(students, {"incident_id": incident.id}).unique().scalars().all()
        set_committed_value(incident, "students", list(rows))
    return incident


def load_case_work(session: Session, incident: Incident) -> None:
    """The case-work sections a worker's read shows, in one statement (skipped when all are loaded)."""
    if not set(_CASE_WORK) & sa_inspect(incident).unloaded:
        return
    session.execute(_reads().case_work, {"incident_id": incident.id}).unique().all()


def class_ids_of(caller: Any, incident: Incident) -> frozenset[int] | None:
    """The caller's classes among the involved students', when the case's students came with their classes'
    staff (None: asked when needed)."""
    return involved_class_ids(caller, incident) if works_through_classes(caller) else None
