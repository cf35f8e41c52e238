"""Roster import and export as CSV, the way Danish school systems and Excel write it.

Import: UTF-8 with or without BOM, `;`, `,` or tab separated, one header line naming the columns (English
names or the Danish ones in COLUMNS). Students are matched by external id; the whole file is checked
first and then applied in one go, so a file with one bad row changes nothing. Re-importing the same file
changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
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


@dataclass(frozen=True)
class Column:
    """A column of the roster file."""

    name: str
    aliases: tuple[str, ...]
    required: bool
    description: str


COLUMNS = (
    Column(
        "external_id",
        ("elev_id", "elevid", "unilogin", "uni_login", "uni_login_id", "brugernavn"),
        True,
        "The student's id in the school's administrative system (e.g. UNI-Login); how students are matched",
    ),
    Column("given_name", ("fornavn", "fornavne"), True, "Given name(s)"),
    Column("family_name", ("efternavn",), True, "Family name"),
    Column("preferred_name", ("kaldenavn",), False, "The name the student goes by; empty: none"),
    Column(
        "class",
        ("klasse", "class_name"),
        False,
        'The class as the school writes it ("3.A"); created in the import\'s school year if new; '
        "empty: no class",
    ),
    Column(
        "grade",
        ("klassetrin", "årgang", "aargang", "trin"),
        False,
        "Grade level 0-10 of the class; needed only for a new class whose name does not start with it",
    ),
    Column("sfo", ("sfo_enrolled", "sfo_tilmeldt"), False, "Enrolled in SFO: yes/no (ja/nej, 1/0, x)"),
    Column(
        "left_on",
        ("udmeldt", "fraflyttet", "left"),
        False,
        "The day the student left (2026-06-30 or 30-06-2026); empty: the student attends",
    ),
)
COLUMN_NAMES = [c.name for c in COLUMNS]
_ALIASES = {alias: c.name for c in COLUMNS for alias in (c.name, *c.aliases)}
_CPR_HEADERS = {"cpr", "cpr_nr", "cprnr", "cpr_nummer", "cprnummer", "personnummer", "personnr"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TRUE = {"yes", "y", "ja", "j", "true", "1", "x"}
_FALSE = {"no", "n", "nej", "false", "0", ""}
_GRADE_IN_NAME = re.compile(r"^\s*(\d{1,2})(?!\d)")
_DATE_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
MAX_NAME = 100
MAX_EXTERNAL_ID = 64
MAX_CLASS = 64
MAX_REPORTED_ERRORS = 200


def _file_error(message: str) -> InvalidInput:
    return InvalidInput(message, errors={"file": [message]})


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


@dataclass
class Row:
    """One checked line of the file."""

    line: int
    external_id: str
    values: dict[str, Any]


def decode(data: bytes) -> str:
    """The file's text; clear errors for what is not UTF-8 CSV."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _file_error("The file is empty.")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            "This is an Excel workbook, not a CSV file. In Excel choose File > Save As > "
            '"CSV UTF-8 (comma delimited) (*.csv)" and import that file.'
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(
            'The file is UTF-16 ("Unicode text"). Save it as "CSV UTF-8 (comma delimited) (*.csv)" '
            "and import that file."
        )
    if b"\x00" in data[:8192]:
        raise _file_error("The file holds binary data; it is not a CSV file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _file_error(
            f"The file is not UTF-8: line {line} has a character in another encoding (probably "
            "Windows-1252/Latin-1, which older Excel versions use for CSV; æ, ø and å then break). "
            'In Excel choose File > Save As > "CSV UTF-8 (comma delimited) (*.csv)", or save it as '
            "UTF-8 in your text editor, and import it again."
        ) from exc


def _header_key(cell: str) -> str:
    key = cell.strip().strip('"').strip().lower()
    return re.sub(r"[\s\-]+", "_", key)


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise _file_error(
            "Could not find the column separator in the first line. The first line must name the "
            f"columns, separated by ; or , (for example: {';'.join(COLUMN_NAMES[:3])})."
        )
    return best


