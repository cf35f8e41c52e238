"""Whose cases and observations an aggregate counts, over which period, and Copenhagen wall time in SQL.

A school's staff member counts exactly the cases the incidents' own visibility rule lets them see and the
observations the observations' rule lets them see; a municipality counts every case of a school. Neither
ever counts a withdrawn report or a case accusing a staff member (a count of those could point at a person).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, case, extract, func, literal_column, true
from sqlalchemy.orm import Session

from api.core.db import is_postgresql
from api.core.timeutil import LOCAL_TZ, local_date
from api.errors import InvalidInput
from api.incidents import permissions as incident_permissions
from api.observations import permissions as observation_permissions
from api.students.permissions import staff_class_ids

# Longest period one aggregate covers (three school years, what the bench data holds).
MAX_PERIOD_DAYS = 3 * 366
DEFAULT_MIN_CELL = 5


@dataclass(frozen=True)
class Period:
    """Whole Copenhagen days, first to last, both included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first moment of the period, in UTC."""
        return datetime.combine(self.first, time.min, LOCAL_TZ).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period, in UTC."""
        return datetime.combine(self.last + timedelta(days=1), time.min, LOCAL_TZ).astimezone(UTC)


def school_year_start(day: date) -> date:
    """1 August of the school year the day falls in (Danish school years start in August)."""
    return date(day.year if day.month >= 8 else day.year - 1, 8, 1)


def period_of(date_from: date | None, date_to: date | None) -> Period:
    """The asked period; by default the current school year up to today."""
    last = date_to or local_date()
    first = date_from or school_year_start(last)
    if first > last:
        raise InvalidInput("The period ends before it starts.", errors={"date_from": ["after date_to"]})
    if (last - first).days > MAX_PERIOD_DAYS:
        raise InvalidInput(
            f"A period may span at most {MAX_PERIOD_DAYS} days.", errors={"date_from": ["period too long"]}
        )
    return Period(first, last)


@dataclass(frozen=True)
class Scope:
    """What one aggregate may count, and which of its cells are shown in full."""

    school_id: int
    incidents: ColumnElement[bool]
    observations: ColumnElement[bool]
    # Classes whose own cells are shown whatever their size (the caller works in them); every other cell,
    # and every cell that adds up several classes, is suppressed below the threshold.
    full_classes: frozenset[int] = field(default_factory=frozenset)
    threshold: int = DEFAULT_MIN_CELL
    recess_times: tuple[tuple[str, str], ...] = ()


def min_cell() -> int:
    """The deployment's small-cell threshold (ANALYTICS_MIN_CELL, default 5)."""
    return int(current_app.config.get("ANALYTICS_MIN_CELL", DEFAULT_MIN_CELL))


def _recesses(school: Any) -> tuple[tuple[str, str], ...]:
    return tuple((r["start"], r["end"]) for r in (school.recess_times or []))


def _incidents_seen(session: Session, user: Any) -> ColumnElement[bool]:
    """The incidents' visibility rule for what an aggregate counts: a case of the user's school accusing no
    staff member (the views never count the others). Of those a case owner (leader, resource person) works
    every one, so for them the rule adds nothing to the statement; anyone else gets the rule itself."""
    if user.has_role(*incident_permissions.OWNER_ROLES):
        return true()
    return incident_permissions.visibility_clause(session, user)


def for_staff(session: Session, user: Any, school: Any) -> Scope:
    """A staff member's scope: the cases and observations they may see (their own classes, shown in full,
    are added by `own_classes` when a view needs them)."""
    return Scope(
        school_id=user.school_id,
        incidents=_incidents_seen(session, user),
        observations=observation_permissions.visible_clause(session, user),
        threshold=min_cell(),
        recess_times=_recesses(school),
    )


def own_classes(session: Session, user: Any) -> frozenset[int]:
    """The classes a staff member works in (their cells are shown in full)."""
    return frozenset(staff_class_ids(session, user))


