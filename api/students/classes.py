"""Classes and the staff attached to them (HTTP-free; the roster is the admins')."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from api.core import audit
from api.core.etag import IfMatch, check_if_match
from api.core.pagination import list_page
from api.core.scoping import forget_per_request, get_in_school
from api.errors import Conflict, InvalidInput, NotFound
from api.students import permissions
from api.students.guardians import create_guardian as create_guardian
from api.students.guardians import delete_guardian as delete_guardian
from api.students.guardians import get_guardian as get_guardian
from api.students.guardians import list_guardians as list_guardians
from api.students.guardians import read_guardian as read_guardian
from api.students.guardians import update_guardian as update_guardian
from api.students.models import ClassStaff, SchoolClass, class_name_key
from api.users.models import User


def list_classes(
    session: Session,
    *,
    caller: User,
    mine: bool | None = None,
    school_year: str | None = None,
    grade: int | None = None,
    page: int = 1,
    page_size: int = 25,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> dict:
    """The school's classes by grade and name (every staff member sees them)."""
    stmt: Select[Any] = (
        select(SchoolClass)
        .where(SchoolClass.school_id == caller.school_id)
        .options(selectinload(SchoolClass.staff))
    )
    if mine:
        stmt = stmt.where(
            SchoolClass.id.in_(select(ClassStaff.class_id).where(ClassStaff.user_id == caller.id))
        )
    if school_year is not None:
        stmt = stmt.where(SchoolClass.school_year == school_year)
    if grade is not None:
        stmt = stmt.where(SchoolClass.grade == grade)
    stmt = stmt.order_by(SchoolClass.school_year.desc(), SchoolClass.grade, SchoolClass.name, SchoolClass.id)
    result = list_page(
        session,
        stmt,
        {"page": page, "page_size": page_size, "cursor": cursor, "updated_since": updated_since},
        model=SchoolClass,
        resource="classes",
        school_id=caller.school_id,
    )
    result["can_manage"] = permissions.may_manage_roster(caller)
    return result


def get_class(session: Session, *, caller: User, class_id: int) -> SchoolClass:
    """A class of the caller's school (404 for another school's)."""
    return get_in_school(
        session,
        SchoolClass,
        class_id,
        school_id=caller.school_id,
        what="Class",
        options=[selectinload(SchoolClass.staff)],
    )


def _class_name_taken(
    session: Session, *, school_id: int, school_year: str, name: str, except_id: int | None = None
) -> bool:
    stmt = select(SchoolClass.id).where(
        SchoolClass.school_id == school_id,
        SchoolClass.school_year == school_year,
        SchoolClass.name_key == class_name_key(name),
    )
    if except_id is not None:
        stmt = stmt.where(SchoolClass.id != except_id)
    return session.scalar(stmt) is not None


def create_class(session: Session, *, caller: User, name: str, grade: int, school_year: str) -> SchoolClass:
    """A new class (admin)."""
    permissions.ensure_can_manage_roster(caller, what="create classes")
    name = name.strip()
    if _class_name_taken(session, school_id=caller.school_id, school_year=school_year, name=name):
        raise Conflict(
            f"There is already a class {name} in {school_year}.",
            errors={"name": ["already in use"]},
            type="duplicate",
        )
    school_class = SchoolClass(school_id=caller.school_id, name=name, grade=grade, school_year=school_year)
    session.add(school_class)
    session.flush()
    audit.record("class_created", resource_type="class", resource_id=school_class.id)
    return school_class


def update_class(
    session: Session,
    *,
    caller: User,
    school_class: SchoolClass,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> SchoolClass:
    """Rename a class or change its grade or school year (admin; `if_match`: the version read)."""
    permissions.ensure_can_manage_roster(caller, what="change classes")
    if if_match is not None:
        check_if_match(school_class, if_match)
    name = changes.get("name", school_class.name).strip()
    year = changes.get("school_year", school_class.school_year)
    if _class_name_taken(
        session, school_id=school_class.school_id, school_year=year, name=name, except_id=school_class.id
    ):
        raise Conflict(
            f"There is already a class {name} in {year}.",
            errors={"name": ["already in use"]},
            type="duplicate",
        )
    school_class.name = name
    school_class.school_year = year
    if "grade" in changes:
        school_class.grade = changes["grade"]
    audit.record(
        "class_updated",
        resource_type="class",
        resource_id=school_class.id,
        detail={"fields": sorted(changes)},
    )
    session.flush()
    return school_class


def attach_staff(
    session: Session, *, caller: User, school_class: SchoolClass, user_id: int, role: str
) -> SchoolClass:
    """Attach a staff member of the school to a class with a role, or change their role (admin)."""
    permissions.ensure_can_manage_roster(caller, what="attach staff to classes")
    user = session.get(User, user_id)
    if user is None or user.school_id != school_class.school_id or not user.active:
        raise InvalidInput("No active staff member with that id.", errors={"user_id": ["unknown user"]})
    existing = next((s for s in school_class.staff if s.user_id == user_id), None)
    if existing is None:
        school_class.staff.append(ClassStaff(user_id=user_id, role=role, user=user))
    else:
        existing.role = role
    session.flush()
    forget_per_request()  # whose classes these are changed
    audit.record(
        "class_staff_attached",
        resource_type="class",
        resource_id=school_class.id,
        detail={"user_id": user_id, "role": role},
    )
    return school_class


def detach_staff(session: Session, *, caller: User, school_class: SchoolClass, user_id: int) -> None:
    """Detach a staff member from a class (admin)."""
    permissions.ensure_can_manage_roster(caller, what="detach staff from classes")
    existing = next((s for s in school_class.staff if s.user_id == user_id), None)
    if existing is None:
        raise NotFound("That staff member is not attached to this class.")
    school_class.staff.remove(existing)
    session.flush()
    forget_per_request()  # whose classes these are changed
    audit.record(
        "class_staff_detached",
        resource_type="class",
        resource_id=school_class.id,
        detail={"user_id": user_id},
    )
