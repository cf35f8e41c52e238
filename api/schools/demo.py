"""Demo school settings: Vestrup Skole's recess times."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

# A common Danish school day: a morning recess, the lunch recess and an afternoon recess.
RECESS_TIMES = [
    {"start": "09:40", "end": "10:00"},
    {"start": "11:30", "end": "12:00"},
    {"start": "13:30", "end": "13:45"},
]


def seed(session: Session, ctx: Any) -> None:
    """The demo school's recesses, so the phone app can date a log to the last one."""
    ctx.school.recess_times = [dict(r) for r in RECESS_TIMES]