def for_school(school: Any) -> Scope:
    """A municipality's (or an API client's) scope over one school: all its cases and observations, every
    small cell suppressed."""
    return Scope(
        school_id=school.id,
        incidents=true(),
        observations=true(),
        threshold=min_cell(),
        recess_times=_recesses(school),
    )


# ---------------------------------------------------------------- Copenhagen wall time in SQL


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _summer_periods(first_year: int, last_year: int) -> list[tuple[datetime, datetime]]:
    """EU summer time (UTC+2 in Copenhagen): from 01:00 UTC on March's last Sunday to October's."""
    return [
        (
            datetime.combine(_last_sunday(year, 3), time(1), UTC),
            datetime.combine(_last_sunday(year, 10), time(1), UTC),
        )
        for year in range(first_year, last_year + 1)
    ]


def local_time(session: Session, column: Any, period: Period) -> Any:
    """The column's moment as Copenhagen wall time, for grouping by hour, weekday or day in the database."""
    return _local_time(is_postgresql(session), column, period.first.year, period.last.year)


def _local_time(postgresql: bool, column: Any, first_year: int, last_year: int) -> Any:
    # The moment plus the offset in force, known from the period's summer-time transitions, read in UTC (the
    # connection's zone on PostgreSQL, api/core/db.py; SQLite has no zones). On PostgreSQL this is also the
    # cheaper way: `timezone('Europe/Copenhagen', …)` looks each row's moment up in the zone's rules, a fifth
    # of a heat map's time in the database at municipality scale.
    summer = [(column >= start) & (column < end) for start, end in _summer_periods(first_year, last_year)]
    if postgresql:
        winter, summer_offset = literal_column("interval '1 hour'"), literal_column("interval '2 hours'")
        return column + (
            case(*[(cond, summer_offset) for cond in summer], else_=winter) if summer else winter
        )
    offset = case(*[(cond, "+2 hours") for cond in summer], else_="+1 hours") if summer else "+1 hours"
    return func.datetime(column, offset)


def hour_of(session: Session, expr: Any) -> Any:
    """The hour (0-23) of a wall time."""
    return _hour_of(is_postgresql(session), expr)


def _hour_of(postgresql: bool, expr: Any) -> Any:
    # In PostgreSQL `date_part`, a float: cheaper to compute and group by than `extract`'s numeric.
    if postgresql:
        return func.date_part(literal_column("'hour'"), expr)
    return extract("hour", expr)


def local_hour(postgresql: bool, column: Any, first_year: int, last_year: int) -> Any:
    """The Copenhagen hour (0-23) of the column's moments in the years first_year..last_year, built from the
    database's kind alone (for a statement built once and reused)."""
    return _hour_of(postgresql, _local_time(postgresql, column, first_year, last_year))


def minute_of(expr: Any) -> Any:
    """The minute (0-59) of a wall time."""
    return extract("minute", expr)


def weekday_of(expr: Any) -> Any:
    """The weekday of a wall time, 0 = Sunday (both databases' `dow`)."""
    return extract("dow", expr)


def day_parts(expr: Any) -> tuple[Any, Any, Any]:
    """Year, month and day of a wall time."""
    return extract("year", expr), extract("month", expr), extract("day", expr)


def month_of(session: Session, expr: Any) -> Any:
    """The month of a wall time as one value to group by: its first moment (PostgreSQL) or `YYYY-MM` text
    (SQLite); `month_label` names either as `YYYY-MM`."""
    if is_postgresql(session):
        return func.date_trunc(literal_column("'month'"), expr)
    return func.strftime("%Y-%m", expr)


def month_label(value: Any) -> str:
    """`YYYY-MM` for a value of `month_of`."""
    return value if isinstance(value, str) else f"{value.year:04d}-{value.month:02d}"


def iso_weekday(dow: Any) -> int:
    """ISO weekday (1 = Monday .. 7 = Sunday) from a database's `dow`."""
    value = int(dow)
    return 7 if value == 0 else value
