"""The school's guardians as one collection, for integrations keeping a copy (the change feed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.pagination import list_page
from api.students import permissions
from api.students.models import ClassStaff, Guardian, Student


def list_school_guardians(
    session: Session,
    *,
    caller: Any,
    student_id: int | None = None,
    page: int = 1,
    page_size: int = 25,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> dict:
    """The guardians the caller may see, across the school: leaders, resource persons and admins see all,
    other staff those of the students of their classes (the rule of a student's guardian list); audited."""
    stmt = select(Guardian).where(Guardian.school_id == caller.school_id)
    if not caller.has_role(*permissions.GUARDIAN_SCHOOL_WIDE_ROLES):
        mine = select(ClassStaff.class_id).where(ClassStaff.user_id == caller.id)
        stmt = stmt.where(
            Guardian.student_id.in_(
                select(Student.id).where(Student.school_id == caller.school_id, Student.class_id.in_(mine))
            )
        )
    if student_id is not None:
        stmt = stmt.where(Guardian.student_id == student_id)
    stmt = stmt.order_by(Guardian.student_id, Guardian.has_custody.desc(), Guardian.name, Guardian.id)
    args = {"page": page, "page_size": page_size, "cursor": cursor, "updated_since": updated_since}
    result = list_page(session, stmt, args, model=Guardian, resource="guardians", school_id=caller.school_id)
    items: list[Guardian] = result["items"]
    audit.record(
        "guardians_viewed",
        resource_type="guardian",
        student_ids=sorted({g.student_id for g in items}),
        detail={"guardian_ids": [g.id for g in items]},
    )
    return result
