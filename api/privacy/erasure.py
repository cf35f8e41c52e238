"""Erasure of one student on request (GDPR art. 17), through the same deletion as the retention purge: refused
while an open case or a complaint still needs the data, saying why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.complaints.models import Complaint, ComplaintStatus
from api.core import audit
from api.core.idempotency import IdempotencyKey
from api.errors import Conflict
from api.incidents.models import CaseStatus, Incident, IncidentStudent
from api.observations.models import ObservationStudent
from api.play_partners.models import ArrangementStudent
from api.privacy import deletion
from api.students.models import Guardian, Student

REASON = "erasure_request"


def _split(session: Session, link: Any, owner_key: Any, student_id: int) -> tuple[list[int], list[int]]:
    """The records this student is linked to: (only this student, shared with others)."""
    mine = list(session.scalars(select(owner_key).where(link == student_id)))
    if not mine:
        return [], []
    counts = dict(
        session.execute(select(owner_key, func.count()).where(owner_key.in_(mine)).group_by(owner_key)).all()
    )
    return [i for i in mine if counts[i] == 1], [i for i in mine if counts[i] > 1]


def refusal(session: Session, *, student: Student, show_ids: bool) -> Conflict | None:
    """Why the student cannot be erased yet, or None."""
    cases = select(IncidentStudent.incident_id).where(IncidentStudent.student_id == student.id)
    open_cases = list(
        session.scalars(
            select(Incident.id).where(
                Incident.id.in_(cases),
                Incident.status != CaseStatus.CLOSED.value,
                Incident.withdrawn_at.is_(None),
            )
        )
    )
    complaints = list(
        session.scalars(
            select(Complaint.id).where(
                (Complaint.student_id == student.id) | Complaint.incident_id.in_(cases),
                Complaint.status != ComplaintStatus.CLOSED.value,
            )
        )
    )
    if not open_cases and not complaints:
        return None
    errors: dict[str, list[Any]] = {}
    # Leaders see the cases; to anyone else only how many there are.
    if open_cases:
        errors["open_cases"] = sorted(open_cases) if show_ids else [f"{len(open_cases)} open case(s)"]
    if complaints:
        errors["complaints"] = (
            sorted(complaints) if show_ids else [f"{len(complaints)} complaint(s) not closed"]
        )
    return Conflict(
        "The student's data are still needed: close the open cases and complaints first, then erase.",
        errors=errors,
        type="data_still_needed",
    )


def erase(session: Session, *, caller: Any, student: Student) -> dict[str, int]:
    """Delete the student, their guardians and search tokens, the cases, observations and arrangements about
    them alone; take their name out of those shared with other children; leave tombstones."""
    problem = refusal(session, student=student, show_ids=caller.has_role("leader"))
    if problem is not None:
        raise problem
    school_id, sid = student.school_id, student.id
    names = [student.given_name, student.family_name, student.preferred_name or "", student.display_name]
    names += list(session.scalars(select(Guardian.name).where(Guardian.student_id == sid)))
    solo_cases, shared_cases = _split(session, IncidentStudent.student_id, IncidentStudent.incident_id, sid)
    solo_obs, shared_obs = _split(
        session, ObservationStudent.student_id, ObservationStudent.observation_id, sid
    )
    arrangements = list(
        session.scalars(select(ArrangementStudent.arrangement_id).where(ArrangementStudent.student_id == sid))
    )
    others = dict(
        session.execute(
            select(ArrangementStudent.arrangement_id, func.count())
            .where(ArrangementStudent.arrangement_id.in_(arrangements), ArrangementStudent.student_id != sid)
            .group_by(ArrangementStudent.arrangement_id)
        ).all()
    )
    # An arrangement is between two or more children; with one left it is no arrangement.
    drop_arrangements = [a for a in arrangements if others.get(a, 0) < 2]
    keep_arrangements = [a for a in arrangements if others.get(a, 0) >= 2]
    redacted = deletion.redact_names(
        session,
        school_id=school_id,
        names=names,
        incident_ids=shared_cases,
        observation_ids=shared_obs,
        arrangement_ids=keep_arrangements,
    )
    counts = {
        "cases": deletion.delete_incidents(session, school_id=school_id, ids=solo_cases, reason=REASON),
        "observations": deletion.delete_observations(
            session, school_id=school_id, ids=solo_obs, reason=REASON
        ),
        "arrangements": deletion.delete_arrangements(
            session, school_id=school_id, ids=drop_arrangements, reason=REASON
        ),
        "redacted_texts": redacted,
    }
    counts["students"] = deletion.delete_students(session, school_id=school_id, ids=[sid], reason=REASON)
    # Kept responses of the last 24 hours may name the child in a record that stays; drop them (a replay then
    # answers 303 to what it created).
    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.school_id == school_id, IdempotencyKey.response_body.is_not(None))
        .values(response_body=None)
    )
    audit.record("student_erased", resource_type="student", resource_id=sid, student_ids=[sid], detail=counts)
    return counts
