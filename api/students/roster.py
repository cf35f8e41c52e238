"""Roster import and export as CSV, the way Danish school systems and Excel write it.

Import: UTF-8 with or without BOM, `;`, `,` or tab separated, one header line naming the columns (English
names or the Danish ones in COLUMNS). Students are matched by external id; the whole file is checked
first and then applied in one go, so a file with one bad row changes nothing. Re-importing the same file
changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core import audit, outbox
from api.core.timeutil import local_date
from api.errors import InvalidInput, PayloadTooLarge
from api.students.models import SchoolClass, Student, class_name_key
from api.students.roster_csv import COLUMN_NAMES as COLUMN_NAMES
from api.students.roster_csv import COLUMNS as COLUMNS
from api.students.roster_csv import FORMULA_STARTS as FORMULA_STARTS
from api.students.roster_csv import MAX_CLASS as MAX_CLASS
from api.students.roster_csv import MAX_EXTERNAL_ID as MAX_EXTERNAL_ID
from api.students.roster_csv import MAX_NAME as MAX_NAME
from api.students.roster_csv import MAX_REPORTED_ERRORS as MAX_REPORTED_ERRORS
from api.students.roster_csv import Column as Column
from api.students.roster_csv import Row as Row
from api.students.roster_csv import decode as decode
from api.students.roster_csv import grade_from_class_name as grade_from_class_name
from api.students.roster_csv import parse as parse


@dataclass
class ImportReport:
    """What an import did, or in a dry run would do."""

    dry_run: bool
    created: int = 0
    updated: int = 0
    left: int = 0
    unchanged: int = 0
    classes_created: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    student_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The report as the API returns it."""
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "left": self.left,
            "unchanged": self.unchanged,
            "classes_created": self.classes_created,
            "errors": self.errors,
        }


def _resolve_classes(
    session: Session, *, school_id: int, school_year: str, rows: list[Row], errors: list[dict[str, Any]]
) -> tuple[dict[str, SchoolClass], dict[str, int]]:
    """Existing classes of the year by name key, and the new ones to create (name key -> grade)."""
    existing = {
        c.name_key: c
        for c in session.scalars(
            select(SchoolClass).where(
                SchoolClass.school_id == school_id, SchoolClass.school_year == school_year
            )
        )
    }
    new: dict[str, int] = {}
    new_lines: dict[str, int] = {}
    for row in rows:
        name = row.values.get("class")
        if not name:
            continue
        grade = row.values.get("grade")
        key = class_name_key(name)
        if key in existing:
            if grade is not None and existing[key].grade != grade:
                errors.append(
                    {
                        "line": row.line,
                        "message": f"Class {existing[key].name} is grade {existing[key].grade}, "
                        f"the file says {grade}.",
                    }
                )
            continue
        grade = grade if grade is not None else grade_from_class_name(name)
        if grade is None:
            errors.append(
                {
                    "line": row.line,
                    "message": f"Class {name} does not exist in {school_year} and its grade is unknown; "
                    "add a grade column or create the class first.",
                }
            )
        elif key in new and new[key] != grade:
            errors.append(
                {
                    "line": row.line,
                    "message": f"Class {name} has grade {new[key]} on line {new_lines[key]} and "
                    f"{grade} here.",
                }
            )
        elif key not in new:
            new[key] = grade
            new_lines[key] = row.line
    return existing, new


def _changes(student: Student, row: Row, columns: list[str], class_id: int | None) -> dict[str, Any]:
    wanted: dict[str, Any] = {
        "given_name": row.values["given_name"],
        "family_name": row.values["family_name"],
    }
    if "preferred_name" in columns:
        wanted["preferred_name"] = row.values.get("preferred_name")
    if "class" in columns:
        wanted["class_id"] = class_id
    if "sfo" in columns:
        wanted["sfo_enrolled"] = row.values["sfo"]
    left_on = row.values.get("left_on")
    if left_on is None:
        wanted["active"], wanted["left_on"] = True, None
    elif student.active or student.left_on != left_on:
        wanted["active"], wanted["left_on"] = False, left_on
    return {k: v for k, v in wanted.items() if getattr(student, k) != v}


