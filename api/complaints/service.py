"""Complaints (HTTP-free): who complained and when, the municipality's decision due 20 working days after
receipt, the complainant's answer and the forwarding to the national body, each a status on the complaint's
own timeline."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.calendar.service import add_working_days
from api.complaints import permissions
from api.complaints.models import ComplainantKind, Complaint, ComplaintEvent, ComplaintStatus, DecisionOutcome
from api.core import audit
from api.core.scoping import get_in_school
from api.core.timeutil import local_date
from api.errors import Conflict, InvalidInput
from api.incidents import service as incident_service
from api.schools.service import current_school
from api.students.service import custodial_guardians

# The kommunalbestyrelse decides within 20 working days of receiving the complaint.
DECISION_WORKING_DAYS = 20
# The next step for each status.
NEXT: dict[str, tuple[str, ...]] = {
    ComplaintStatus.RECEIVED: (ComplaintStatus.DECIDED, ComplaintStatus.CLOSED),
    ComplaintStatus.DECIDED: (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED),
    ComplaintStatus.ANSWERED: (ComplaintStatus.FORWARDED, ComplaintStatus.CLOSED),
    ComplaintStatus.FORWARDED: (ComplaintStatus.CLOSED,),
    ComplaintStatus.CLOSED: (),
}


def national_body() -> str | None:
    """The national complaint body's name for this deployment (COMPLAINT_BODY_NAME). Never built in: it was
    DCUM's Den Nationale Klageinstans mod Mobning until DCUM closed on 1 July 2025, the ministry since."""
    value = current_app.config.get("COMPLAINT_BODY_NAME") if has_app_context() else None
    value = value or os.environ.get("COMPLAINT_BODY_NAME")
    return value.strip() if value and value.strip() else None


def _annotate(complaint: Complaint, *, today: date | None = None) -> Complaint:
    today = today or local_date()
    complaint.decision_overdue = complaint.decided_on is None and complaint.decision_due < today  # type: ignore[attr-defined]
    complaint.allowed_steps = [  # type: ignore[attr-defined]
        step
        for step in NEXT[complaint.status]
        # A satisfied complainant's complaint has nothing to forward (forward() refuses it).
        if not (step == ComplaintStatus.FORWARDED and complaint.complainant_satisfied)
    ]
    complaint.national_body = national_body()  # type: ignore[attr-defined]
    return complaint


def _event(complaint: Complaint, caller: Any, status: str, **detail: Any) -> None:
    complaint.events.append(ComplaintEvent(status=status, actor_id=caller.id, detail=detail or None))


def _audit(action: str, complaint: Complaint, **detail: Any) -> None:
    audit.record(
        action,
        resource_type="complaint",
        resource_id=complaint.id,
        student_ids=[complaint.student_id],
        detail=detail or None,
    )


def _not_future(day: date, field: str) -> date:
    if day > local_date():
        raise InvalidInput("A day in the future.", errors={field: ["must not be in the future"]})
    return day


def create_complaint(
    session: Session,
    *,
    caller: Any,
    incident_id: int,
    student_id: int,
    complainant_kind: ComplainantKind | str,
    received_on: date,
    complaint_text: str,
    guardian_id: int | None = None,
    complainant_name: str | None = None,
) -> Complaint:
    """Record a complaint about a case (leaders): who complained, on behalf of which involved student, when it
    was received and what it says; the decision falls due 20 working days after receipt."""
    incident = incident_service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
    permissions.ensure_can_write(caller, incident)
    if student_id not in incident.student_ids:
        raise InvalidInput(
            "The student is not involved in this case.", errors={"student_id": ["not in the case"]}
        )
    name = (complainant_name or "").strip()
    if guardian_id is not None:
        guardians = {
            g.id: g
            for g in custodial_guardians(session, school_id=incident.school_id, student_ids=[student_id])
        }
        if guardian_id not in guardians:
            raise InvalidInput(
                "Not a guardian with custody of the student.",
                errors={"guardian_id": ["not a custodial guardian"]},
            )
        name = name or guardians[guardian_id].name
    if not name:
        raise InvalidInput("Who complained?", errors={"complainant_name": ["required without guardian_id"]})
    received = _not_future(received_on, "received_on")
    complaint = Complaint(
        school_id=incident.school_id,
        incident_id=incident.id,
        student_id=student_id,
        complainant_kind=ComplainantKind(complainant_kind).value,
        guardian_id=guardian_id,
        complainant_name=name,
        received_on=received,
        complaint_text=complaint_text.strip(),
        decision_due=add_working_days(
            session, school=current_school(session, caller=caller), start=received, days=DECISION_WORKING_DAYS
        ),
        created_by_id=caller.id,
    )
    session.add(complaint)
    _event(complaint, caller, ComplaintStatus.RECEIVED, received_on=received.isoformat())
    session.flush()
    _audit("complaint_created", complaint)
    return _annotate(complaint)


