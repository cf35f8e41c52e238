"""Classes, students, guardians and the student log (HTTP-free; services only flush)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.core import audit, outbox
from api.core import student_log as log_registry
from api.core.etag import IfMatch, check_if_match
from api.core.pagination import paginate
from api.core.scoping import forget_per_request, get_in_school
from api.core.timeutil import local_date
from api.errors import Conflict, InvalidInput, NotFound
from api.students import permissions, roster
from api.students.models import ClassStaff, Guardian, SchoolClass, Student, class_name_key
from api.students.search import list_statement, search
from api.users.models import User

LOG_SCOPE_FULL = "full"
LOG_SCOPE_OWN = "own_entries"


def _get(session: Session, model: type, obj_id: int, *, school_id: int, what: str) -> Any:
    """get_in_school: ids beyond the 32-bit columns are simply not found (not a database error)."""
    return get_in_school(session, model, obj_id, school_id=school_id, what=what)


def current_school_year(today: date | None = None) -> str:
    """The school year a day falls in; a Danish school year starts in August ("2026/27")."""
    today = today or local_date()
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


# Classes


def list_classes(
    session: Session,
    *,
    actor: User,
    mine: bool | None = None,
    school_year: str | None = None,
    grade: int | None = None,
    page: int = 1,
    page_size: int = 25,
) -> dict:
    """The school's classes by grade and name (every staff member sees them)."""
    stmt: Select[Any] = select(SchoolClass).where(SchoolClass.school_id == actor.school_id)
    if mine:
        stmt = stmt.where(
            SchoolClass.id.in_(select(ClassStaff.class_id).where(ClassStaff.user_id == actor.id))
        )
    if school_year is not None:
        stmt = stmt.where(SchoolClass.school_year == school_year)
    if grade is not None:
        stmt = stmt.where(SchoolClass.grade == grade)
    stmt = stmt.order_by(SchoolClass.school_year.desc(), SchoolClass.grade, SchoolClass.name, SchoolClass.id)
    return paginate(session, stmt, page=page, page_size=page_size)


def get_class(session: Session, *, actor: User, class_id: int) -> SchoolClass:
    """A class of the actor's school (404 for another school's)."""
    return _get(session, SchoolClass, class_id, school_id=actor.school_id, what="Class")


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


def create_class(session: Session, *, actor: User, name: str, grade: int, school_year: str) -> SchoolClass:
    """A new class (admin)."""
    permissions.ensure_can_manage_roster(actor, what="create classes")
    name = name.strip()
    if _class_name_taken(session, school_id=actor.school_id, school_year=school_year, name=name):
        raise Conflict(
            f"There is already a class {name} in {school_year}.",
            errors={"name": ["already in use"]},
            type="duplicate",
        )
    school_class = SchoolClass(school_id=actor.school_id, name=name, grade=grade, school_year=school_year)
    session.add(school_class)
    session.flush()
    audit.record("class_created", resource_type="class", resource_id=school_class.id)
    return school_class


def update_class(
    session: Session,
    *,
    actor: User,
    school_class: SchoolClass,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> SchoolClass:
    """Rename a class or change its grade or school year (admin; `if_match`: the version read)."""
    permissions.ensure_can_manage_roster(actor, what="change classes")
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
    session: Session, *, actor: User, school_class: SchoolClass, user_id: int, role: str
) -> SchoolClass:
    """Attach a staff member of the school to a class with a role, or change their role (admin)."""
    permissions.ensure_can_manage_roster(actor, what="attach staff to classes")
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


def detach_staff(session: Session, *, actor: User, school_class: SchoolClass, user_id: int) -> None:
    """Detach a staff member from a class (admin)."""
    permissions.ensure_can_manage_roster(actor, what="detach staff from classes")
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


# Students


