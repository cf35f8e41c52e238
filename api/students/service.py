"""Classes, students, guardians and the student log (HTTP-free; services only flush)."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from api.core import audit, outbox
from api.core import student_log as log_registry
from api.core.etag import IfMatch, check_if_match
from api.core.inputs import text_or_none
from api.core.pagination import is_feed, list_page
from api.core.scoping import get_in_school
from api.core.timeutil import local_date
from api.core.views import View
from api.errors import Conflict, InvalidInput
from api.privacy import permissions as privacy_permissions
from api.students import permissions, roster
from api.students.classes import attach_staff as attach_staff
from api.students.classes import create_class as create_class
from api.students.classes import detach_staff as detach_staff
from api.students.classes import get_class as get_class
from api.students.classes import list_classes as list_classes
from api.students.classes import update_class as update_class
from api.students.guardians import create_guardian as create_guardian
from api.students.guardians import custodial_guardians as custodial_guardians
from api.students.guardians import delete_guardian as delete_guardian
from api.students.guardians import get_guardian as get_guardian
from api.students.guardians import list_guardians as list_guardians
from api.students.guardians import read_guardian as read_guardian
from api.students.guardians import update_guardian as update_guardian
from api.students.models import ClassStaff, SchoolClass, Student
from api.students.search import list_statement, search
from api.users.models import User

LOG_SCOPE_FULL = "full"
LOG_SCOPE_OWN = "own_entries"


def current_school_year(today: date | None = None) -> str:
    """The school year a day falls in; a Danish school year starts in August ("2026/27")."""
    today = today or local_date()
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


# Students


def list_students(
    session: Session,
    *,
    caller: User,
    q: str | None = None,
    class_id: int | None = None,
    grade: int | None = None,
    include_inactive: bool = False,
    page: int = 1,
    page_size: int = 25,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> dict:
    """Search and list the school's students (names and classes: every staff member); a search by name is
    audited with what was searched for (the criteria come from the request). The change feed
    (cursor/updated_since) also carries the students who left (active false), so a copy learns they left."""
    args = {"page": page, "page_size": page_size, "cursor": cursor, "updated_since": updated_since}
    if is_feed(args):
        if q is not None:
            raise InvalidInput(
                "The change feed does not search: leave out q.", errors={"q": ["Not with cursor."]}
            )
        stmt = list_statement(
            school_id=caller.school_id, class_id=class_id, grade=grade, include_inactive=True
        )
        return list_page(session, stmt, args, model=Student, resource="students", school_id=caller.school_id)
    if q:
        audit.record("students_searched", resource_type="student")
    return search(
        session,
        school_id=caller.school_id,
        q=q,
        class_id=class_id,
        grade=grade,
        include_inactive=include_inactive,
        page=page,
        page_size=page_size,
    )


class StudentView(View):
    """A student as the reader of their page sees them: every field, and what the reader may do from it."""


def present(caller: Any, student: Student) -> StudentView:
    """The student for their page: the actions are those the same rules allow this reader."""
    actions = ["export_access"] if privacy_permissions.may_export_access(caller) else []
    return StudentView(student, allowed_actions=actions)


def get_student(session: Session, *, caller: User, student_id: int, audited: bool = True) -> Student:
    """A student of the caller's school (404 for another school's)."""
    student = get_in_school(session, Student, student_id, school_id=caller.school_id, what="Student")
    if audited:
        audit.record(
            "student_viewed", resource_type="student", resource_id=student.id, student_ids=[student.id]
        )
    return student


@functools.cache
def _school_students(with_class_staff: bool) -> Select[Any]:
    """Built once (a report checks its students with it): the students of a school among some ids, with their
    class, or with their class and its staff (for whoever works a case through their classes). On first use,
    not at import: a loader option configures the mappers, and other domains' models may not be imported yet."""
    stmt = select(Student).where(
        Student.id.in_(bindparam("student_ids", expanding=True)), Student.school_id == bindparam("school_id")
    )
    if with_class_staff:
        stmt = stmt.options(
            joinedload(Student.school_class).joinedload(SchoolClass.staff).lazyload(ClassStaff.user)
        )
    return stmt


