"""Observations in the student log, for those who may see them (the note only for those who may read it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.student_log import LogEntry, log_source
from api.observations import permissions
from api.observations.models import Observation, ObservationStudent

MOOD_WORDS = {1: "very bad", 2: "bad", 3: "okay", 4: "good", 5: "very good"}
SUMMARY_NOTE_CHARS = 200


def summary(viewer: Any, observation: Observation) -> str:
    """One line: mood, context, tags and (when the viewer may read it) the start of the note."""
    parts = [f"Observation: mood {observation.mood}/5 ({MOOD_WORDS.get(observation.mood, '?')})"]
    if observation.context:
        parts.append(f"context {observation.context}")
    if observation.tags:
        parts.append("tags " + ", ".join(observation.tags))
    text = ", ".join(parts)
    if observation.note:
        if permissions.can_see_note(viewer, observation):
            note = observation.note
            if len(note) > SUMMARY_NOTE_CHARS:
                note = note[: SUMMARY_NOTE_CHARS - 1] + "…"
            text += f". Note: {note}"
        else:
            text += ". (Sensitive note hidden)"
    return text


@log_source("observation")
def observations_for_log(
    session: Session, *, viewer: Any, student: Any, before: datetime | None, limit: int
) -> list[LogEntry]:
    """Observations about the student that the viewer may see, newest first."""
    if student.school_id != viewer.school_id or not viewer.has_role(*permissions.CHILD_FACING_ROLES):
        return []
    stmt = (
        select(Observation)
        .where(
            Observation.school_id == viewer.school_id,
            Observation.withdrawn_at.is_(None),
            Observation.id.in_(
                select(ObservationStudent.observation_id).where(ObservationStudent.student_id == student.id)
            ),
            permissions.visible_clause(session, viewer),
        )
        .order_by(Observation.observed_at.desc(), Observation.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(Observation.observed_at < before)
    return [
        LogEntry(
            kind="observation",
            occurred_at=o.observed_at,
            summary=summary(viewer, o),
            ref_type="observation",
            ref_id=o.id,
            author_id=o.author_id,
            author_name=o.author.name,
            detail={
                "mood": o.mood,
                "context": o.context,
                "tags": list(o.tags or []),
                "sensitive": o.sensitive,
            },
        )
        for o in session.scalars(stmt)
    ]
