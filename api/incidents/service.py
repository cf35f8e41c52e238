"""Incident logic (HTTP-free): reporting and reading cases, changing a case's facts, students and status,
withdrawing a report. Case work, the deadline, places, notes, the timeline and the list of cases live in their
own modules; what other domains import from here stays importable from here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.scopes import TEXT_SCOPE, is_client
from api.core import audit
from api.core.etag import IfMatch, check_if_match
from api.core.permissions import deny
from api.core.timeutil import local_date, utcnow
from api.core.tombstones import record_tombstone
from api.errors import InvalidInput
from api.incidents import permissions
from api.incidents.actions import Access, CaseAction, access_of, refuse
from api.incidents.actions import allowed as allowed_actions
from api.incidents.actions import ensure as ensure_action

# Re-exported: other domains, jobs and tests import these from the service.
from api.incidents.casework import add_acute_measure as add_acute_measure
from api.incidents.casework import add_referral as add_referral
from api.incidents.casework import establish as establish
from api.incidents.casework import get_audience_item as get_audience_item
from api.incidents.casework import get_referral as get_referral
from api.incidents.casework import record_follow_up as record_follow_up
from api.incidents.casework import save_action_plan as save_action_plan
from api.incidents.casework import update_audience_item as update_audience_item
from api.incidents.casework import update_referral as update_referral
from api.incidents.deadline import ACTION_PLAN_WORKING_DAYS as ACTION_PLAN_WORKING_DAYS
from api.incidents.deadline import DUE_SOON_WORKING_DAYS as DUE_SOON_WORKING_DAYS
from api.incidents.deadline import deadline_status as deadline_status
from api.incidents.deadline import due_soon_once
from api.incidents.listing import list_incidents as list_incidents
from api.incidents.loading import class_ids_of, load_case, load_case_work, works_through_classes
from api.incidents.models import (
    BULLYING_LIKE,
    CaseStatus,
    Classification,
    Incident,
    IncidentStudent,
    KnowledgeSource,
)
from api.incidents.notices import tell_of_report
from api.incidents.places import get_places as get_places
from api.incidents.places import places_etag as places_etag
from api.incidents.places import places_of as places_of
from api.incidents.places import set_places as set_places
from api.incidents.places import validated_place
from api.incidents.records import CLOCK_SKEW as CLOCK_SKEW
from api.incidents.records import MAX_STUDENTS as MAX_STUDENTS
from api.incidents.records import (
    audit_case,
    choice,
    clean_text,
    not_future,
    record_event,
    set_status,
    staff_user,
    validated_students,
)
from api.incidents.records import emit_event as emit_event

# The separation rule other domains apply (play-partner arrangements, wellbeing-day groups).
from api.incidents.separation import OpenCasePair as OpenCasePair
from api.incidents.separation import open_case_pairs as open_case_pairs
from api.incidents.separation import separated as separated
from api.incidents.separation import separation_refusal as separation_refusal
from api.incidents.timeline import REPORTER_EVENT_KINDS as REPORTER_EVENT_KINDS
from api.incidents.timeline import add_note as add_note
from api.incidents.timeline import list_notes as list_notes
from api.incidents.timeline import list_timeline as list_timeline
from api.incidents.workflow import TRANSITIONS as TRANSITIONS
from api.incidents.workflow import WITHDRAWN as WITHDRAWN
from api.incidents.workflow import WORKER_TRANSITIONS as WORKER_TRANSITIONS
from api.incidents.workflow import allowed_transitions, transition_problem
from api.notifications.service import retract
from api.strategy import service as strategy


def _annotate(session: Session, caller: Any, incident: Incident, access: Access) -> Incident:
    # Whoever wrote the case sees at least the reporter view of it.
    incident.view = access.view or "reporter"
    if access.worker:
        load_case_work(session, incident)
    today = local_date()
    soon = due_soon_once(session, school_id=incident.school_id, today=today)
    incident.deadline_status = deadline_status(incident, today=today, soon=soon)
    incident.allowed_transitions = allowed_transitions(incident, access)  # type: ignore[assignment]
    incident.allowed_actions = allowed_actions(session, caller, incident, access=access)  # type: ignore[attr-defined]
    if is_client(caller):
        # A machine reads; it works no case. Free text only with its own scope.
        incident.view = "full" if caller.has_scope(TEXT_SCOPE) else "client"
        incident.allowed_transitions = []  # type: ignore[attr-defined]
        incident.allowed_actions = []  # type: ignore[attr-defined]
    return incident


def create_incident(
    session: Session,
    *,
    caller: Any,
    classification: Classification | str,
    students: list[dict[str, Any]],
    occurred_at: datetime | None = None,
    place: str | None = None,
    description: str | None = None,
    knowledge_source: KnowledgeSource | str | None = None,
    digital_medium: str | None = None,
    accused_staff_id: int | None = None,
    pupil_perspective: str | None = None,
) -> Incident:
    """Record an incident reported by `caller` (a staff member, or an API client with incidents:write): the
    students ([{student_id, role}]) and a classification are enough; the time defaults to now. Values come through a schema (IncidentCreate, or another domain's own,
    such as an observation's conversion), so their vocabularies are checked there, once."""
    permissions.ensure_can_report(caller, accused_staff_id=accused_staff_id)
    classification = Classification(classification).value
    rows = validated_students(
        session, caller.school_id, students, with_class_staff=works_through_classes(caller)
    )
    occurred_at = not_future(occurred_at, "occurred_at") if occurred_at else utcnow()
    if accused_staff_id is not None:
        staff_user(session, caller.school_id, accused_staff_id, "accused_staff_id")
    incident = Incident(
        school_id=caller.school_id,
        classification=classification,
        status=CaseStatus.OPEN.value,
        occurred_at=occurred_at,
        place=validated_place(session, caller.school_id, place),
        description=clean_text(description, "description"),
        knowledge_source=None if knowledge_source is None else KnowledgeSource(knowledge_source).value,
        digital_medium=clean_text(digital_medium, "digital_medium"),
        pupil_perspective=clean_text(pupil_perspective, "pupil_perspective"),
        accused_staff_id=accused_staff_id,
        # An API client (incidents:write) is named as the reporter in its own column: it is no user.
        reported_by_id=None if is_client(caller) else caller.id,
        reported_by_client_id=caller.client_pk if is_client(caller) else None,
        strategy_version_id=strategy.in_force_id(session, school_id=caller.school_id),
        # A new case has none of the later states and no case work; saying so here means presenting it reads
        # nothing back (an unset column or collection would be loaded from the database on first use).
        established_at=None,
        established_by_id=None,
        action_plan_due=None,
        closed_at=None,
        withdrawn_at=None,
        withdrawn_by_id=None,
        action_plan=None,
        audiences=[],
        follow_ups=[],
        referrals=[],
        acute_measures=[],
    )
    incident.students = [IncidentStudent(student=student, role=role) for student, role in rows]
    session.add(incident)
    session.flush()
    by_client = {"api_client_id": caller.client_pk} if is_client(caller) else {}
    record_event(
        session,
        incident,
        caller,
        "created",
        classification=classification,
        students=incident.student_ids,
        **by_client,
    )
    audit.record(
        "incident_created",
        resource_type="incident",
        resource_id=incident.id,
        student_ids=incident.student_ids,
    )
    tell_of_report(session, incident, caller=caller, was_bullying_like=False, was_accusing=False)
    session.flush()
    return incident


def reports_by_client(session: Session, *, client_pk: int) -> int:
    """How many incidents an API client reported (its row is kept while it has any)."""
    return (
        session.scalar(
            select(func.count()).select_from(Incident).where(Incident.reported_by_client_id == client_pk)
        )
        or 0
    )


def view_after_write(session: Session, *, caller: Any, incident: Incident) -> Incident:
    """Annotate a case just written for the response (the writer sees at least the reporter view)."""
    access = access_of(session, caller, incident, class_ids=class_ids_of(caller, incident))
    return _annotate(session, caller, incident, access)


def get_incident(session: Session, *, caller: Any, incident_id: int, audited: bool = True) -> Incident:
    """A case the caller may see (404 otherwise), annotated for them; audited with the involved students unless
    `audited` is False (the caller's own action is audited instead)."""
    incident = load_case(session, caller, incident_id)
    access = access_of(session, caller, incident, class_ids=class_ids_of(caller, incident))
    if access.view is None:
        permissions.ensure_visible(session, caller, incident)  # 404, audited
    incident = _annotate(session, caller, incident, access)
    if audited:
        audit_case("incident_viewed", incident, view=incident.view)
    return incident


def update_incident(
    session: Session,
    *,
    caller: Any,
    incident: Incident,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> Incident:
    """Change a case's facts and students (reporter or worker), classification, status or accused staff
    (workers); on an established case the students and classification are the owners'. `if_match` is
    checked once the caller may change the case (None: an internal caller, not checked)."""
    access = access_of(session, caller, incident, class_ids=class_ids_of(caller, incident))
    if access.view is None:
        permissions.ensure_visible(session, caller, incident)  # 404, audited
    ensure_action(session, caller, incident, CaseAction.EDIT_FACTS, access=access)
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
        rows = validated_students(session, incident.school_id, changes["students"])
        old = {s.student_id: s.role for s in incident.students}
        new = {student.id: role for student, role in rows}
        if old != new:
            ensure_action(session, caller, incident, CaseAction.CHANGE_STUDENTS, access=access)
            keep = {s.student_id: s for s in incident.students if s.student_id in new}
            for sid, role in new.items():
                if sid in keep:
                    keep[sid].role = role
            incident.students = [
                keep.get(student.id) or IncidentStudent(student=student, role=role) for student, role in rows
            ]
            record_event(
                session,
                incident,
                caller,
                "students_changed",
                added=sorted(set(new) - set(old)),
                removed=sorted(set(old) - set(new)),
                roles_changed=sorted(s for s in set(new) & set(old) if new[s] != old[s]),
            )
    if "classification" in changes:
        value = choice(changes["classification"], Classification, "classification")
        if value != incident.classification:
            ensure_action(session, caller, incident, CaseAction.RECLASSIFY, access=access)
            record_event(
                session, incident, caller, "classification_changed", old=incident.classification, new=value
            )
            incident.classification = value
    if "accused_staff_id" in changes:
        accused = changes["accused_staff_id"]
        if accused is not None:
            staff_user(session, incident.school_id, accused, "accused_staff_id")
        if accused != incident.accused_staff_id:
            incident.accused_staff_id = accused
            record_event(session, incident, caller, "accused_staff_changed", accused=accused is not None)
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
            value = not_future(value, "occurred_at")
        elif field == "place":
            value = validated_place(session, incident.school_id, value)
        elif field == "knowledge_source":
            value = None if value is None else choice(value, KnowledgeSource, "knowledge_source")
        else:
            value = clean_text(value, field)
        if getattr(incident, field) != value:
            setattr(incident, field, value)
            plain.append(field)
    if plain:
        record_event(session, incident, caller, "updated", fields=plain)
    if "status" in changes:
        target = choice(changes["status"], CaseStatus, "status")
        if before_students != incident.student_ids:  # whether the caller works it may have changed with them
            access = access_of(session, caller, incident)
        _transition(session, caller, incident, target, access=access)
    incident.updated_at = utcnow()  # always a new version, even when only involved students changed
    session.flush()
    tell_of_report(
        session, incident, caller=caller, was_bullying_like=was_bullying_like, was_accusing=was_accusing
    )
    audit.record(
        "incident_updated",
        resource_type="incident",
        resource_id=incident.id,
        student_ids=set(before_students) | set(incident.student_ids),
        detail={"fields": sorted(changes)},
    )
    return incident


def withdraw_incident(session: Session, *, caller: Any, incident: Incident) -> Incident:
    """Withdraw a report its reporter just logged ("Fortryd"): kept for the audit with who withdrew it and
    when, but gone from every list, student log, count and separation rule; unread notifications of it go."""
    permissions.ensure_visible(session, caller, incident)
    ensure_action(session, caller, incident, CaseAction.WITHDRAW)
    now = utcnow()
    incident.withdrawn_at = now
    incident.withdrawn_by = caller
    incident.updated_at = now
    # Gone from every list, so gone from the change feed too: a copy drops it.
    record_tombstone(
        session,
        school_id=incident.school_id,
        resource="incidents",
        resource_id=incident.id,
        reason="withdrawn",
    )
    session.flush()
    record_event(session, incident, caller, "withdrawn")
    retracted = retract(session, incident_id=incident.id)
    audit_case("incident_withdrawn", incident, notifications_retracted=retracted)
    return incident


def _transition(session: Session, caller: Any, incident: Incident, target: str, *, access: Access) -> None:
    if target == incident.status:
        return
    problem = transition_problem(incident, target, access)
    if problem is not None:
        refuse(incident, *problem)
    set_status(session, caller, incident, target)
