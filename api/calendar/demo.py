"""Demo calendar: Vestrup Skole's school holidays this school year (not counted until the school says so)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.calendar.models import ClosedPeriod
from api.core.timeutil import local_date


def _week(year: int, week: int) -> tuple[date, date]:
    monday = date.fromisocalendar(year, week, 1)
    return monday, monday + timedelta(days=4)


def seed(session: Session, ctx: Any) -> None:
    """Autumn, Christmas and winter holidays of the current school year."""
    today = local_date()
    start = today.year if today.month >= 8 else today.year - 1
    periods = [
        ("Efterårsferie", *_week(start, 42)),
        ("Juleferie", date(start, 12, 21), date(start + 1, 1, 1)),
        ("Vinterferie", *_week(start + 1, 7)),
    ]
    for name, first, last in periods:
        session.add(ClosedPeriod(school_id=ctx.school.id, first_day=first, last_day=last, name=name))
