"""Incident and case logic (HTTP-free): reporting, the case workflow, establishing bullying, the five
audiences, the action plan and its legal deadline, follow-ups, referrals, notes and the timeline."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

from api.auth.permissions import STAFF_ROLES, deny, ensure_roles
from api.calendar.service import add_working_days
from api.core import audit, outbox
from api.core.etag import IfMatch, check_if_match
from api.core.pagination import paginate
from api.core.scoping import get_in_school
from api.core.timeutil import as_utc, local_date, utcnow
from api.errors import Conflict, InvalidInput, NotFound
from api.incidents import permissions
from api.incidents.actions import Access, CaseAction, access_of
from api.incidents.actions import allowed as allowed_actions
from api.incidents.actions import ensure as ensure_action
from api.incidents.models import (
    AUDIENCE_ACTIONS,
    BULLYING_LIKE,
    DEFAULT_PLACES,
    ActionPlan,
    AcuteMeasure,
    Audience,
    AudienceItem,
    CaseNote,
    CaseStatus,
    Classification,
    FollowUp,
    FollowUpOutcome,
    Incident,
    IncidentEvent,
    IncidentPlace,
    IncidentStudent,
    InvolvementRole,
    KnowledgeSource,
    NoteKind,
    Partner,
    PlanMeasure,
    Referral,
    ReferralStatus,
)
from api.incidents.notices import tell_of_establishment, tell_of_report

# The separation rule other domains apply (play-partner arrangements, wellbeing-day groups).
from api.incidents.separation import OpenCasePair as OpenCasePair
from api.incidents.separation import open_case_pairs as open_case_pairs
from api.incidents.separation import separated as separated
from api.incidents.separation import separation_refusal as separation_refusal
from api.notifications.service import retract
from api.schools.models import School
from api.students.models import SchoolClass, Student
from api.students.service import students_in_classes
from api.users.models import User

# Working days the law allows for the action plan, and the warning window for leaders.
ACTION_PLAN_WORKING_DAYS = 10
DUE_SOON_WORKING_DAYS = 2
# Clocks of phones drift; a time a little in the future is accepted as "now".
CLOCK_SKEW = timedelta(minutes=5)
MAX_STUDENTS = 50
MAX_PLACES = 50

TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.OPEN: (CaseStatus.INVESTIGATING, CaseStatus.CLOSED),
    CaseStatus.INVESTIGATING: (CaseStatus.ACTION_PLAN, CaseStatus.CLOSED),
    CaseStatus.ACTION_PLAN: (CaseStatus.MONITORING,),
    CaseStatus.MONITORING: (CaseStatus.ACTION_PLAN, CaseStatus.CLOSED),
    CaseStatus.CLOSED: (CaseStatus.INVESTIGATING,),
}
# Timeline entries the reporter view shows (besides the reporter's own doings).
REPORTER_EVENT_KINDS = (
    "created",
    "updated",
    "status_changed",
    "classification_changed",
    "students_changed",
    "established",
    "withdrawn",
)
# Transitions any case worker may make; every other one is the case owners' (leader, resource person).
WORKER_TRANSITIONS = {
    (CaseStatus.OPEN, CaseStatus.INVESTIGATING),
    (CaseStatus.OPEN, CaseStatus.CLOSED),
    (CaseStatus.INVESTIGATING, CaseStatus.CLOSED),
}


# ---------------------------------------------------------------- helpers


def _event(session: Session, incident: Incident, actor: Any, event_kind: str, /, **detail: Any) -> None:
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            actor_id=getattr(actor, "id", None),
            kind=event_kind,
            detail=detail or None,
        )
    )
    for event_type in _OUTBOX_EVENTS.get(event_kind, ()):
        if event_type == "incident.closed" and detail.get("new") != CaseStatus.CLOSED:
            continue
        if event_type == "action_plan.adopted" and not detail.get("adopted"):
            continue
        emit_event(session, incident, event_type)


# The outbox events (for webhooks) that a timeline entry stands for, written in the same transaction.
_OUTBOX_EVENTS: dict[str, tuple[str, ...]] = {
    "created": ("incident.reported",),
    "updated": ("incident.updated",),
    "students_changed": ("incident.updated",),
    "classification_changed": ("incident.updated",),
    "status_changed": ("incident.status_changed", "incident.closed"),
    "established": ("incident.established",),
    "action_plan_saved": ("action_plan.adopted",),
}


def emit_event(session: Session, incident: Incident, event_type: str) -> None:
    """Write an outbox event about this case, unless it accuses a staff member (leaders only: no
    integration hears of it)."""
    if incident.accused_staff_id is None:
        outbox.emit(
            session, event_type, school_id=incident.school_id, object_type="incident", object_id=incident.id
        )


def _audit(action: str, incident: Incident, /, **detail: Any) -> None:
    audit.record(
        action,
        resource_type="incident",
        resource_id=incident.id,
        student_ids=incident.student_ids,
        detail=detail or None,
        school_id=incident.school_id,
    )


def _not_future(value: datetime, field: str) -> datetime:
    value = as_utc(value)
    if value > utcnow() + CLOCK_SKEW:
        raise InvalidInput(f"{field} cannot be in the future.", errors={field: ["in the future"]})
    return value


def _clean_text(value: Any, field: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise InvalidInput(f"{field} is required.", errors={field: ["required"]})
        return None
    text = str(value).strip()
    if "\x00" in text:
        raise InvalidInput(f"{field} contains a NUL character.", errors={field: ["invalid"]})
    if not text:
        if required:
            raise InvalidInput(f"{field} cannot be blank.", errors={field: ["blank"]})
        return None
    return text


def _choice(value: Any, enum: Any, field: str) -> str:
    allowed = [e.value for e in enum]
    if value not in allowed:
        raise InvalidInput(f"Unknown {field}.", errors={field: [f"must be one of {', '.join(allowed)}"]})
    return str(value)


def _school(session: Session, school_id: int) -> School:
    return session.get(School, school_id)  # type: ignore[return-value]


def _staff_user(session: Session, school_id: int, user_id: Any, field: str) -> User:
    user = session.get(User, user_id) if isinstance(user_id, int) and 0 < user_id < 2**31 else None
    if user is None or user.school_id != school_id or not user.active:
        raise InvalidInput("Unknown staff member.", errors={field: ["unknown staff member"]})
    return user


def _validated_students(session: Session, school_id: int, students: Any) -> list[tuple[int, str]]:
    if not students:
        raise InvalidInput("An incident needs at least one student.", errors={"students": ["required"]})
    if len(students) > MAX_STUDENTS:
        raise InvalidInput(f"At most {MAX_STUDENTS} students.", errors={"students": ["too many"]})
    rows: list[tuple[int, str]] = []
    for entry in students:
        sid = entry.get("student_id")
        if not isinstance(sid, int) or not 0 < sid < 2**31:
            raise InvalidInput("Unknown students.", errors={"students": [f"unknown student {sid}"]})
        rows.append((sid, _choice(entry.get("role"), InvolvementRole, "role")))
    ids = [sid for sid, _ in rows]
    if len(set(ids)) != len(ids):
        raise InvalidInput("A student is listed twice.", errors={"students": ["duplicate student"]})
    found = set(
        session.scalars(select(Student.id).where(Student.id.in_(ids), Student.school_id == school_id))
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            "Unknown students.", errors={"students": [f"unknown student {i}" for i in missing]}
        )
    return rows


# A case is read in two statements besides its students: the case with its people, plan and checklist (few
# rows: measures x five audiences), then, for a case worker, the other case-work sections.
_CASE = (
    joinedload(Incident.accused_staff),
    joinedload(Incident.established_by),
    joinedload(Incident.withdrawn_by),
    selectinload(Incident.students)
    .joinedload(IncidentStudent.student)
    .joinedload(Student.school_class)
    .lazyload(SchoolClass.staff),
    joinedload(Incident.action_plan).options(
        joinedload(ActionPlan.adopted_by),
        joinedload(ActionPlan.measures).joinedload(PlanMeasure.responsible_user),
    ),
    joinedload(Incident.audiences).joinedload(AudienceItem.done_by),
)
_CASE_WORK = ("follow_ups", "referrals", "acute_measures")


def _load(session: Session, actor: Any, incident_id: int) -> Incident:
    if not 0 < incident_id < 2**31:
        raise NotFound("Incident not found.")
    return get_in_school(
        session, Incident, incident_id, school_id=actor.school_id, what="Incident", options=_CASE
    )


def _load_case_work(session: Session, incident: Incident) -> None:
    """The case-work sections a worker's read shows, in one statement (skipped when all are loaded)."""
    if not set(_CASE_WORK) & sa_inspect(incident).unloaded:
        return
    session.execute(
        select(Incident)
        .where(Incident.id == incident.id)
        .options(
            lazyload("*"),
            joinedload(Incident.follow_ups).joinedload(FollowUp.recorded_by),
            joinedload(Incident.referrals),
            joinedload(Incident.acute_measures).joinedload(AcuteMeasure.recorded_by),
        )
    ).unique().all()


