"""The information duty per person (HTTP-free): each involved pupil and each guardian with custody of one, who
informed them, when and how; who is still not informed; and the count the leader's attention list uses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.timeutil import as_utc, utcnow
from api.errors import InvalidInput
from api.incidents import service as incident_service
from api.information import permissions
from api.information.models import InformationRecord, InformMethod
from api.students.service import custodial_guardians

CLOCK_SKEW = timedelta(minutes=5)


def _people(session: Session, incident: Any) -> list[dict[str, Any]]:
    """The people the duty covers, each with their records: the involved pupils, then their custodial parents."""
    records = list(
        session.scalars(
            select(InformationRecord)
            .where(InformationRecord.incident_id == incident.id)
            .order_by(InformationRecord.informed_at, InformationRecord.id)
        )
    )
    by_student: dict[int, list[InformationRecord]] = defaultdict(list)
    by_guardian: dict[int, list[InformationRecord]] = defaultdict(list)
    for r in records:
        if r.person_kind == "student":
            by_student[r.student_id].append(r)
        elif r.guardian_id is not None:
            by_guardian[r.guardian_id].append(r)
    people: list[dict[str, Any]] = []
    for link in incident.students:
        people.append(
            {
                "person_kind": "student",
                "student_id": link.student_id,
                "student_name": link.student.display_name,
                "role": link.role,
                "guardian_id": None,
                "guardian_name": None,
                "relation": None,
                "records": by_student.get(link.student_id, []),
            }
        )
    roles = {link.student_id: link for link in incident.students}
    for g in custodial_guardians(session, school_id=incident.school_id, student_ids=list(roles)):
        people.append(
            {
                "person_kind": "guardian",
                "student_id": g.student_id,
                "student_name": roles[g.student_id].student.display_name,
                "role": roles[g.student_id].role,
                "guardian_id": g.id,
                "guardian_name": g.name,
                "relation": g.relation,
                "records": by_guardian.get(g.id, []),
            }
        )
    for p in people:
        p["informed"] = bool(p["records"])
    return people


def information_duty(session: Session, *, caller: Any, incident_id: int) -> dict[str, Any]:
    """Who the case's information duty covers and who is still not informed (the case's workers; audited)."""
    incident = incident_service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
    permissions.ensure_worker(incident)
    people = _people(session, incident)
    audit.record(
        "information_duty_viewed",
        resource_type="incident",
        resource_id=incident.id,
        student_ids=incident.student_ids,
    )
    return {
        "incident_id": incident.id,
        # § 1 c: the duty arises when bullying is established.
        "required": incident.established_at is not None and incident.withdrawn_at is None,
        "people": people,
        "uninformed_count": sum(1 for p in people if not p["informed"]),
        "can_record": incident.withdrawn_at is None,
    }


def record_informed(
    session: Session,
    *,
    caller: Any,
    incident_id: int,
    student_id: int,
    method: InformMethod | str,
    guardian_id: int | None = None,
    informed_at: datetime | None = None,
    note: str | None = None,
) -> InformationRecord:
    """Record that a pupil or a custodial parent was informed: by `caller`, when, how, with a short note."""
    incident = incident_service.get_incident(session, caller=caller, incident_id=incident_id, audited=False)
    permissions.ensure_worker(incident)
    if incident.withdrawn_at is not None:
        incident_service.refuse(incident, *incident_service.WITHDRAWN)
    if student_id not in incident.student_ids:
        raise InvalidInput(
            "The student is not involved in this case.", errors={"student_id": ["not in the case"]}
        )
    if guardian_id is not None:
        custodians = custodial_guardians(session, school_id=incident.school_id, student_ids=[student_id])
        if guardian_id not in {g.id for g in custodians}:
            raise InvalidInput(
                "The guardian is not a guardian with custody of this student.",
                errors={"guardian_id": ["not a custodial guardian of the student"]},
            )
    informed_at = informed_at or utcnow()
    if as_utc(informed_at) > utcnow() + CLOCK_SKEW:
        raise InvalidInput("A time in the future.", errors={"informed_at": ["must not be in the future"]})
    note = (note or "").strip() or None
    record = InformationRecord(
        school_id=incident.school_id,
        incident_id=incident.id,
        person_kind="student" if guardian_id is None else "guardian",
        student_id=student_id,
        guardian_id=guardian_id,
        informed_at=informed_at,
        method=InformMethod(method).value,
        note=note,
        informed_by_id=caller.id,
    )
    session.add(record)
    session.flush()
    audit.record(
        "information_recorded",
        resource_type="incident",
        resource_id=incident.id,
        student_ids=[student_id],
        detail={"person_kind": record.person_kind, "method": record.method},
    )
    return record


def uninformed_count() -> Any:
    """SQL, correlated to `Incident`: how many of the case's involved pupils and of their custodial parents have
    no information record yet (a parent record counts for that parent; one whose guardian has since left the
    roster names no guardian and so counts for no one still on it)."""
    from api.incidents.models import Incident, IncidentStudent
    from api.students.models import Guardian

    pupils = (
        select(func.count())
        .select_from(IncidentStudent)
        .where(
            IncidentStudent.incident_id == Incident.id,
            ~exists().where(
                InformationRecord.incident_id == Incident.id,
                InformationRecord.person_kind == "student",
                InformationRecord.student_id == IncidentStudent.student_id,
            ),
        )
        .scalar_subquery()
    )
    parents = (
        select(func.count())
        .select_from(IncidentStudent)
        .join(Guardian, Guardian.student_id == IncidentStudent.student_id)
        .where(
            IncidentStudent.incident_id == Incident.id,
            Guardian.school_id == Incident.school_id,
            Guardian.has_custody.is_(True),
            ~exists().where(
                InformationRecord.incident_id == Incident.id, InformationRecord.guardian_id == Guardian.id
            ),
        )
        .scalar_subquery()
    )
    return pupils + parents


def duty_open_clause() -> Any:
    """SQL on `Incident`: the duty applies (established, neither closed nor withdrawn)."""
    from api.incidents.models import Incident

    return and_(
        Incident.established_at.is_not(None), Incident.withdrawn_at.is_(None), Incident.status != "closed"
    )


def uninformed_by_case(session: Session, *, incidents: Iterable[Any]) -> dict[int, int]:
    """How many pupils and custodial parents are still not informed, per established case that is neither
    closed nor withdrawn, among these cases (only cases the reader may see); cases with nobody left out are
    absent. One statement, whatever the number of cases."""
    from api.incidents.models import Incident

    ids = [i.id for i in incidents]
    if not ids:
        return {}
    missing = uninformed_count()
    rows = session.execute(select(Incident.id, missing).where(Incident.id.in_(ids), duty_open_clause()))
    return {incident_id: n for incident_id, n in rows if n}


def cases_with_uninformed_custodians(session: Session, *, incidents: Iterable[Any]) -> list[int]:
    """The ids of those of these cases (established, open) where a pupil or a custodial parent is not yet
    informed; see uninformed_by_case."""
    return sorted(uninformed_by_case(session, incidents=incidents))