def list_students(
    session: Session,
    *,
    actor: User,
    q: str | None = None,
    class_id: int | None = None,
    grade: int | None = None,
    include_inactive: bool = False,
    page: int = 1,
    page_size: int = 25,
) -> dict:
    """Search and list the school's students (names and classes: every staff member)."""
    return search(
        session,
        school_id=actor.school_id,
        q=q,
        class_id=class_id,
        grade=grade,
        include_inactive=include_inactive,
        page=page,
        page_size=page_size,
    )


def get_student(session: Session, *, actor: User, student_id: int, audit_read: bool = True) -> Student:
    """A student of the actor's school (404 for another school's)."""
    student = _get(session, Student, student_id, school_id=actor.school_id, what="Student")
    if audit_read:
        audit.record(
            "student_viewed", resource_type="student", resource_id=student.id, student_ids=[student.id]
        )
    return student


def school_student_ids(session: Session, *, school_id: int, student_ids: list[int]) -> set[int]:
    """Which of these ids are students of this school (present or former)."""
    return set(
        session.scalars(select(Student.id).where(Student.id.in_(student_ids), Student.school_id == school_id))
    )


def students_of_school(
    session: Session, *, school_id: int, student_ids: list[int], field: str = "student_ids"
) -> list[Student]:
    """The active students of this school with these ids, in the given order; 422 naming the others."""
    found = {
        s.id: s
        for s in session.scalars(
            select(Student).where(Student.id.in_(student_ids), Student.school_id == school_id)
        )
    }
    unknown = [i for i in student_ids if i not in found]
    if unknown:
        raise InvalidInput(
            "Some students are not students of your school.",
            errors={field: [f"unknown student {i}" for i in unknown]},
        )
    inactive = [i for i in student_ids if not found[i].active]
    if inactive:
        raise InvalidInput(
            "Some students have left the school.",
            errors={field: [f"student {i} is no longer active" for i in inactive]},
        )
    return [found[i] for i in student_ids]


def students_in_classes(
    session: Session, *, school_id: int, class_id: int | None = None, grade: int | None = None
) -> Select[Any]:
    """The ids of the school's students now in this class and/or a class of this grade (a subquery)."""
    stmt = select(Student.id).join(SchoolClass, SchoolClass.id == Student.class_id)
    stmt = stmt.where(Student.school_id == school_id)
    if class_id is not None:
        stmt = stmt.where(Student.class_id == class_id)
    if grade is not None:
        stmt = stmt.where(SchoolClass.grade == grade)
    return stmt


def _class_in_school(session: Session, school_id: int, class_id: int | None) -> SchoolClass | None:
    if class_id is None:
        return None
    school_class = session.get(SchoolClass, class_id)
    if school_class is None or school_class.school_id != school_id:
        raise InvalidInput("No class with that id.", errors={"class_id": ["unknown class"]})
    return school_class


def _external_id_taken(session: Session, school_id: int, external_id: str, except_id: int | None) -> bool:
    stmt = select(Student.id).where(Student.school_id == school_id, Student.external_id == external_id)
    if except_id is not None:
        stmt = stmt.where(Student.id != except_id)
    return session.scalar(stmt) is not None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def create_student(session: Session, *, actor: User, data: dict[str, Any]) -> Student:
    """A new student (admin)."""
    permissions.ensure_can_manage_roster(actor, what="add students")
    school_class = _class_in_school(session, actor.school_id, data.get("class_id"))
    external_id = _clean(data.get("external_id"))
    if external_id and _external_id_taken(session, actor.school_id, external_id, None):
        raise Conflict(
            "Another student has this external id.",
            errors={"external_id": ["already in use"]},
            type="duplicate",
        )
    student = Student(
        school_id=actor.school_id,
        given_name=data["given_name"].strip(),
        family_name=data["family_name"].strip(),
        preferred_name=_clean(data.get("preferred_name")),
        class_id=school_class.id if school_class else None,
        sfo_enrolled=data.get("sfo_enrolled", False),
        external_id=external_id,
    )
    session.add(student)
    session.flush()
    audit.record("student_created", resource_type="student", resource_id=student.id, student_ids=[student.id])
    return student