def _annotate(session: Session, actor: Any, incident: Incident, access: Access) -> Incident:
    # Whoever wrote the case sees at least the reporter view of it.
    incident.view = access.view or "reporter"
    if access.worker:
        _load_case_work(session, incident)
    today = local_date()
    soon = add_working_days(session, school=_school(session, incident.school_id), start=today, days=2)
    incident.deadline_status = deadline_status(incident, today=today, soon=soon)
    incident.allowed_transitions = [  # type: ignore[attr-defined]
        target
        for target in TRANSITIONS[incident.status]
        if _transition_problem(session, actor, incident, target, access=access) is None
    ]
    incident.allowed_actions = allowed_actions(session, actor, incident, access=access)  # type: ignore[attr-defined]
    return incident


def deadline_status(incident: Incident, *, today: date, soon: date) -> str | None:
    """met / pending / due_soon / overdue for an established case's action plan; None when there is none."""
    if incident.action_plan_due is None:
        return None
    plan = incident.action_plan
    if plan is not None and plan.adopted_at is not None:
        return "met"
    due = incident.action_plan_due
    if due < today:
        return "overdue"
    if due <= soon:
        return "due_soon"
    return "pending"


def _plan_pending_clause() -> Any:
    adopted = exists(
        select(ActionPlan.id).where(ActionPlan.incident_id == Incident.id, ActionPlan.adopted_at.is_not(None))
    )
    return and_(
        Incident.action_plan_due.is_not(None),
        Incident.status != CaseStatus.CLOSED.value,
        ~adopted,
    )


