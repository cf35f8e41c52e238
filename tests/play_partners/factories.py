"""Factories for play-partner arrangements."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.core.timeutil import local_date
from api.play_partners.models import ArrangementStudent, PlayPartnerArrangement


def make_arrangement(
    session: Session,
    creator: Any,
    students: list[Any],
    *,
    responsible: Any = None,
    recesses: list[str] | None = None,
    weekdays: list[int] | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    status: str = "active",
    purpose: str = "Leg sammen i frikvarteret",
) -> PlayPartnerArrangement:
    """An arrangement (default: every weekday, lunch, from a week ago for a month, active)."""
    today = local_date()
    arrangement = PlayPartnerArrangement(
        school_id=creator.school_id,
        purpose=purpose,
        start_date=start_date or today - timedelta(days=7),
        end_date=end_date or today + timedelta(days=30),
        responsible_id=(responsible or creator).id,
        created_by_id=creator.id,
        status=status,
    )
    arrangement.recesses = recesses or ["lunch"]
    arrangement.weekdays = weekdays or [1, 2, 3, 4, 5, 6, 7]
    arrangement.students = [ArrangementStudent(student_id=s.id) for s in students]
    session.add(arrangement)
    session.commit()
    return arrangement
