"""Reading a roster file (pure): the encodings, separators and column names Danish school systems and Excel
write, and each row checked on its own before anything is applied."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from api.core.timeutil import local_date
from api.errors import InvalidInput


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


# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
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