# ---------------------------------------------------------------- places


def places_of(session: Session, *, school_id: int) -> tuple[list[str], bool]:
    """The school's list of places, and whether it chose its own (otherwise the default list)."""
    names = list(
        session.scalars(
            select(IncidentPlace.name)
            .where(IncidentPlace.school_id == school_id)
            .order_by(IncidentPlace.position, IncidentPlace.id)
        )
    )
    return (names, True) if names else (list(DEFAULT_PLACES), False)


def places_etag(places: list[str]) -> str:
    """A version tag of a list of places."""
    return '"incident-places-' + hashlib.sha256("\n".join(places).encode()).hexdigest()[:16] + '"'


def get_places(session: Session, *, actor: Any) -> dict:
    """The places staff choose from when reporting (any staff member)."""
    places, customized = places_of(session, school_id=actor.school_id)
    return {"places": places, "customized": customized}


def set_places(
    session: Session, *, actor: Any, places: list[str], if_match: IfMatch | str | None = None
) -> dict:
    """Replace the school's list of places (admin, leader; `if_match` names the list read, unless an internal
    caller passes None); an empty list returns to the default list."""
    permissions.ensure_can_edit_places(actor)
    if if_match is not None:
        check_if_match(places_etag(places_of(session, school_id=actor.school_id)[0]), if_match)
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in places:
        name = _clean_text(raw, "places", required=True)
        assert name is not None
        if name.lower() in seen:
            raise InvalidInput("A place is listed twice.", errors={"places": [f"duplicate {name!r}"]})
        seen.add(name.lower())
        cleaned.append(name)
    if len(cleaned) > MAX_PLACES:
        raise InvalidInput(f"At most {MAX_PLACES} places.", errors={"places": ["too many"]})
    for row in session.scalars(select(IncidentPlace).where(IncidentPlace.school_id == actor.school_id)):
        session.delete(row)
    session.flush()
    session.add_all(
        IncidentPlace(school_id=actor.school_id, name=name, position=i) for i, name in enumerate(cleaned)
    )
    session.flush()
    audit.record("incident_places_updated", resource_type="incident_places", detail={"count": len(cleaned)})
    return get_places(session, actor=actor)


def _validated_place(session: Session, school_id: int, place: Any) -> str | None:
    place = _clean_text(place, "place")
    if place is None:
        return None
    allowed, _ = places_of(session, school_id=school_id)
    if place not in allowed:
        raise InvalidInput(
            "Unknown place; choose one from the school's list.",
            errors={"place": [f"must be one of {', '.join(allowed)}"]},
        )
    return place


# ---------------------------------------------------------------- incidents


def create_incident(session: Session, *, actor: Any, data: dict[str, Any]) -> Incident:
    """Record an incident reported by `actor`; `data` is an IncidentCreate load
    (classification, students [{student_id, role}], optional occurred_at, place, description,
    knowledge_source, digital_medium, accused_staff_id, pupil_perspective)."""
    ensure_roles(actor, *STAFF_ROLES, action="report incidents")
    classification = _choice(data.get("classification"), Classification, "classification")
    rows = _validated_students(session, actor.school_id, data.get("students"))
    occurred_at = _not_future(data["occurred_at"], "occurred_at") if data.get("occurred_at") else utcnow()
    knowledge = data.get("knowledge_source")
    accused_id = data.get("accused_staff_id")
    if accused_id is not None:
        _staff_user(session, actor.school_id, accused_id, "accused_staff_id")
    incident = Incident(
        school_id=actor.school_id,
        classification=classification,
        status=CaseStatus.OPEN.value,
        occurred_at=occurred_at,
        place=_validated_place(session, actor.school_id, data.get("place")),
        description=_clean_text(data.get("description"), "description"),
        knowledge_source=None
        if knowledge is None
        else _choice(knowledge, KnowledgeSource, "knowledge_source"),
        digital_medium=_clean_text(data.get("digital_medium"), "digital_medium"),
        pupil_perspective=_clean_text(data.get("pupil_perspective"), "pupil_perspective"),
        accused_staff_id=accused_id,
        reported_by_id=actor.id,
    )
    incident.students = [IncidentStudent(student_id=sid, role=role) for sid, role in rows]
    session.add(incident)
    session.flush()
    _event(session, incident, actor, "created", classification=classification, students=incident.student_ids)
    audit.record(
        "incident_created",
        resource_type="incident",
        resource_id=incident.id,
        student_ids=incident.student_ids,
    )
    tell_of_report(session, incident, actor=actor, was_bullying_like=False, was_accusing=False)
    session.flush()
    return incident


