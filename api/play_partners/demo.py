"""Demo data: play-partner arrangements that apply today, with a few check-ins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.core.timeutil import local_date
from api.errors import Conflict
from api.incidents.service import open_case_pairs
from api.observations.demo import demo_students
from api.play_partners import service


def seed(session: Session, ctx: Any) -> None:
    """Three arrangements in force today (whatever weekday today is) and check-ins for the last days."""
    students = demo_students(session, ctx)
    if len(students) < 8:
        return
    today = local_date()
    weekdays = sorted({1, 2, 3, 4, 5, today.isoweekday()})
    by_class: dict[Any, list[Any]] = {}
    for s in students:
        by_class.setdefault(s.class_id, []).append(s)
    groups = [members for members in by_class.values() if len(members) >= 3]
    plans = [
        (
            ["first_recess", "lunch"],
            ctx.users["teacher"],
            "Leger sammen i det store frikvarter; hjælp dem med at komme i gang med en leg.",
        ),
        (
            ["lunch", "sfo"],
            ctx.users["sfo_staff"],
            "Mødes ved sandkassen efter frokost; den voksne kigger forbi.",
        ),
        (
            ["second_recess"],
            ctx.users["pedagogue"],
            "Fodbold på det blandede hold; ingen bliver holdt udenfor.",
        ),
    ]
    for index, (recesses, responsible, purpose) in enumerate(plans):
        pool = groups[index % len(groups)] if groups else students
        for offset in range(len(pool) - 1):
            pair = [pool[offset], pool[offset + 1]] + (
                [pool[offset + 2]] if index == 1 and offset + 2 < len(pool) else []
            )
            # Wellbeing-day groups keep play-partners together, which no open case of any kind may allow.
            if open_case_pairs(session, viewer=ctx.users["leader"], student_ids=[s.id for s in pair]):
                continue
            try:
                arrangement = service.create_arrangement(
                    session,
                    caller=ctx.users["teacher"],
                    student_ids=[s.id for s in pair],
                    recesses=recesses,
                    weekdays=weekdays,
                    start_date=today - timedelta(days=14),
                    end_date=today + timedelta(days=30),
                    responsible_id=responsible.id,
                    purpose=purpose,
                )
            except Conflict:
                continue  # an open bullying case pairs these two; try the next pair
            for days_ago, outcome in ((1, "good"), (2, "mixed"), (3, "did_not_happen")):
                day = today - timedelta(days=days_ago)
                if arrangement.weekday_mask & (1 << (day.isoweekday() - 1)):
                    service.add_check_in(
                        session, caller=responsible, arrangement=arrangement, outcome=outcome, date=day
                    )
            break
