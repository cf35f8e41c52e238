"""Cases and observations at chosen moments and places, written straight to the database (arranging only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from api.incidents.models import Incident, IncidentStudent
from api.observations.models import Observation, ObservationStudent


def add_cases(
    session: Session,
    reporter: Any,
    students: list[Any],
    *,
    n: int = 1,
    at: datetime = datetime(2026, 10, 5, 8, 15, tzinfo=UTC),
    place: str | None = "schoolyard",
    classification: str = "teasing",
    knowledge_source: str | None = "saw",
    accused: Any = None,
    withdrawn: bool = False,
) -> list[Incident]:
    """n cases about these students (first one target, the others actors)."""
    made = []
    for _ in range(n):
        incident = Incident(
            school_id=reporter.school_id,
            classification=classification,
            status="open",
            occurred_at=at,
            created_at=at,
            place=place,
            knowledge_source=knowledge_source,
            reported_by_id=reporter.id,
            accused_staff_id=accused.id if accused is not None else None,
            withdrawn_at=at if withdrawn else None,
            withdrawn_by_id=reporter.id if withdrawn else None,
        )
        incident.students = [
            IncidentStudent(student_id=s.id, role="target" if i == 0 else "actor")
            for i, s in enumerate(students)
        ]
        session.add(incident)
        made.append(incident)
    session.commit()
    return made


def add_observations(
    session: Session, author: Any, student: Any, *, n: int = 1, mood: int = 3, at: datetime | None = None
) -> list[Observation]:
    """n observations of one student."""
    made = []
    for _ in range(n):
        obs = Observation(
            school_id=author.school_id,
            author_id=author.id,
            mood=mood,
            tags=[],
            observed_at=at or datetime(2026, 10, 5, 9, 0, tzinfo=UTC),
        )
        obs.students = [ObservationStudent(student_id=student.id)]
        session.add(obs)
        made.append(obs)
    session.commit()
    return made