def import_roster(
    session: Session,
    *,
    school_id: int,
    data: bytes,
    dry_run: bool,
    school_year: str,
    leave_missing: bool = True,
    max_bytes: int | None = None,
    caller: Any = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check a roster file and (unless a dry run) apply it in the session: all rows or none.

    Raises InvalidInput for a file that cannot be read, and for row errors when not a dry run; in a dry run
    the row errors are in the report. `progress(n)` is told as rows are applied."""
    if max_bytes is not None and len(data) > max_bytes:
        raise PayloadTooLarge(
            f"The file is {len(data) / 1_048_576:.1f} MB; imports take at most "
            f"{max_bytes / 1_048_576:.1f} MB. Split the file by grade and import the parts."
        )
    columns, rows, errors = parse(decode(data))
    existing_classes, new_classes = _resolve_classes(
        session, school_id=school_id, school_year=school_year, rows=rows, errors=errors
    )
    report = ImportReport(dry_run=dry_run)
    errors.sort(key=lambda e: e["line"])
    report.errors = errors[:MAX_REPORTED_ERRORS]
    if errors and not dry_run:
        more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
        raise InvalidInput(
            f"Nothing was imported: line {errors[0]['line']}: {errors[0]['message']}{more}",
            errors={"rows": report.errors},
        )
    students = {
        s.external_id: s
        for s in session.scalars(
            select(Student).where(Student.school_id == school_id, Student.external_id.is_not(None))
        )
    }
    classes: dict[str, SchoolClass] = dict(existing_classes)
    # In a dry run new classes have no id yet; a stand-in id still shows a move into one as a change.
    planned_ids: dict[str, int] = {}
    for key, grade in sorted(new_classes.items()):
        planned_ids[key] = -1 - len(planned_ids)
        name = next(r.values["class"] for r in rows if class_name_key(r.values.get("class") or "") == key)
        report.classes_created.append(name)
        if not dry_run:
            school_class = SchoolClass(school_id=school_id, name=name, grade=grade, school_year=school_year)
            session.add(school_class)
            classes[key] = school_class
    if not dry_run and new_classes:
        session.flush()

    today = local_date()
    pending: list[Student] = []
    for row in rows:
        class_name = row.values.get("class")
        school_class = classes.get(class_name_key(class_name)) if class_name else None
        class_id = school_class.id if school_class is not None else None
        if class_name and school_class is None:
            class_id = planned_ids.get(class_name_key(class_name))
        student = students.get(row.external_id)
        if student is None:
            report.created += 1
            if not dry_run:
                left_on = row.values.get("left_on")
                student = Student(
                    school_id=school_id,
                    external_id=row.external_id,
                    given_name=row.values["given_name"],
                    family_name=row.values["family_name"],
                    preferred_name=row.values.get("preferred_name"),
                    class_id=class_id,
                    sfo_enrolled=bool(row.values.get("sfo")),
                    active=left_on is None,
                    left_on=left_on,
                )
                session.add(student)
                pending.append(student)
        else:
            changes = _changes(student, row, columns, class_id)
            if not changes:
                report.unchanged += 1
            elif changes.get("active") is False:
                report.left += 1
            else:
                report.updated += 1
            if changes and not dry_run:
                for key, value in changes.items():
                    setattr(student, key, value)
                if "class_id" in changes:
                    student.school_class = school_class
                report.student_ids.append(student.id)
        if not dry_run and len(pending) >= 500:
            session.flush()
            report.student_ids.extend(s.id for s in pending)
            pending.clear()
        if progress is not None:
            progress(1)
    if leave_missing:
        in_file = {r.external_id for r in rows}
        for external_id, student in students.items():
            if student.active and external_id not in in_file:
                report.left += 1
                if not dry_run:
                    student.active = False
                    student.left_on = today
                    report.student_ids.append(student.id)
    if not dry_run:
        session.flush()
        report.student_ids.extend(s.id for s in pending)
        outbox.emit(
            session, "roster.imported", school_id=school_id, object_type="school", object_id=school_id
        )
    audit.record(
        "roster_import_checked" if dry_run else "roster_imported",
        resource_type="student",
        student_ids=report.student_ids,
        user=caller,
        school_id=school_id,
        detail={k: v for k, v in report.as_dict().items() if k != "errors"} | {"errors": len(errors)},
    )
    return report


# Export


def neutralise(value: Any) -> str:
    """A cell Excel shows as text: a leading formula character gets a quote in front."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def export_rows(students: Iterable[Student]) -> Iterable[list[Any]]:
    """The roster file's rows: the header, then one row per student."""
    yield COLUMN_NAMES
    for s in students:
        yield [
            s.external_id,
            s.given_name,
            s.family_name,
            s.preferred_name,
            s.class_name,
            s.grade,
            "yes" if s.sfo_enrolled else "no",
            s.left_on.isoformat() if s.left_on else None,
        ]


def export_csv(students: Iterable[Student]) -> str:
    """The students as a CSV for Excel: BOM, `;`, CRLF, formula cells neutralised; importable again."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in export_rows(students):
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def export_filename(today: date | None = None) -> str:
    """A download name for the export."""
    return f"elever-{(today or local_date()).isoformat()}.csv"