def may_write(caller: Any) -> bool:
    """Whether the caller records complaints (the UI shows the forms by this; the API checks it again)."""
    return caller.has_role(*permissions.WRITE_ROLES)


def list_complaints(session: Session, *, caller: Any, incident_id: int) -> list[Complaint]:
    """The case's complaints, oldest first (the case's leaders and resource persons)."""
    incident = incident_service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
    permissions.ensure_can_read(caller, incident)
    complaints = list(
        session.scalars(select(Complaint).where(Complaint.incident_id == incident.id).order_by(Complaint.id))
    )
    audit.record(
        "complaints_viewed",
        resource_type="incident",
        resource_id=incident.id,
        student_ids=sorted({c.student_id for c in complaints}),
    )
    return [_annotate(c) for c in complaints]


def get_complaint(
    session: Session, *, caller: Any, complaint_id: int, audited: bool = True, write: bool = False
) -> Complaint:
    """One complaint with its timeline, for a caller who may read it (or, `write`, handle it); 404 for another
    school's or one about a case they do not see. Audited unless `audited` is False (the caller's own action
    is audited instead)."""
    complaint = get_in_school(session, Complaint, complaint_id, school_id=caller.school_id, what="Complaint")
    incident = incident_service.get_incident(
        session, caller=caller, incident_id=complaint.incident_id, audited=False
    )
    (permissions.ensure_can_write if write else permissions.ensure_can_read)(caller, incident)
    if audited:
        _audit("complaint_viewed", complaint)
    return _annotate(complaint)


def _step(complaint: Complaint, target: str) -> None:
    if target not in NEXT[complaint.status]:
        raise Conflict(f"A complaint that is {complaint.status} cannot become {target}.")
    complaint.status = target


def record_decision(
    session: Session,
    *,
    caller: Any,
    complaint: Complaint,
    decision_outcome: DecisionOutcome | str,
    decision_text: str,
    decided_on: date,
) -> Complaint:
    """The municipality's decision and its date (leaders)."""
    _step(complaint, ComplaintStatus.DECIDED)
    decided = _not_future(decided_on, "decided_on")
    if decided < complaint.received_on:
        raise InvalidInput("Decided before it was received.", errors={"decided_on": ["before received_on"]})
    complaint.decision_outcome = DecisionOutcome(decision_outcome).value
    complaint.decision_text = decision_text.strip()
    complaint.decided_on = decided
    _event(
        complaint,
        caller,
        ComplaintStatus.DECIDED,
        decided_on=decided.isoformat(),
        outcome=complaint.decision_outcome,
        on_time=decided <= complaint.decision_due,
    )
    session.flush()
    _audit("complaint_decided", complaint)
    return _annotate(complaint)


def record_answer(
    session: Session,
    *,
    caller: Any,
    complaint: Complaint,
    answered_on: date,
    satisfied: bool,
    complainant_answer: str | None = None,
) -> Complaint:
    """The complainant's remarks on the decision, and whether they are satisfied (leaders)."""
    _step(complaint, ComplaintStatus.ANSWERED)
    answered = _not_future(answered_on, "answered_on")
    if complaint.decided_on is not None and answered < complaint.decided_on:
        raise InvalidInput("Answered before the decision.", errors={"answered_on": ["before decided_on"]})
    complaint.complainant_answer = (complainant_answer or "").strip() or None
    complaint.answered_on = answered
    complaint.complainant_satisfied = satisfied
    _event(
        complaint,
        caller,
        ComplaintStatus.ANSWERED,
        answered_on=answered.isoformat(),
        satisfied=satisfied,
    )
    session.flush()
    _audit("complaint_answered", complaint)
    return _annotate(complaint)


