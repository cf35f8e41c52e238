"""Factories for observations, and open cases (incidents with a target and an actor)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from api.core.timeutil import utcnow
from api.incidents.models import Incident, IncidentStudent
from api.observations.models import Observation, ObservationStudent


def make_observation(
    session: Session,
    author: Any,
    students: list[Any],
    *,
    mood: int = 3,
    note: str | None = None,
    sensitive: bool = False,
    context: str | None = None,
    tags: list[str] | None = None,
    observed_at: datetime | None = None,
) -> Observation:
    """An observation written by `author` about these students."""
    obs = Observation(
        school_id=author.school_id,
        author_id=author.id,
        mood=mood,
        note=note,
        sensitive=sensitive,
        context=context,
        tags=tags or [],
        observed_at=observed_at or utcnow(),
    )
    obs.students = [ObservationStudent(student_id=s.id) for s in students]
    session.add(obs)
    session.commit()
    return obs


def make_case(
    session: Session,
    reporter: Any,
    *,
    target: Any,
    actor: Any,
    classification: str = "bullying",
    status: str = "open",
) -> Incident:
    """An incident (case) with one target and one actor."""
    incident = Incident(
        school_id=reporter.school_id,
        classification=classification,
        status=status,
        reported_by_id=reporter.id,
    )
    incident.students = [
        IncidentStudent(student_id=target.id, role="target"),
        IncidentStudent(student_id=actor.id, role="actor"),
    ]
    session.add(incident)
    session.commit()
    return incident