def update_student(
    session: Session,
    *,
    actor: User,
    student: Student,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> Student:
    """Change a student, or mark them as left (`left_on`) or back (`left_on: null`) (admin; `if_match`: the
    version read)."""
    permissions.ensure_can_manage_roster(actor, what="change students")
    if if_match is not None:
        check_if_match(student, if_match)
    for name in ("given_name", "family_name"):
        if name in changes:
            setattr(student, name, changes[name].strip())
    if "preferred_name" in changes:
        student.preferred_name = _clean(changes["preferred_name"])
    if "class_id" in changes:
        school_class = _class_in_school(session, student.school_id, changes["class_id"])
        student.class_id = school_class.id if school_class else None
        student.school_class = school_class
    if "sfo_enrolled" in changes:
        student.sfo_enrolled = changes["sfo_enrolled"]
    if "external_id" in changes:
        external_id = _clean(changes["external_id"])
        if external_id and _external_id_taken(session, student.school_id, external_id, student.id):
            raise Conflict(
                "Another student has this external id.",
                errors={"external_id": ["already in use"]},
                type="duplicate",
            )
        student.external_id = external_id
    if "left_on" in changes:
        left_on = changes["left_on"]
        if left_on is not None and left_on > local_date():
            raise InvalidInput(
                "Mark a student as left on or after the day they leave.",
                errors={"left_on": ["in the future"]},
            )
        student.left_on = left_on
        student.active = left_on is None
    session.flush()
    outbox.emit(
        session, "student.updated", school_id=student.school_id, object_type="student", object_id=student.id
    )
    action = "student_left" if changes.get("left_on") else "student_updated"
    audit.record(
        action,
        resource_type="student",
        resource_id=student.id,
        student_ids=[student.id],
        detail={"fields": sorted(changes)},
    )
    return student


def export_roster(
    session: Session, *, actor: User, include_inactive: bool = False, class_id: int | None = None
) -> str:
    """The school's students as a CSV for Excel (admins, leaders; audited)."""
    permissions.ensure_can_export(actor)
    students = list(
        session.scalars(
            list_statement(school_id=actor.school_id, class_id=class_id, include_inactive=include_inactive)
        ).unique()
    )
    audit.record(
        "roster_exported",
        resource_type="student",
        student_ids=[s.id for s in students],
        detail={"students": len(students), "include_inactive": include_inactive, "class_id": class_id},
    )
    return roster.export_csv(students)


# Guardians


def list_guardians(
    session: Session, *, actor: User, student: Student, page: int = 1, page_size: int = 25
) -> dict:
    """A student's guardians, custodial first (roles that contact parents; every read audited)."""
    permissions.ensure_can_view_guardians(session, actor, student)
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


def get_guardian(session: Session, *, actor: User, student: Student, guardian_id: int) -> Guardian:
    """One guardian of this student (404 if it is not this student's)."""
    guardian = _get(session, Guardian, guardian_id, school_id=actor.school_id, what="Guardian")
    if guardian.student_id != student.id:
        raise NotFound("Guardian not found.")
    return guardian


def read_guardian(session: Session, *, actor: User, student: Student, guardian_id: int) -> Guardian:
    """One guardian, for the roles that contact parents (audited)."""
    guardian = get_guardian(session, actor=actor, student=student, guardian_id=guardian_id)
    permissions.ensure_can_view_guardians(session, actor, student)
    audit.record(
        "guardians_viewed",
        resource_type="guardian",
        resource_id=student.id,
        student_ids=[student.id],
        detail={"guardian_ids": [guardian.id]},
    )
    return guardian


def create_guardian(session: Session, *, actor: User, student: Student, data: dict[str, Any]) -> Guardian:
    """Add a guardian to a student."""
    permissions.ensure_can_edit_guardians(session, actor, student)
    guardian = Guardian(
        school_id=student.school_id,
        student_id=student.id,
        name=data["name"].strip(),
        relation=data["relation"],
        phone=_clean(data.get("phone")),
        email=_clean(data.get("email")),
        has_custody=data.get("has_custody", True),
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
    actor: User,
    student: Student,
    guardian: Guardian,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> Guardian:
    """Change a guardian's details (`if_match`: the version read)."""
    permissions.ensure_can_edit_guardians(session, actor, student)
    if if_match is not None:
        check_if_match(guardian, if_match)
    for key, value in changes.items():
        if key == "name":
            guardian.name = value.strip()
        elif key in ("phone", "email"):
            setattr(guardian, key, _clean(value))
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


def delete_guardian(session: Session, *, actor: User, student: Student, guardian: Guardian) -> None:
    """Remove a guardian from a student."""
    permissions.ensure_can_edit_guardians(session, actor, student)
    session.delete(guardian)
    session.flush()
    audit.record(
        "guardian_deleted", resource_type="guardian", resource_id=guardian.id, student_ids=[student.id]
    )


# Student log


def _entry_key(entry: log_registry.LogEntry) -> tuple[datetime, str, int]:
    return (entry.occurred_at, entry.kind, entry.ref_id)


def student_log(
    session: Session,
    *,
    actor: User,
    student: Student,
    before: datetime | None = None,
    before_key: str | None = None,
    limit: int = 25,
    kind: list[str] | None = None,
) -> dict:
    """One page of the student's log, newest first, from every registered source.

    Need-to-know staff see every entry the sources let them see; other staff only the entries they wrote
    themselves. Paging is a keyset cursor on (time, kind, ref id): `before` alone means "older than this
    moment"; with `before_key` ("kind:ref_id") entries at exactly `before` that sort after the key are
    included, so entries sharing a timestamp are neither skipped nor repeated."""
    known = set(log_registry.sources())
    if kind:
        unknown = sorted(set(kind) - known)
        if unknown:
            raise InvalidInput(
                f"Unknown log kinds: {', '.join(unknown)}.",
                errors={"kind": [f"one of: {', '.join(sorted(known))}"]},
            )
    if before_key is not None and before is None:
        raise InvalidInput("before_key needs before.", errors={"before_key": ["needs before"]})
    full = permissions.can_view_details(session, actor, student)
    cursor: tuple[datetime, str, int] | None = None
    fetch_before = before
    if before is not None and before_key is not None:
        key_kind, _, key_id = before_key.rpartition(":")
        cursor = (before, key_kind, int(key_id))
        try:
            fetch_before = before + timedelta(microseconds=1)  # sources return entries strictly older
        except OverflowError:  # the very last representable moment: everything is older
            fetch_before = None

    def wanted(entry: log_registry.LogEntry) -> bool:
        if not full and entry.author_id != actor.id:
            return False
        return cursor is None or _entry_key(entry) < cursor

    # Ask the sources for more until a page (plus one, to know whether there is more) survives the filters.
    fetch = limit + 1
    while True:
        raw = log_registry.collect(
            session, viewer=actor, student=student, before=fetch_before, limit=fetch, kinds=kind or None
        )
        entries = [e for e in raw if wanted(e)]
        if len(entries) > limit or len(raw) < fetch or fetch >= 10_000:
            break
        fetch *= 4
    page, has_more = entries[:limit], len(entries) > limit
    last = page[-1] if page and has_more else None
    audit.record(
        "student_log_viewed",
        resource_type="student",
        resource_id=student.id,
        student_ids=[student.id],
        detail={"scope": LOG_SCOPE_FULL if full else LOG_SCOPE_OWN, "entries": len(page)},
    )
    return {
        "items": page,
        "limit": limit,
        "has_more": has_more,
        "next_before": last.occurred_at if last else None,
        "next_before_key": f"{last.kind}:{last.ref_id}" if last else None,
        "scope": LOG_SCOPE_FULL if full else LOG_SCOPE_OWN,
    }
