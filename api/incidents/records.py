"""What every change to a case writes: its timeline entry (with the outbox events it stands for), its audit
row; and the checks of values every case service shares (text, choices, times, staff members)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.core import audit, outbox
from api.core.db import MAX_ID
from api.core.enums import enum_values
from api.core.timeutil import as_utc, utcnow
from api.errors import InvalidInput
from api.incidents.models import CaseStatus, Incident, IncidentEvent, InvolvementRole
from api.schools.service import school_by_id
from api.students.models import Student
from api.students.service import school_students
from api.users.service import active_member

MAX_STUDENTS = 50
# Clocks of phones drift; a time a little in the future is accepted as "now".
CLOCK_SKEW = timedelta(minutes=5)


def record_event(
    session: Session, incident: Incident, caller: Any, event_kind: str, /, **detail: Any
) -> None:
    """Add a timeline entry to the case, with the outbox events it stands for."""
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            # An API client is no user: it is named in the entry's detail by whoever records it.
            actor_id=None if getattr(caller, "kind", None) == "client" else getattr(caller, "id", None),
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


def audit_case(action: str, incident: Incident, /, **detail: Any) -> None:
    """Audit an action on the case, a row per involved student."""
    audit.record(
        action,
        resource_type="incident",
        resource_id=incident.id,
        student_ids=incident.student_ids,
        detail=detail or None,
        school_id=incident.school_id,
    )


def not_future(value: datetime, field: str) -> datetime:
    """The time in UTC, unless it lies in the future (beyond a phone's clock drift): 422 on `field`."""
    value = as_utc(value)
    if value > utcnow() + CLOCK_SKEW:
        raise InvalidInput(f"{field} cannot be in the future.", errors={field: ["in the future"]})
    return value


def clean_text(value: Any, field: str, *, required: bool = False) -> str | None:
    """The text stripped (None when blank, 422 when `required`)."""
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


def choice(value: Any, enum: Any, field: str) -> str:
    """The value if it is one of the enum's (callers other than the schemas pass plain strings)."""
    allowed = enum_values(enum)
    if value not in allowed:
        raise InvalidInput(f"Unknown {field}.", errors={field: [f"must be one of {', '.join(allowed)}"]})
    return str(value)


def school_of(session: Session, school_id: int) -> Any:
    """The case's school (for its calendar)."""
    return school_by_id(session, school_id)


def staff_user(session: Session, school_id: int, user_id: Any, field: str) -> Any:
    """An active staff member of the school, or 422 on `field`."""
    user = active_member(session, school_id=school_id, user_id=user_id)
    if user is None:
        raise InvalidInput("Unknown staff member.", errors={field: ["unknown staff member"]})
    return user


def set_status(session: Session, caller: Any, incident: Incident, target: str) -> None:
    """Move the case to `target` (the caller checked the move) and put it on the timeline."""
    old = incident.status
    incident.status = target
    incident.closed_at = utcnow() if target == CaseStatus.CLOSED else None
    record_event(session, incident, caller, "status_changed", old=old, new=target)


def validated_students(
    session: Session, school_id: int, students: Any, *, with_class_staff: bool = False
) -> list[tuple[Student, str]]:
    """(student, role) of each involved student, checked: at least one, none twice, all of the school. The
    students come with their class, as the case shows them (and its staff, `with_class_staff`)."""
    if not students:
        raise InvalidInput("An incident needs at least one student.", errors={"students": ["required"]})
    if len(students) > MAX_STUDENTS:
        raise InvalidInput(f"At most {MAX_STUDENTS} students.", errors={"students": ["too many"]})
    rows: list[tuple[int, str]] = []
    for entry in students:
        sid = entry.get("student_id")
        if not isinstance(sid, int) or not 0 < sid <= MAX_ID:
            raise InvalidInput("Unknown students.", errors={"students": [f"unknown student {sid}"]})
        rows.append((sid, choice(entry.get("role"), InvolvementRole, "role")))
    ids = [sid for sid, _ in rows]
    if len(set(ids)) != len(ids):
        raise InvalidInput("A student is listed twice.", errors={"students": ["duplicate student"]})
    found = school_students(session, school_id=school_id, student_ids=ids, with_class_staff=with_class_staff)
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            "Unknown students.", errors={"students": [f"unknown student {i}" for i in missing]}
        )
    return [(found[sid], role) for sid, role in rows]
