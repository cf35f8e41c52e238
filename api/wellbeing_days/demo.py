"""Demo data: a whole-school wellbeing day in three weeks, with its groups built."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.core.timeutil import local_date
from api.errors import InvalidInput
from api.observations.demo import demo_students
from api.wellbeing_days import service


def seed(session: Session, ctx: Any) -> None:
    """A planned trivselsdag across all grades, groups of 6, play-partners kept together."""
    students = demo_students(session, ctx)
    if not students:
        return
    day = local_date() + timedelta(days=21)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    grades = sorted({s.school_class.grade for s in students if s.school_class is not None})
    adults = [ctx.users[r] for r in ("teacher", "pedagogue", "sfo_staff", "resource_person", "leader")]
    wellbeing_day = service.create_day(
        session,
        caller=ctx.users["leader"],
        date=day,
        title="Trivselsdag: venskab på tværs",
        kind="wellbeing_day",
        description="Hele skolen i blandede grupper: lege, bål og fælles frokost.",
        grades=grades,
        adult_ids=[u.id for u in adults],
    )
    try:
        service.build_groups(
            session,
            caller=ctx.users["leader"],
            day=wellbeing_day,
            group_size=6,
            seed=2026,
            keep_play_partners=True,
        )
    except InvalidInput:
        service.build_groups(session, caller=ctx.users["leader"], day=wellbeing_day, group_size=6, seed=2026)