def _parse_header(cells: list[str]) -> list[str | None]:
    keys = [_header_key(c) for c in cells]
    cpr = [c for c, k in zip(cells, keys, strict=True) if k in _CPR_HEADERS]
    if cpr:
        raise _file_error(
            f"Column {cpr[0].strip()!r} is not accepted: Trivsel never stores CPR numbers. "
            "Remove the column from the file and import it again."
        )
    unknown = [c.strip() for c, k in zip(cells, keys, strict=True) if k and k not in _ALIASES]
    if unknown:
        raise _file_error(
            f"Unknown columns: {', '.join(unknown)}. Remove them; the columns Trivsel reads are "
            f"{', '.join(COLUMN_NAMES)}."
        )
    names: list[str | None] = [_ALIASES.get(k) if k else None for k in keys]
    seen: set[str] = set()
    for name in names:
        if name is not None and name in seen:
            raise _file_error(f"The column {name} appears twice.")
        if name is not None:
            seen.add(name)
    missing = [c.name for c in COLUMNS if c.required and c.name not in seen]
    if missing:
        raise _file_error(
            f"Missing columns: {', '.join(missing)}. The first line must name the columns; required are "
            f"{', '.join(c.name for c in COLUMNS if c.required)}."
        )
    return names


def _bool(value: str) -> bool | None:
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def _date(value: str) -> date | None:
    value = value.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    match = _DATE_DMY.match(value)
    if match:
        try:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None
    return None


def grade_from_class_name(name: str) -> int | None:
    """The grade a class name starts with ("3.A" -> 3, "0B" -> 0), if any."""
    match = _GRADE_IN_NAME.match(name)
    if not match:
        return None
    grade = int(match.group(1))
    return grade if 0 <= grade <= 10 else None


def _check_row(line: int, cells: dict[str, str], today: date) -> tuple[Row | None, list[str]]:
    problems: list[str] = []
    for name, value in cells.items():
        if value.startswith(FORMULA_STARTS) or value.strip().startswith(FORMULA_STARTS):
            shown = value.strip()[:1] or "a tab"
            problems.append(
                f"{name} starts with {shown!r}, which spreadsheets run as a formula; such cells are not "
                "accepted (remove the character)."
            )
    if problems:
        return None, problems
    values: dict[str, Any] = {}
    for name in ("external_id", "given_name", "family_name"):
        if not cells.get(name, "").strip():
            problems.append(f"{name} is empty.")
    for name, limit in (
        ("external_id", MAX_EXTERNAL_ID),
        ("given_name", MAX_NAME),
        ("family_name", MAX_NAME),
        ("preferred_name", MAX_NAME),
        ("class", MAX_CLASS),
    ):
        if name not in cells:
            continue
        value = " ".join(cells[name].split())
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            problems.append(f"{name} holds control characters.")
        elif len(value) > limit:
            problems.append(f"{name} is longer than {limit} characters.")
        values[name] = value or None
    if "grade" in cells and cells["grade"].strip():
        raw = cells["grade"].strip().rstrip(".")
        if raw.isdigit() and 0 <= int(raw) <= 10:
            values["grade"] = int(raw)
        else:
            problems.append(f"grade {cells['grade'].strip()!r} is not a grade from 0 to 10.")
    if "sfo" in cells:
        sfo = _bool(cells["sfo"])
        if sfo is None:
            problems.append(f"sfo {cells['sfo'].strip()!r} is not yes or no.")
        values["sfo"] = sfo
    if "left_on" in cells:
        raw = cells["left_on"].strip()
        left_on = _date(raw) if raw else None
        if raw and left_on is None:
            problems.append(f"left_on {raw!r} is not a date (write 2026-06-30 or 30-06-2026).")
        elif left_on is not None and left_on > today:
            problems.append(f"left_on {raw} is in the future; import the leaving date once it has passed.")
        values["left_on"] = left_on
    if problems:
        return None, problems
    return Row(line=line, external_id=values.pop("external_id"), values=values), []


def parse(text: str) -> tuple[list[str], list[Row], list[dict[str, Any]]]:
    """The columns present, the checked rows and the row errors ({line, message}) of a roster file."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise _file_error("The first line must name the columns.") from exc
    names = _parse_header(header)
    today = local_date()
    rows: list[Row] = []
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append({"line": line, "message": f"The line cannot be read as CSV ({exc})."})
            break
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
            errors.append(
                {
                    "line": start,
                    "message": f"The line has {len(cells)} fields but the header names {len(names)} "
                    "columns (check the separator and quotes).",
                }
            )
            continue
        by_name = {
            name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names) if name is not None
        }
        row, problems = _check_row(start, by_name, today)
        if row is None:
            errors.extend({"line": start, "message": p} for p in problems)
            continue
        if row.external_id in seen:
            errors.append(
                {
                    "line": start,
                    "message": f"external_id {row.external_id!r} is also on line {seen[row.external_id]}.",
                }
            )
            continue
        seen[row.external_id] = start
        rows.append(row)
    return [n for n in names if n is not None], rows, errors


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
    actor: Any = None,
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
        user=actor,
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
