"""Who may see what about students: names and classes for all staff; the rest is need-to-know."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.students.models import ClassStaff, Student

# Roles that see every student's details in their school.
SCHOOL_WIDE_ROLES = ("leader", "resource_person")


def staff_class_ids(session: Session, user: Any) -> set[int]:
    """The classes this user is attached to."""
    return set(session.scalars(select(ClassStaff.class_id).where(ClassStaff.user_id == user.id)))


def can_view_details(session: Session, user: Any, student: Student) -> bool:
    """Need-to-know: leaders, resource persons and the staff of the student's class."""
    if student.school_id != user.school_id:
        return False
    if user.has_role(*SCHOOL_WIDE_ROLES):
        return True
    return student.class_id is not None and student.class_id in staff_class_ids(session, user)
