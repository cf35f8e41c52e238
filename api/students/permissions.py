"""Who may see and do what with students, classes and guardians.

- Names and classes (the roster, search, a student's card, the class list) are for every staff member of the
  school: a teacher in the schoolyard must find any student.
- What happened to a student is need-to-know (`can_view_details`): leaders and resource persons for every
  student of the school, other staff for the students of the classes they are attached to (any role in the
  class). The student log follows this rule; staff outside it see only the log entries they wrote themselves
  (e.g. the incident they reported), never other people's.
- Guardians (contact details, custody) are seen by the roles that contact parents: leaders, resource persons,
  the staff attached to the student's class, and admins (the school office keeps the contact details right).
  Admins, leaders and the class's class teacher add and change them.
- An API client with roster:read (api/clients) sees its school's students, classes and guardians; what
  happened to a student (the student log) is not opened to clients.
- The roster itself (classes, staff attachments, students, import) is changed by admins only. Export (a
  bulk copy of the roster) is for admins and leaders.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.scopes import is_client
from api.core.permissions import deny
from api.core.scoping import per_request
from api.students.models import ClassRole, ClassStaff, Student

# Roles that see every student's details in their school.
SCHOOL_WIDE_ROLES = ("leader", "resource_person")
ROSTER_ADMIN_ROLES = ("admin",)
EXPORT_ROLES = ("admin", "leader")
GUARDIAN_SCHOOL_WIDE_ROLES = ("leader", "resource_person", "admin")
GUARDIAN_EDIT_ROLES = ("admin", "leader")


def staff_class_ids(session: Session, user: Any) -> frozenset[int]:
    """The classes this user is attached to (asked once per request)."""
    return per_request(
        ("class_ids", user.id),
        lambda: frozenset(session.scalars(select(ClassStaff.class_id).where(ClassStaff.user_id == user.id))),
    )


def class_teachers(session: Session, class_ids: Iterable[int]) -> dict[int, set[int]]:
    """The class teachers (klasselærere) of these classes, each with the ones of these classes they teach."""
    ids = sorted(set(class_ids))
    found: dict[int, set[int]] = {}
    if ids:
        rows = session.execute(
            select(ClassStaff.user_id, ClassStaff.class_id).where(
                ClassStaff.class_id.in_(ids), ClassStaff.role == ClassRole.CLASS_TEACHER.value
            )
        )
        for user_id, class_id in rows:
            found.setdefault(user_id, set()).add(class_id)
    return found


def can_view_details(session: Session, user: Any, student: Student) -> bool:
    """Need-to-know: leaders, resource persons and the staff of the student's class."""
    if student.school_id != user.school_id:
        return False
    if user.has_role(*SCHOOL_WIDE_ROLES):
        return True
    return student.class_id is not None and student.class_id in staff_class_ids(session, user)


def _class_role(session: Session, user: Any, student: Student) -> str | None:
    if student.class_id is None:
        return None
    return session.scalar(
        select(ClassStaff.role).where(ClassStaff.user_id == user.id, ClassStaff.class_id == student.class_id)
    )


def can_view_guardians(session: Session, user: Any, student: Student) -> bool:
    """Roles that contact parents: leaders, resource persons, admins, and the staff of the student's class."""
    if student.school_id != user.school_id:
        return False
    if is_client(user) or user.has_role(*GUARDIAN_SCHOOL_WIDE_ROLES):
        return True
    return _class_role(session, user, student) is not None


def can_edit_guardians(session: Session, user: Any, student: Student) -> bool:
    """Admins, leaders and the class teacher of the student's class."""
    if student.school_id != user.school_id:
        return False
    if user.has_role(*GUARDIAN_EDIT_ROLES):
        return True
    return _class_role(session, user, student) == ClassRole.CLASS_TEACHER.value


def may_manage_roster(user: Any) -> bool:
    """Whether the user creates and changes classes, staff attachments and students (an admin)."""
    return user.has_role(*ROSTER_ADMIN_ROLES)


def ensure_can_manage_roster(user: Any, *, what: str = "change the roster") -> None:
    """Only admins create and change classes, staff attachments and students, and import rosters."""
    if not may_manage_roster(user):
        raise deny(f"Only an administrator can {what}.", resource_type="student")


def may_export(user: Any) -> bool:
    """Whether the user sees the whole roster to export it (admins and leaders)."""
    return user.has_role(*EXPORT_ROLES)


def ensure_can_export(user: Any) -> None:
    """Admins and leaders may export the roster."""
    if not may_export(user):
        raise deny("Only administrators and leaders can export the roster.", resource_type="student")


def ensure_can_view_guardians(session: Session, user: Any, student: Student) -> None:
    """403 (audited) unless the user may see this student's guardians."""
    if not can_view_guardians(session, user, student):
        raise deny(
            "Only leaders, resource persons, admins and the staff of the student's class see guardians.",
            resource_type="guardian",
            resource_id=student.id,
            student_ids=(student.id,),
        )


def ensure_can_edit_guardians(session: Session, user: Any, student: Student) -> None:
    """403 (audited) unless the user may change this student's guardians."""
    if not can_edit_guardians(session, user, student):
        raise deny(
            "Only admins, leaders and the class teacher change guardians.",
            resource_type="guardian",
            resource_id=student.id,
            student_ids=(student.id,),
        )
