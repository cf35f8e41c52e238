"""A student's guardians (HTTP-free): who sees their contact details and custody, and who keeps them right."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.etag import IfMatch, check_if_match
from api.core.inputs import text_or_none
from api.core.pagination import paginate
from api.core.scoping import get_in_school
from api.core.tombstones import record_tombstone
from api.errors import NotFound
from api.students import permissions
from api.students.models import Guardian, Student
from api.users.models import User


def list_guardians(
    session: Session, *, caller: User, student: Student, page: int = 1, page_size: int = 25
) -> dict:
    """A student's guardians, custodial first (roles that contact parents; every read audited)."""
    permissions.ensure_can_view_guardians(session, caller, student)
    stmt = (
        select(Guardian)
        .where(Guardian.student_id == student.id, Guardian.school_id == student.school_id)
        .order_by(Guardian.has_custody.desc(), Guardian.name, Guardian.id)
    )
    result = paginate(session, stmt, page=page, page_size=page_size)
    audit.record(
        "guardians_viewed",
        resource_type="guardian",
        resource_id=student.id,
        student_ids=[student.id],
        detail={"guardian_ids": [g.id for g in result["items"]]},
    )
    return result


def custodial_guardians(session: Session, *, school_id: int, student_ids: list[int]) -> list[Guardian]:
    """The guardians holding custody (forældremyndighed) of these students, by student; not audited (the
    caller audits what it shows)."""
    if not student_ids:
        return []
    stmt = (
        select(Guardian)
        .where(
            Guardian.school_id == school_id,
            Guardian.student_id.in_(student_ids),
            Guardian.has_custody.is_(True),
        )
        .order_by(Guardian.student_id, Guardian.name, Guardian.id)
    )
    return list(session.scalars(stmt))


def get_guardian(session: Session, *, caller: User, student: Student, guardian_id: int) -> Guardian:
    """One guardian of this student (404 if it is not this student's)."""
    guardian = get_in_school(session, Guardian, guardian_id, school_id=caller.school_id, what="Guardian")
    if guardian.student_id != student.id:
        raise NotFound("Guardian not found.")
    return guardian


def read_guardian(session: Session, *, caller: User, student: Student, guardian_id: int) -> Guardian:
    """One guardian, for the roles that contact parents (audited)."""
    guardian = get_guardian(session, caller=caller, student=student, guardian_id=guardian_id)
    permissions.ensure_can_view_guardians(session, caller, student)
    audit.record(
        "guardians_viewed",
        resource_type="guardian",
        resource_id=student.id,
        student_ids=[student.id],
        detail={"guardian_ids": [guardian.id]},
    )
    return guardian


def create_guardian(
    session: Session,
    *,
    caller: User,
    student: Student,
    name: str,
    relation: str,
    phone: str | None = None,
    email: str | None = None,
    has_custody: bool = True,
) -> Guardian:
    """Add a guardian to a student."""
    permissions.ensure_can_edit_guardians(session, caller, student)
    guardian = Guardian(
        school_id=student.school_id,
        student_id=student.id,
        name=name.strip(),
        relation=relation,
        phone=text_or_none(phone),
        email=text_or_none(email),
        has_custody=has_custody,
    )
    session.add(guardian)
    session.flush()
    audit.record(
        "guardian_created", resource_type="guardian", resource_id=guardian.id, student_ids=[student.id]
    )
    return guardian


def update_guardian(
    session: Session,
    *,
    caller: User,
    student: Student,
    guardian: Guardian,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> Guardian:
    """Change a guardian's details (`if_match`: the version read)."""
    permissions.ensure_can_edit_guardians(session, caller, student)
    if if_match is not None:
        check_if_match(guardian, if_match)
    for key, value in changes.items():
        if key == "name":
            guardian.name = value.strip()
        elif key in ("phone", "email"):
            setattr(guardian, key, text_or_none(value))
        else:
            setattr(guardian, key, value)
    session.flush()
    audit.record(
        "guardian_updated",
        resource_type="guardian",
        resource_id=guardian.id,
        student_ids=[student.id],
        detail={"fields": sorted(changes)},
    )
    return guardian


def delete_guardian(session: Session, *, caller: User, student: Student, guardian: Guardian) -> None:
    """Remove a guardian from a student."""
    permissions.ensure_can_edit_guardians(session, caller, student)
    session.delete(guardian)
    record_tombstone(session, school_id=guardian.school_id, resource="guardians", resource_id=guardian.id)
    session.flush()
    audit.record(
        "guardian_deleted", resource_type="guardian", resource_id=guardian.id, student_ids=[student.id]
    )
