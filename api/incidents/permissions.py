"""Who may see and work a case.

- Any staff member may report an incident.
- The reporter sees the case they reported and may add notes and facts to it ("reporter view": the case
  work itself - plan, checklist, referrals, other people's notes, the pupil's perspective - is left out).
- Case workers see and work the whole case: leaders, resource persons, and teachers/pedagogues attached to
  the class of any involved student. SFO staff (and admins) are never case workers by role: they see
  only what they reported themselves.
- Case owners (leaders, resource persons) establish bullying and own the action plan, follow-ups and
  external referrals.
- A case in which a staff member is accused is seen and worked only by leaders, never by the accused. Its
  reporter keeps the reporter view of what they wrote (unless they are the accused).
- A case you may not see is 404 (not 403): its existence is not disclosed. A case you may see but an action
  your role may not take is 403. Another school's case is always 404.
- An API client (a machine, api/clients) with incidents:read sees every case of its school except one in which
  a staff member is accused: those are never served to a client. It works no case. With incidents:write it
  reports incidents (a student-support system logging what it was told), named as their reporter; never one
  accusing a staff member, since it could not be served that case (a person reports those).
- Who is told (notified) of a case: every leader and resource person who may see it and the class teacher
  (klasselærer) of each involved student's class when they may see it; never the person who acted.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from flask import request
from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from api.auth.scopes import is_client
from api.core import audit
from api.core.permissions import (
    STAFF_ROLES,
    current_user,
    deny,
    ensure_roles,
    ensure_two_factor_for_case_work,
)
from api.errors import NotFound
from api.incidents.models import Incident, IncidentStudent
from api.students.models import ClassStaff, Student
from api.students.permissions import class_teachers, staff_class_ids
from api.users.service import active_staff

OWNER_ROLES = ("leader", "resource_person")
CLASS_WORK_ROLES = ("teacher", "pedagogue")
LEADER_ROLES = ("leader",)
CLIENT_READ_SCOPE = "incidents:read"
CLIENT_WRITE_SCOPE = "incidents:write"
CLIENT_ROSTER_SCOPE = "roster:read"


def _class_clause(session: Session, user: Any) -> ColumnElement[bool]:
    """Incidents involving a student of one of the user's classes (teachers and pedagogues only)."""
    if not user.has_role(*CLASS_WORK_ROLES):
        return false()
    # Uncorrelated, so the database computes the set once (a correlated EXISTS ran once per case); the user's
    # classes are part of it rather than a statement of their own before it.
    return Incident.id.in_(
        select(IncidentStudent.incident_id)
        .join(Student, Student.id == IncidentStudent.student_id)
        .where(Student.class_id.in_(select(ClassStaff.class_id).where(ClassStaff.user_id == user.id)))
    )


def worker_clause(session: Session, user: Any) -> ColumnElement[bool]:
    """SQL condition: the user works this case (sees all of it)."""
    if is_client(user):
        # Without incidents:read a client sees no case, not even as a flag on another domain's record.
        if not user.has_scope(CLIENT_READ_SCOPE):
            return false()
        return and_(Incident.school_id == user.school_id, Incident.accused_staff_id.is_(None))
    accused_case = and_(
        Incident.accused_staff_id.is_not(None),
        Incident.accused_staff_id != user.id,
        true() if user.has_role(*LEADER_ROLES) else false(),
    )
    normal = true() if user.has_role(*OWNER_ROLES) else _class_clause(session, user)
    return and_(
        Incident.school_id == user.school_id,
        or_(accused_case, and_(Incident.accused_staff_id.is_(None), normal)),
    )


def visibility_clause(session: Session, user: Any) -> ColumnElement[bool]:
    """SQL condition: the user may see this case (as a worker or as its reporter)."""
    if is_client(user):
        return worker_clause(session, user)
    reporter = and_(
        Incident.school_id == user.school_id,
        Incident.reported_by_id == user.id,
        or_(Incident.accused_staff_id.is_(None), Incident.accused_staff_id != user.id),
    )
    return or_(worker_clause(session, user), reporter)


def is_worker(
    session: Session, user: Any, incident: Incident, *, class_ids: AbstractSet[int] | None = None
) -> bool:
    """Whether the user works this case (`class_ids`: the user's classes, when the caller knows them)."""
    if incident.school_id != user.school_id:
        return False
    if is_client(user):
        return user.has_scope(CLIENT_READ_SCOPE) and incident.accused_staff_id is None
    if incident.accused_staff_id is not None:
        return user.has_role(*LEADER_ROLES) and incident.accused_staff_id != user.id
    if user.has_role(*OWNER_ROLES):
        return True
    if not user.has_role(*CLASS_WORK_ROLES):
        return False
    if class_ids is None:
        class_ids = staff_class_ids(session, user)
    return any(s.student.class_id in class_ids for s in incident.students if s.student.class_id is not None)


