"""Working days for legal deadlines: Monday-Friday minus Danish public holidays (the `holidays` package,
its default categories) minus the school's own closed days when the school counts them."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.calendar import permissions
from api.calendar.models import ClosedPeriod
from api.core import audit
from api.core.fields import valid_id
from api.core.pagination import paginate
from api.core.scoping import forget_per_request, get_in_school, per_request
from api.errors import Conflict, InvalidInput, NotFound

# A deadline search never runs further than this (a calendar closed for years is a data error).
_MAX_SEARCH_DAYS = 5 * 366
# Longest closed period accepted (a summer holiday is about 45 days).
MAX_PERIOD_DAYS = 120


@functools.lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Danish public holidays of a year, as the `holidays` package defines them by default."""
    return frozenset(holidays.Denmark(years=year).keys())


def is_public_holiday(day: date) -> bool:
    """Whether the day is a Danish public holiday."""
    return day in public_holidays(day.year)


def _closed_periods(session: Session, school_id: int) -> list[tuple[date, date]]:
    """The school's closed periods, read once per request: a page of cases computes a deadline per case."""
    return per_request(
        ("closed_periods", school_id),
        lambda: [
            (first, last)
            for first, last in session.execute(
                select(ClosedPeriod.first_day, ClosedPeriod.last_day).where(
                    ClosedPeriod.school_id == school_id
                )
            )
        ],
    )


def _closed_days(session: Session, school: Any, start: date) -> set[date]:
    if not school.count_closed_days:
        return set()
    horizon = start + timedelta(days=_MAX_SEARCH_DAYS)
    days: set[date] = set()
    for first_day, last_day in _closed_periods(session, school.id):
        day = max(first_day, start)
        while day <= last_day and day <= horizon:
            days.add(day)
            day += timedelta(days=1)
    return days


def add_working_days(session: Session, *, school: Any, start: date, days: int) -> date:
    """The `days`-th working day after `start`, not counting `start` itself (0 gives `start`)."""
    if days < 0:
        raise ValueError("days must not be negative")
    closed = _closed_days(session, school, start)
    day = start
    counted = 0
    limit = start + timedelta(days=_MAX_SEARCH_DAYS)
    while counted < days:
        day += timedelta(days=1)
        if day > limit:
            raise InvalidInput("No working days found within five years; check the school's closed days.")
        if day.weekday() < 5 and not is_public_holiday(day) and day not in closed:
            counted += 1
    return day


def is_working_day(session: Session, *, school: Any, day: date) -> bool:
    """Whether a day counts as a working day for this school."""
    if day.weekday() >= 5 or is_public_holiday(day):
        return False
    return day not in _closed_days(session, school, day - timedelta(days=1))


def list_closed_days(
    session: Session,
    *,
    caller: Any,
    from_day: date | None = None,
    to_day: date | None = None,
    page: int = 1,
    page_size: int = 25,
) -> dict:
    """The school's closed periods, earliest first (any staff member may read them)."""
    stmt = select(ClosedPeriod).where(ClosedPeriod.school_id == caller.school_id)
    if from_day is not None:
        stmt = stmt.where(ClosedPeriod.last_day >= from_day)
    if to_day is not None:
        stmt = stmt.where(ClosedPeriod.first_day <= to_day)
    stmt = stmt.order_by(ClosedPeriod.first_day, ClosedPeriod.id)
    return paginate(session, stmt, page=page, page_size=page_size)


def add_closed_days(
    session: Session, *, caller: Any, first_day: date, last_day: date | None = None, name: str
) -> ClosedPeriod:
    """Mark a day or a period as closed; periods may not overlap (409)."""
    permissions.ensure_can_edit(caller)
    last_day = last_day or first_day
    if last_day < first_day:
        raise InvalidInput(
            "The last day comes before the first day.", errors={"last_day": ["before first_day"]}
        )
    if (last_day - first_day).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput(
            f"A closed period may be at most {MAX_PERIOD_DAYS} days long.", errors={"last_day": ["too long"]}
        )
    name = name.strip()
    if not name:
        raise InvalidInput("Give the closed period a name.", errors={"name": ["blank"]})
    overlapping = session.scalar(
        select(ClosedPeriod.id).where(
            ClosedPeriod.school_id == caller.school_id,
            ClosedPeriod.first_day <= last_day,
            ClosedPeriod.last_day >= first_day,
        )
    )
    if overlapping is not None:
        raise Conflict("These days overlap a closed period that is already registered.")
    period = ClosedPeriod(
        school_id=caller.school_id, first_day=first_day, last_day=last_day, name=name, created_by_id=caller.id
    )
    session.add(period)
    session.flush()
    forget_per_request()  # the deadlines this request computes from now on count the new days
    audit.record(
        "closed_days_added",
        resource_type="calendar_closed_days",
        resource_id=period.id,
        detail={"first_day": first_day.isoformat(), "last_day": last_day.isoformat()},
    )
    return period


def delete_closed_days(session: Session, *, caller: Any, period_id: int) -> None:
    """Remove a closed period of the caller's school."""
    if not valid_id(period_id):
        raise NotFound("Closed period not found.")
    period = get_in_school(session, ClosedPeriod, period_id, school_id=caller.school_id, what="Closed period")
    permissions.ensure_can_edit(caller)
    session.delete(period)
    session.flush()
    forget_per_request()
    audit.record("closed_days_deleted", resource_type="calendar_closed_days", resource_id=period_id)