def school_students(
    session: Session, *, school_id: int, student_ids: list[int], with_class_staff: bool = False
) -> dict[int, Student]:
    """Those of these ids that are students of this school (present or former), by id, with their class (and
    its staff, `with_class_staff`)."""
    rows = session.scalars(
        _school_students(with_class_staff), {"student_ids": student_ids, "school_id": school_id}
    ).unique()
    return {s.id: s for s in rows}


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


def create_student(
    session: Session,
    *,
    caller: User,
    given_name: str,
    family_name: str,
    preferred_name: str | None = None,
    class_id: int | None = None,
    sfo_enrolled: bool = False,
    external_id: str | None = None,
) -> Student:
    """A new student (admin)."""
    permissions.ensure_can_manage_roster(caller, what="add students")
    school_class = _class_in_school(session, caller.school_id, class_id)
    external_id = text_or_none(external_id)
    if external_id and _external_id_taken(session, caller.school_id, external_id, None):
        raise Conflict(
            "Another student has this external id.",
            errors={"external_id": ["already in use"]},
            type="duplicate",
        )
    student = Student(
        school_id=caller.school_id,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        preferred_name=text_or_none(preferred_name),
        class_id=school_class.id if school_class else None,
        sfo_enrolled=sfo_enrolled,
        external_id=external_id,
    )
    session.add(student)
    session.flush()
    audit.record("student_created", resource_type="student", resource_id=student.id, student_ids=[student.id])
    return student


def update_student(
    session: Session,
    *,
    caller: User,
    student: Student,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> Student:
    """Change a student, or mark them as left (`left_on`) or back (`left_on: null`) (admin; `if_match`: the
    version read)."""
    permissions.ensure_can_manage_roster(caller, what="change students")
    if if_match is not None:
        check_if_match(student, if_match)
    for name in ("given_name", "family_name"):
        if name in changes:
            setattr(student, name, changes[name].strip())
    if "preferred_name" in changes:
        student.preferred_name = text_or_none(changes["preferred_name"])
    if "class_id" in changes:
        school_class = _class_in_school(session, student.school_id, changes["class_id"])
        student.class_id = school_class.id if school_class else None
        student.school_class = school_class
    if "sfo_enrolled" in changes:
        student.sfo_enrolled = changes["sfo_enrolled"]
    if "external_id" in changes:
        external_id = text_or_none(changes["external_id"])
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
    session: Session, *, caller: User, include_inactive: bool = False, class_id: int | None = None
) -> str:
    """The school's students as a CSV for Excel (admins, leaders; audited)."""
    permissions.ensure_can_export(caller)
    students = list(
        session.scalars(
            list_statement(school_id=caller.school_id, class_id=class_id, include_inactive=include_inactive)
        ).unique()
    )
    audit.record(
        "roster_exported",
        resource_type="student",
        student_ids=[s.id for s in students],
        detail={"students": len(students), "include_inactive": include_inactive, "class_id": class_id},
    )
    return roster.export_csv(students)


# Student log


def _entry_key(entry: log_registry.LogEntry) -> tuple[datetime, str, int]:
    return (entry.occurred_at, entry.kind, entry.ref_id)


def student_log(
    session: Session,
    *,
    caller: User,
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
                type="unknown_log_kind",
            )
    if before_key is not None and before is None:
        raise InvalidInput("before_key needs before.", errors={"before_key": ["needs before"]})
    full = permissions.can_view_details(session, caller, student)
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
        if not full and entry.author_id != caller.id:
            return False
        return cursor is None or _entry_key(entry) < cursor

    # Ask the sources for more until a page (plus one, to know whether there is more) survives the filters.
    fetch = limit + 1
    while True:
        raw = log_registry.collect(
            session, viewer=caller, student=student, before=fetch_before, limit=fetch, kinds=kind or None
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
