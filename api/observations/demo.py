"""Demo data: observations over the last weeks (and a fallback roster for the prevention seeders)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.core.timeutil import LOCAL_TZ, as_utc, local_date
from api.observations import service

NOTES = [
    "Sad alene ved hegnet det meste af frokostpausen.",
    "Spillede fodbold med 3. klasserne og grinede meget.",
    "Skændtes om gyngerne; fik det løst med lidt hjælp.",
    "Træt og stille hele eftermiddagen i SFO.",
    "Hjalp et mindre barn, der var faldet.",
    "Ville være med i fangeleg, men fik at vide, at hun ikke måtte.",
    None,
    None,
]
SENSITIVE_NOTES = [
    "Fortalte, at det er svært derhjemme lige nu; forældrene skal skilles.",
    "Sagde, at nogle ældre elever skriver grimme ting om hende i en gruppechat.",
]


def demo_students(session: Session, ctx: Any) -> list[Any]:
    """The demo school's active students (from the roster seeder)."""
    return [s for s in ctx.students if s.active]


def seed(session: Session, ctx: Any) -> None:
    """About 40 observations over the last four weeks, a few sensitive, one turned into an incident."""
    students = demo_students(session, ctx)
    if not students:
        return
    rng = random.Random(30)
    authors = [ctx.users["sfo_staff"], ctx.users["teacher"], ctx.users["pedagogue"]]
    today = local_date()
    created = []
    for i in range(40):
        day = today - timedelta(days=rng.randint(0, 27))
        if day.isoweekday() > 5:
            day -= timedelta(days=day.isoweekday() - 5)
        moment = as_utc(
            datetime.combine(day, time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])), LOCAL_TZ)
        )
        moment = min(moment, as_utc(datetime.now(LOCAL_TZ)) - timedelta(minutes=5))
        author = authors[i % len(authors)]
        mood = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 3, 4, 3])[0]
        tags = {
            1: ["sad", "alone"],
            2: ["excluded"],
            3: [],
            4: ["good_day"],
            5: ["happy", "played_with_others"],
        }
        sensitive = i % 13 == 5
        note = SENSITIVE_NOTES[i % 2] if sensitive else rng.choice(NOTES)
        context = "sfo" if author is ctx.users["sfo_staff"] else rng.choice(["recess", "lesson", "trip"])
        created.append(
            service.create_observation(
                session,
                caller=author,
                student_ids=[s.id for s in rng.sample(students, rng.choice([1, 1, 1, 2]))],
                mood=mood,
                context=context,
                tags=tags[mood],
                note=note,
                sensitive=sensitive,
                observed_at=moment,
            )
        )
    worried = next((o for o in sorted(created, key=lambda o: o.mood) if not o.sensitive), None)
    if worried is not None:
        service.convert_to_incident(
            session, caller=ctx.users["teacher"], observation=worried, classification="wellbeing_concern"
        )