def view_after_write(session: Session, *, actor: Any, incident: Incident) -> Incident:
    """Annotate a case just written for the response (the writer sees at least the reporter view)."""
    return _annotate(session, actor, incident, access_of(session, actor, incident))


def load_incident(session: Session, *, actor: Any, incident_id: int) -> Incident:
    """A case the actor may see (404 otherwise), annotated for them; not audited (the caller's action is)."""
    incident = _load(session, actor, incident_id)
    access = access_of(session, actor, incident)
    if access.view is None:
        permissions.ensure_visible(session, actor, incident)  # 404, audited
    return _annotate(session, actor, incident, access)


def get_incident(session: Session, *, actor: Any, incident_id: int) -> Incident:
    """Read a case (audited with the involved students)."""
    incident = load_incident(session, actor=actor, incident_id=incident_id)
    _audit("incident_viewed", incident, view=incident.view)
    return incident


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
    soon = add_working_days(session, school=_school(session, actor.school_id), start=today, days=2)
    if deadline:
        stmt = stmt.where(_plan_pending_clause())
        if deadline == "overdue":
            stmt = stmt.where(Incident.action_plan_due < today)
        elif deadline == "due_soon":
            stmt = stmt.where(Incident.action_plan_due >= today, Incident.action_plan_due <= soon)
        else:
            stmt = stmt.where(Incident.action_plan_due <= soon)
        stmt = stmt.order_by(Incident.action_plan_due, Incident.id)
    else:
        stmt = stmt.order_by(Incident.occurred_at.desc(), Incident.id.desc())
    # The list shows neither the accused nor the plan's content: load only what it shows.
    stmt = stmt.options(
        lazyload(Incident.accused_staff),
        lazyload(Incident.established_by),
        lazyload(Incident.withdrawn_by),
        selectinload(Incident.action_plan).options(
            lazyload(ActionPlan.measures), lazyload(ActionPlan.adopted_by)
        ),
    )
    result = paginate(session, stmt, page=page, page_size=page_size)
    for incident in result["items"]:
        incident.deadline_status = deadline_status(incident, today=today, soon=soon)
    audit.record(
        "incidents_listed",
        resource_type="incident",
        student_ids=[sid for i in result["items"] for sid in i.student_ids],
        detail={"incident_ids": [i.id for i in result["items"]]},
    )
    return result