def is_reporter(user: Any, incident: Incident) -> bool:
    """Whether the user reported this case (and is not the staff member it accuses)."""
    return (
        incident.school_id == user.school_id
        and incident.reported_by_id == user.id
        and incident.accused_staff_id != user.id
    )


def ensure_can_report(caller: Any, *, accused_staff_id: int | None = None) -> None:
    """403 (audited) unless the caller is a staff member, or an API client with incidents:write reporting a case
    that accuses no staff member."""
    if not is_client(caller):
        ensure_roles(caller, *STAFF_ROLES, action="report incidents")
        return
    if not caller.has_scope(CLIENT_WRITE_SCOPE):
        raise deny(f"This API client lacks the scope {CLIENT_WRITE_SCOPE}.", resource_type="incident")
    if accused_staff_id is not None:
        raise deny(
            "An API client cannot report a case accusing a staff member: a person reports it.",
            resource_type="incident",
        )


def withholds_student_names(viewer: Any) -> bool:
    """Whether the involved students are answered without their names: to an API client that reads neither the
    cases nor the roster (incidents:write alone). It named them by id; telling it their names would make
    reporting a way to read the roster."""
    return (
        is_client(viewer)
        and not viewer.has_scope(CLIENT_READ_SCOPE)
        and not viewer.has_scope(CLIENT_ROSTER_SCOPE)
    )


def is_owner(session: Session, user: Any, incident: Incident) -> bool:
    """Whether the user owns the case work (establishes, plans): a leader or resource person who works it."""
    return user.has_role(*OWNER_ROLES) and is_worker(session, user, incident)


def may_see(session: Session, user: Any, incident: Incident) -> bool:
    """Whether the user may see this case at all (as a worker or its reporter)."""
    return is_reporter(user, incident) or is_worker(session, user, incident)


NOTIFIED_ROLES = ("leader", "resource_person")


def notification_recipients(session: Session, incident: Incident) -> list[int]:
    """Who is told of this case: the school's leaders and resource persons, and the class teacher of each
    involved student's class, each only if they may see it (the caller leaves out whoever acted)."""
    involved = {s.student.class_id for s in incident.students if s.student.class_id is not None}
    teachers = class_teachers(session, involved)
    candidates = active_staff(session, school_id=incident.school_id, roles=NOTIFIED_ROLES, user_ids=teachers)
    # A class teacher's involved classes are all that decides whether they work the case: no per-candidate
    # read of their classes.
    return [
        u.id
        for u in candidates
        if is_reporter(u, incident) or is_worker(session, u, incident, class_ids=teachers.get(u.id, set()))
    ]


def ensure_visible(session: Session, user: Any, incident: Incident) -> str:
    """'full' for a case worker, 'reporter' for its reporter; otherwise 404 (audited as denied)."""
    if is_worker(session, user, incident):
        return "full"
    if is_reporter(user, incident):
        return "reporter"
    audit.record(
        "incident_access_denied",
        resource_type="incident",
        resource_id=incident.id,
        student_ids=incident.student_ids if incident.school_id == user.school_id else (),
        outcome=audit.DENIED,
    )
    raise NotFound("Incident not found.")


def ensure_worker(session: Session, user: Any, incident: Incident, *, action: str) -> None:
    """403 (audited) unless the user works the case."""
    if not is_worker(session, user, incident):
        raise deny(
            f"Only the case's workers (the class's staff, resource persons, leaders) may {action}.",
            resource_type="incident",
            resource_id=incident.id,
            student_ids=tuple(incident.student_ids),
        )


def ensure_owner(session: Session, user: Any, incident: Incident, *, action: str) -> None:
    """403 (audited) unless the user is a leader or resource person working the case."""
    if not is_owner(session, user, incident):
        raise deny(
            f"Only leaders and resource persons may {action}.",
            resource_type="incident",
            resource_id=incident.id,
            student_ids=tuple(incident.student_ids),
        )


# What a one-factor login may still do here when the school wants two factors for case work: the quick log
# (report, withdraw one's own report from the receipt) and the list of places it offers. The rest is case work.
QUICK_LOG_OPERATIONS = {
    ("incidents.Incidents", "POST"),
    ("incidents.IncidentWithdraw", "POST"),
    ("incidents.IncidentPlaces", "GET"),
}


def require_case_work_assurance() -> None:
    """Before every request of the incidents blueprint (the one place the rule is enforced): case work needs
    a two-factor login where the school says so; the quick log does not."""
    if (request.endpoint, request.method) in QUICK_LOG_OPERATIONS or request.method == "OPTIONS":
        return
    caller = current_user()
    if is_client(caller):
        return  # a machine client signs in with no person's factors; its scopes bound what it reads
    ensure_two_factor_for_case_work(caller)


PLACES_WRITE_ROLES = ("admin", "leader")


def ensure_can_edit_places(user: Any) -> None:
    """Admins and leaders keep the school's list of places."""
    if not user.has_role(*PLACES_WRITE_ROLES):
        raise deny(
            "Only administrators and leaders may change the list of places.", resource_type="incident_places"
        )