def forward(
    session: Session,
    *,
    caller: Any,
    complaint: Complaint,
    forwarded_on: date,
    forwarded_to: str | None = None,
) -> Complaint:
    """Forward a complaint whose complainant is still not satisfied to the national body (leaders); the body's
    name is the deployment's COMPLAINT_BODY_NAME unless the request names it."""
    if complaint.complainant_satisfied:
        raise Conflict("The complainant is satisfied with the decision; there is nothing to forward.")
    body = (forwarded_to or "").strip() or national_body()
    if not body:
        raise InvalidInput(
            "Name the national complaint body (or set COMPLAINT_BODY_NAME for the deployment).",
            errors={"forwarded_to": ["required: no national complaint body is configured"]},
        )
    _step(complaint, ComplaintStatus.FORWARDED)
    forwarded = _not_future(forwarded_on, "forwarded_on")
    complaint.forwarded_to = body
    complaint.forwarded_on = forwarded
    _event(complaint, caller, ComplaintStatus.FORWARDED, forwarded_on=forwarded.isoformat())
    session.flush()
    _audit("complaint_forwarded", complaint)
    return _annotate(complaint)


def close(session: Session, *, caller: Any, complaint: Complaint) -> Complaint:
    """Close the complaint (settled, withdrawn, or decided by the national body) (leaders)."""
    _step(complaint, ComplaintStatus.CLOSED)
    _event(complaint, caller, ComplaintStatus.CLOSED)
    session.flush()
    _audit("complaint_closed", complaint)
    return _annotate(complaint)


def open_complaint_students(session: Session, *, school_id: int, student_ids: list[int]) -> dict[int, int]:
    """Of these students, those with a complaint that is not closed: student id -> complaint id (for
    erasure, which must wait while a complaint needs the data)."""
    if not student_ids:
        return {}
    rows = session.execute(
        select(Complaint.student_id, Complaint.id).where(
            Complaint.school_id == school_id,
            Complaint.student_id.in_(student_ids),
            Complaint.status != ComplaintStatus.CLOSED,
        )
    )
    return {sid: cid for sid, cid in rows}


def case_file(
    session: Session, *, caller: Any, complaint_id: int, purpose: str, fmt: str = "pdf"
) -> tuple[bytes, str, str]:
    """The complaint's case file as one PDF with an index, or a ZIP of its parts: (bytes, file name, media
    type). Audited with its purpose, about every child of the case (the others appear by role only)."""
    from api.complaints import casefile

    complaint = get_complaint(session, caller=caller, complaint_id=complaint_id, audited=False)
    school = current_school(session, caller=caller)
    built = casefile.build(session, caller=caller, complaint=complaint, school_name=school.name)
    data = built.pdf() if fmt == "pdf" else built.zip()
    incident = incident_service.get_incident(
        session, caller=caller, incident_id=complaint.incident_id, audited=False
    )
    audit.record(
        "case_file_exported",
        resource_type="complaint",
        resource_id=complaint.id,
        student_ids=incident.student_ids,
        detail={"purpose": purpose, "format": fmt},
    )
    name = f"sagsakt-klage-{complaint.id}-sag-{complaint.incident_id}.{fmt}"
    return data, name, "application/pdf" if fmt == "pdf" else "application/zip"


def latest_complaint_id(session: Session, *, caller: Any, incident_id: int) -> int:
    """The case's newest complaint (for its case file); 409 when the case has none."""
    incident = incident_service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
    permissions.ensure_can_read(caller, incident)
    found = session.scalar(
        select(Complaint.id)
        .where(Complaint.incident_id == incident.id)
        .order_by(Complaint.id.desc())
        .limit(1)
    )
    if found is None:
        raise Conflict(
            "The case has no complaint; a case file is made for a complaint. Record the complaint first.",
            type="no_complaint",
        )
    return found