def update_incident(
    session: Session,
    *,
    actor: Any,
    incident: Incident,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> Incident:
    """Change a case's facts and students (reporter or worker), classification, status or accused staff
    (workers); on an established case the students and classification are the owners'. `if_match` is
    checked once the caller may change the case (None: an internal caller, not checked)."""
    access = access_of(session, actor, incident)
    if access.view is None:
        permissions.ensure_visible(session, actor, incident)  # 404, audited
    ensure_action(session, actor, incident, CaseAction.EDIT_FACTS, access=access)
    worker_only = {"status", "classification", "accused_staff_id", "pupil_perspective"} & set(changes)
    if worker_only and not access.worker:
        raise deny(
            f"Only the case's workers may change {', '.join(sorted(worker_only))}.",
            resource_type="incident",
            resource_id=incident.id,
            student_ids=tuple(incident.student_ids),
        )
    if if_match is not None:
        check_if_match(incident, if_match)
    before_students = list(incident.student_ids)
    was_bullying_like = incident.classification in BULLYING_LIKE
    was_accusing = incident.accused_staff_id is not None
    plain: list[str] = []
    if "students" in changes:
        rows = _validated_students(session, incident.school_id, changes["students"])
        old = {s.student_id: s.role for s in incident.students}
        new = dict(rows)
        if old != new:
            ensure_action(session, actor, incident, CaseAction.CHANGE_STUDENTS, access=access)
            keep = {s.student_id: s for s in incident.students if s.student_id in new}
            for sid, role in new.items():
                if sid in keep:
                    keep[sid].role = role
            incident.students = [
                keep.get(sid) or IncidentStudent(student_id=sid, role=role) for sid, role in rows
            ]
            _event(
                session,
                incident,
                actor,
                "students_changed",
                added=sorted(set(new) - set(old)),
                removed=sorted(set(old) - set(new)),
                roles_changed=sorted(s for s in set(new) & set(old) if new[s] != old[s]),
            )
    if "classification" in changes:
        value = _choice(changes["classification"], Classification, "classification")
        if value != incident.classification:
            ensure_action(session, actor, incident, CaseAction.RECLASSIFY, access=access)
            _event(session, incident, actor, "classification_changed", old=incident.classification, new=value)
            incident.classification = value
    if "accused_staff_id" in changes:
        accused = changes["accused_staff_id"]
        if accused is not None:
            _staff_user(session, incident.school_id, accused, "accused_staff_id")
        if accused != incident.accused_staff_id:
            incident.accused_staff_id = accused
            _event(session, incident, actor, "accused_staff_changed", accused=accused is not None)
    for field in (
        "occurred_at",
        "place",
        "description",
        "knowledge_source",
        "digital_medium",
        "pupil_perspective",
    ):
        if field not in changes:
            continue
        value = changes[field]
        if field == "occurred_at":
            if value is None:
                raise InvalidInput("occurred_at cannot be removed.", errors={"occurred_at": ["required"]})
            value = _not_future(value, "occurred_at")
        elif field == "place":
            value = _validated_place(session, incident.school_id, value)
        elif field == "knowledge_source":
            value = None if value is None else _choice(value, KnowledgeSource, "knowledge_source")
        else:
            value = _clean_text(value, field)
        if getattr(incident, field) != value:
            setattr(incident, field, value)
            plain.append(field)
    if plain:
        _event(session, incident, actor, "updated", fields=plain)
    if "status" in changes:
        target = _choice(changes["status"], CaseStatus, "status")
        if before_students != incident.student_ids:  # whether the actor works it may have changed with them
            access = access_of(session, actor, incident)
        _transition(session, actor, incident, target, access=access)
    incident.updated_at = utcnow()  # always a new version, even when only involved students changed
    session.flush()
    tell_of_report(
        session, incident, actor=actor, was_bullying_like=was_bullying_like, was_accusing=was_accusing
    )
    audit.record(
        "incident_updated",
        resource_type="incident",
        resource_id=incident.id,
        student_ids=set(before_students) | set(incident.student_ids),
        detail={"fields": sorted(changes)},
    )
    return incident


def withdraw_incident(session: Session, *, actor: Any, incident: Incident) -> Incident:
    """Withdraw a report its reporter just logged ("Fortryd"): kept for the audit with who withdrew it and
    when, but gone from every list, student log, count and separation rule; unread notifications of it go."""
    permissions.ensure_visible(session, actor, incident)
    ensure_action(session, actor, incident, CaseAction.WITHDRAW)
    now = utcnow()
    incident.withdrawn_at = now
    incident.withdrawn_by = actor
    incident.updated_at = now
    session.flush()
    _event(session, incident, actor, "withdrawn")
    retracted = retract(session, incident_id=incident.id)
    _audit("incident_withdrawn", incident, notifications_retracted=retracted)
    return incident


def _transition_problem(
    session: Session, actor: Any, incident: Incident, target: str, *, access: Access
) -> tuple[int, str] | None:
    """Why the actor cannot move the case to `target` now: (403 or 409, reason), or None."""
    if incident.withdrawn_at is not None:
        return 409, "The report was withdrawn by its reporter."
    current = incident.status
    if target not in TRANSITIONS.get(current, ()):
        return 409, f"A case cannot go from {current} to {target}."
    needs_owner = (current, target) not in WORKER_TRANSITIONS or (
        target == CaseStatus.CLOSED and incident.established_at is not None
    )
    if needs_owner and not access.owner:
        return 403, f"Only leaders and resource persons may move a case from {current} to {target}."
    if not needs_owner and not access.worker:
        return 403, "Only the case's workers may change its status."
    plan = incident.action_plan
    adopted = plan is not None and plan.adopted_at is not None
    if target == CaseStatus.MONITORING and not adopted:
        return 409, "Save the action plan before the case moves to monitoring."
    if target == CaseStatus.CLOSED and incident.established_at is not None and not adopted:
        return 409, "Bullying was established: the law requires an action plan before the case is closed."
    return None


def _transition(session: Session, actor: Any, incident: Incident, target: str, *, access: Access) -> None:
    if target == incident.status:
        return
    problem = _transition_problem(session, actor, incident, target, access=access)
    if problem is not None:
        code, reason = problem
        if code == 403:
            raise deny(
                reason,
                resource_type="incident",
                resource_id=incident.id,
                student_ids=tuple(incident.student_ids),
            )
        raise Conflict(reason)
    _set_status(session, actor, incident, target)


def _set_status(session: Session, actor: Any, incident: Incident, target: str) -> None:
    old = incident.status
    incident.status = target
    incident.closed_at = utcnow() if target == CaseStatus.CLOSED else None
    _event(session, incident, actor, "status_changed", old=old, new=target)


# ---------------------------------------------------------------- establishing bullying


def establish(
    session: Session, *, actor: Any, incident: Incident, classification: str | None = None
) -> Incident:
    """A leader or resource person establishes (konstaterer) bullying: the five audiences become a checklist,
    the action plan falls due on the 10th working day after today, and whoever may see the case is told."""
    permissions.ensure_visible(session, actor, incident)
    ensure_action(session, actor, incident, CaseAction.ESTABLISH)
    value = classification or incident.classification
    if value not in BULLYING_LIKE:
        raise InvalidInput(
            "Only bullying, digital bullying, exclusion or a value-rule breach can be established.",
            errors={"classification": [f"must be one of {', '.join(c.value for c in BULLYING_LIKE)}"]},
        )
    if value != incident.classification:
        _event(session, incident, actor, "classification_changed", old=incident.classification, new=value)
        incident.classification = value
    now = utcnow()
    incident.established_at = now
    incident.established_by_id = actor.id
    incident.action_plan_due = add_working_days(
        session,
        school=_school(session, incident.school_id),
        start=local_date(now),
        days=ACTION_PLAN_WORKING_DAYS,
    )
    have = {item.audience for item in incident.audiences}
    for position, audience in enumerate(Audience):
        if audience.value not in have:
            incident.audiences.append(AudienceItem(audience=audience.value, position=position))
    _event(
        session,
        incident,
        actor,
        "established",
        classification=value,
        action_plan_due=incident.action_plan_due.isoformat(),
    )
    if incident.status in (CaseStatus.OPEN, CaseStatus.INVESTIGATING):
        _set_status(session, actor, incident, CaseStatus.ACTION_PLAN.value)
    incident.updated_at = now
    session.flush()
    tell_of_establishment(session, incident, actor=actor)
    _audit("bullying_established", incident, classification=value)
    return incident


# ---------------------------------------------------------------- the five audiences


def get_audience_item(session: Session, *, actor: Any, incident: Incident, item_id: int) -> AudienceItem:
    """A checklist item of this case (404 otherwise)."""
    for item in incident.audiences:
        if item.id == item_id:
            return item
    raise NotFound("Checklist item not found.")


def update_audience_item(
    session: Session,
    *,
    actor: Any,
    incident: Incident,
    item: AudienceItem,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> AudienceItem:
    """Record who did what towards an audience, when and how (case workers; `if_match` names the item)."""
    ensure_action(session, actor, incident, CaseAction.UPDATE_CHECKLIST)
    if if_match is not None:
        check_if_match(item, if_match)
    if "actions" in changes:
        allowed = AUDIENCE_ACTIONS[item.audience]
        actions = list(dict.fromkeys(changes["actions"] or []))
        wrong = [a for a in actions if a not in allowed]
        if wrong:
            raise InvalidInput(
                f"Unknown actions for {item.audience}.",
                errors={"actions": [f"must be among {', '.join(allowed)}"]},
            )
        item.actions = actions
    if "how" in changes:
        item.how = _clean_text(changes["how"], "how")
    done = changes.get("done")
    if done is None and changes.get("done_at") is not None:
        done = True
    if done is True:
        item.done_at = _not_future(changes["done_at"], "done_at") if changes.get("done_at") else utcnow()
        item.done_by = actor
    elif done is False:
        item.done_at = None
        item.done_by = None
    session.flush()
    _event(
        session, incident, actor, "audience_updated", audience=item.audience, done=item.done_at is not None
    )
    _audit("audience_item_updated", incident, audience=item.audience)
    return item


# ---------------------------------------------------------------- acute measures, plan, follow-ups


def add_acute_measure(
    session: Session, *, actor: Any, incident: Incident, data: dict[str, Any]
) -> AcuteMeasure:
    """Record an acute measure (case workers), e.g. separate recess areas until the plan exists."""
    permissions.ensure_visible(session, actor, incident)
    ensure_action(session, actor, incident, CaseAction.ADD_ACUTE_MEASURE)
    measure = AcuteMeasure(
        incident_id=incident.id,
        description=_clean_text(data.get("description"), "description", required=True),
        taken_at=_not_future(data["taken_at"], "taken_at") if data.get("taken_at") else utcnow(),
        recorded_by_id=actor.id,
    )
    session.add(measure)
    session.flush()
    _event(session, incident, actor, "acute_measure_added", measure_id=measure.id)
    _audit("acute_measure_added", incident)
    return measure


def save_action_plan(
    session: Session,
    *,
    actor: Any,
    incident: Incident,
    data: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> ActionPlan:
    """Write the action plan (leaders, resource persons): measures with who does each, the follow-up date,
    when students and parents were informed. The first save with measures makes the plan exist (adopted);
    `if_match` names the existing plan's version."""
    permissions.ensure_visible(session, actor, incident)
    ensure_action(session, actor, incident, CaseAction.WRITE_ACTION_PLAN)
    if if_match is not None and incident.action_plan is not None:
        check_if_match(incident.action_plan, if_match)
    measures = data.get("measures") or []
    if not measures:
        raise InvalidInput("An action plan needs at least one measure.", errors={"measures": ["required"]})
    rows: list[PlanMeasure] = []
    for position, m in enumerate(measures):
        description = _clean_text(m.get("description"), "description", required=True)
        responsible_user_id = m.get("responsible_user_id")
        if responsible_user_id is not None:
            _staff_user(session, incident.school_id, responsible_user_id, "responsible_user_id")
        responsible = _clean_text(m.get("responsible"), "responsible")
        if responsible_user_id is None and responsible is None:
            raise InvalidInput(
                "Say who carries out each measure.", errors={"measures": [f"measure {position + 1}: who?"]}
            )
        rows.append(
            PlanMeasure(
                position=position,
                description=description,
                responsible_user_id=responsible_user_id,
                responsible=responsible,
                due_on=m.get("due_on"),
            )
        )
    plan = incident.action_plan
    today = local_date()
    follow_up_on = data.get("follow_up_on")
    if follow_up_on is None:
        raise InvalidInput("Say when the plan is followed up.", errors={"follow_up_on": ["required"]})
    if follow_up_on < today and (plan is None or plan.follow_up_on != follow_up_on):
        raise InvalidInput("The follow-up date is in the past.", errors={"follow_up_on": ["in the past"]})
    created = plan is None
    if plan is None:
        plan = ActionPlan(incident_id=incident.id)
        incident.action_plan = plan
    plan.measures = rows
    plan.follow_up_on = follow_up_on
    for field in ("informed_students_at", "informed_parents_at"):
        if field in data:
            setattr(plan, field, None if data[field] is None else _not_future(data[field], field))
    adopted_now = plan.adopted_at is None
    if adopted_now:
        plan.adopted_at = utcnow()
        plan.adopted_by_id = actor.id
    plan.updated_by_id = actor.id
    plan.updated_at = utcnow()
    session.flush()
    _event(
        session,
        incident,
        actor,
        "action_plan_saved",
        measures=len(rows),
        adopted=adopted_now,
        created=created,
        on_time=None
        if incident.action_plan_due is None or not adopted_now
        else local_date() <= incident.action_plan_due,
    )
    _audit("action_plan_saved", incident, measures=len(rows))
    return plan


def record_follow_up(session: Session, *, actor: Any, incident: Incident, data: dict[str, Any]) -> FollowUp:
    """Record a follow-up meeting (leaders, resource persons). 'continued' reopens the plan: the case goes
    back to action_plan and a revised plan is due 10 working days after the meeting."""
    permissions.ensure_visible(session, actor, incident)
    ensure_action(session, actor, incident, CaseAction.RECORD_FOLLOW_UP)
    plan = incident.action_plan
    assert plan is not None  # the rule above requires an adopted plan
    held_on: date = data["held_on"]
    if held_on > local_date():
        raise InvalidInput(
            "A follow-up meeting is recorded after it was held.", errors={"held_on": ["in the future"]}
        )
    established_on = local_date(incident.established_at) if incident.established_at else None
    if established_on is not None and held_on < established_on:
        raise InvalidInput(
            f"A follow-up meeting comes after bullying was established ({established_on.isoformat()}).",
            errors={"held_on": [f"before the day bullying was established, {established_on.isoformat()}"]},
        )
    outcome = _choice(data.get("outcome"), FollowUpOutcome, "outcome")
    next_on = data.get("next_follow_up_on")
    if next_on is not None and next_on <= held_on:
        raise InvalidInput(
            "The next follow-up comes after this one.", errors={"next_follow_up_on": ["not after held_on"]}
        )
    follow_up = FollowUp(
        incident_id=incident.id,
        held_on=held_on,
        outcome=outcome,
        summary=_clean_text(data.get("summary"), "summary"),
        next_follow_up_on=next_on,
        recorded_by_id=actor.id,
    )
    incident.follow_ups.append(follow_up)
    if outcome == FollowUpOutcome.CONTINUED:
        plan.adopted_at = None
        plan.adopted_by_id = None
        plan.reopened_at = utcnow()
        plan.follow_up_on = next_on
        incident.action_plan_due = add_working_days(
            session, school=_school(session, incident.school_id), start=held_on, days=ACTION_PLAN_WORKING_DAYS
        )
        if incident.status != CaseStatus.ACTION_PLAN:
            _set_status(session, actor, incident, CaseStatus.ACTION_PLAN.value)
        _event(
            session, incident, actor, "plan_reopened", action_plan_due=incident.action_plan_due.isoformat()
        )
    else:
        plan.follow_up_on = (
            next_on
            if next_on is not None
            else (held_on + timedelta(days=14) if outcome == FollowUpOutcome.DECREASED else None)
        )
        if incident.status == CaseStatus.ACTION_PLAN:
            _set_status(session, actor, incident, CaseStatus.MONITORING.value)
    incident.updated_at = utcnow()
    session.flush()
    _event(session, incident, actor, "follow_up_recorded", follow_up_id=follow_up.id, outcome=outcome)
    _audit("follow_up_recorded", incident, outcome=outcome)
    return follow_up


# ---------------------------------------------------------------- referrals


def add_referral(session: Session, *, actor: Any, incident: Incident, data: dict[str, Any]) -> Referral:
    """Refer the case to an external partner (leaders, resource persons)."""
    permissions.ensure_visible(session, actor, incident)
    ensure_action(session, actor, incident, CaseAction.ADD_REFERRAL)
    partner = _choice(data.get("partner"), Partner, "partner")
    name = _clean_text(data.get("partner_name"), "partner_name")
    if partner == Partner.OTHER and name is None:
        raise InvalidInput("Name the partner.", errors={"partner_name": ["required for partner other"]})
    referral = Referral(
        incident_id=incident.id,
        partner=partner,
        partner_name=name,
        referred_on=data.get("referred_on") or local_date(),
        status=_choice(data.get("status", ReferralStatus.PLANNED.value), ReferralStatus, "status"),
        note=_clean_text(data.get("note"), "note"),
        created_by_id=actor.id,
    )
    incident.referrals.append(referral)
    session.flush()
    _event(
        session,
        incident,
        actor,
        "referral_added",
        referral_id=referral.id,
        partner=partner,
        status=referral.status,
    )
    _audit("referral_added", incident, partner=partner)
    return referral


def get_referral(session: Session, *, actor: Any, incident: Incident, referral_id: int) -> Referral:
    """A referral of this case (404 otherwise)."""
    for referral in incident.referrals:
        if referral.id == referral_id:
            return referral
    raise NotFound("Referral not found.")


def update_referral(
    session: Session,
    *,
    actor: Any,
    incident: Incident,
    referral: Referral,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> Referral:
    """Update a referral's status, partner name, date or note (`if_match` names the referral's version)."""
    ensure_action(session, actor, incident, CaseAction.UPDATE_REFERRAL)
    if if_match is not None:
        check_if_match(referral, if_match)
    old_status = referral.status
    if "status" in changes:
        referral.status = _choice(changes["status"], ReferralStatus, "status")
    if "partner_name" in changes:
        name = _clean_text(changes["partner_name"], "partner_name")
        if referral.partner == Partner.OTHER and name is None:
            raise InvalidInput("Name the partner.", errors={"partner_name": ["required for partner other"]})
        referral.partner_name = name
    if "referred_on" in changes:
        referral.referred_on = changes["referred_on"]
    if "note" in changes:
        referral.note = _clean_text(changes["note"], "note")
    referral.updated_at = utcnow()
    session.flush()
    _event(
        session,
        incident,
        actor,
        "referral_updated",
        referral_id=referral.id,
        old=old_status,
        new=referral.status,
    )
    _audit("referral_updated", incident, fields=sorted(changes))
    return referral


# ---------------------------------------------------------------- notes and timeline


def add_note(session: Session, *, actor: Any, incident: Incident, data: dict[str, Any]) -> CaseNote:
    """Add a note of a conversation to the case (its reporter or workers); notes are never edited."""
    permissions.ensure_visible(session, actor, incident)
    ensure_action(session, actor, incident, CaseAction.ADD_NOTE)
    note = CaseNote(
        incident_id=incident.id,
        author_id=actor.id,
        kind=_choice(data.get("kind"), NoteKind, "kind"),
        participants=_clean_text(data.get("participants"), "participants"),
        body=_clean_text(data.get("body"), "body", required=True),
        occurred_at=_not_future(data["occurred_at"], "occurred_at") if data.get("occurred_at") else utcnow(),
    )
    session.add(note)
    session.flush()
    _event(session, incident, actor, "note_added", note_id=note.id, kind=note.kind)
    _audit("case_note_added", incident, note_id=note.id, kind=note.kind)
    return note


def list_notes(
    session: Session, *, actor: Any, incident: Incident, page: int = 1, page_size: int = 25
) -> dict:
    """The case's notes, newest first: all of them for workers, their own for the reporter."""
    view = permissions.ensure_visible(session, actor, incident)
    stmt = select(CaseNote).where(CaseNote.incident_id == incident.id)
    if view != "full":
        stmt = stmt.where(CaseNote.author_id == actor.id)
    stmt = stmt.order_by(CaseNote.occurred_at.desc(), CaseNote.id.desc())
    result = paginate(session, stmt, page=page, page_size=page_size)
    _audit("case_notes_viewed", incident, note_ids=[n.id for n in result["items"]])
    return result


def list_timeline(
    session: Session,
    *,
    actor: Any,
    incident: Incident,
    order: str = "asc",
    page: int = 1,
    page_size: int = 25,
) -> dict:
    """Everything that happened to the case, oldest first (or newest first with order=desc). The reporter
    view shows the case's course (status, classification, facts) and their own doings, not the case work."""
    view = permissions.ensure_visible(session, actor, incident)
    stmt = select(IncidentEvent).where(IncidentEvent.incident_id == incident.id)
    if view != "full":
        stmt = stmt.where(
            or_(IncidentEvent.kind.in_(REPORTER_EVENT_KINDS), IncidentEvent.actor_id == actor.id)
        )
    if order == "desc":
        stmt = stmt.order_by(IncidentEvent.at.desc(), IncidentEvent.id.desc())
    else:
        stmt = stmt.order_by(IncidentEvent.at, IncidentEvent.id)
    result = paginate(session, stmt, page=page, page_size=page_size)
    _audit("incident_timeline_viewed", incident)
    return result
