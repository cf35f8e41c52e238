"""Observation models: an observation and the students it is about."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.changes import touches_by
from api.core.db import Base, JSONType, SchoolOwned
from api.core.enums import documented_enum
from api.core.timeutil import utcnow
from api.students.models import Student
from api.users.models import User


@documented_enum(
    {
        "sfo": ("SFO", "In the after-school care."),
        "recess": ("frikvarter", "During recess."),
        "lesson": ("undervisning", "In a lesson."),
        "trip": ("tur", "On a trip."),
        "other": ("andet", "Elsewhere."),
    }
)
class ObservationContext(StrEnum):
    """Where the adult noticed it."""

    SFO = "sfo"
    RECESS = "recess"
    LESSON = "lesson"
    TRIP = "trip"
    OTHER = "other"


@documented_enum(
    {
        "alone": ("alene", "Was on their own."),
        "sad": ("ked af det", "Was sad."),
        "conflict": ("konflikt", "Was in a conflict."),
        "excluded": ("holdt udenfor", "Was left out."),
        "tired": ("træt", "Was tired."),
        "angry": ("vred", "Was angry."),
        "worried": ("bekymret", "Was worried."),
        "good_day": ("god dag", "Had a good day."),
        "happy": ("glad", "Was happy."),
        "played_with_others": ("legede med andre", "Played with others."),
        "helped_others": ("hjalp andre", "Helped others."),
    }
)
class ObservationTag(StrEnum):
    """Quick tags an adult can tick instead of writing."""

    ALONE = "alone"
    SAD = "sad"
    CONFLICT = "conflict"
    EXCLUDED = "excluded"
    TIRED = "tired"
    ANGRY = "angry"
    WORRIED = "worried"
    GOOD_DAY = "good_day"
    HAPPY = "happy"
    PLAYED_WITH_OTHERS = "played_with_others"
    HELPED_OTHERS = "helped_others"


CONTEXT_VALUES = [c.value for c in ObservationContext]
TAG_VALUES = [t.value for t in ObservationTag]
MOOD_MIN, MOOD_MAX = 1, 5
NOTE_MAX = 1000


class Observation(SchoolOwned, Base):
    """How one or more students were doing, as an adult saw it: a mood, a context, tags and a short note."""

    __tablename__ = "observations"
    __table_args__ = (Index("ix_observations_school_updated", "school_id", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mood: Mapped[int] = mapped_column(SmallInteger)  # 1 (very bad) .. 5 (very good)
    context: Mapped[str | None] = mapped_column(String(16), default=None)
    tags: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # A sensitive note is shown only to resource persons, leaders and the author.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    observed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), default=None, index=True
    )
    # Withdrawn by its author just after logging it ("Fortryd"): kept for the audit, out of lists and logs.
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    author: Mapped[User] = relationship(lazy="joined", foreign_keys=[author_id])
    withdrawn_by: Mapped[User | None] = relationship(lazy="selectin", foreign_keys=[withdrawn_by_id])
    students: Mapped[list[ObservationStudent]] = relationship(
        back_populates="observation",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ObservationStudent.id",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def student_ids(self) -> list[int]:
        """The ids of the students the observation is about."""
        return [s.student_id for s in self.students]


class ObservationStudent(Base):
    """A student an observation is about."""

    __tablename__ = "observation_students"
    __table_args__ = (UniqueConstraint("observation_id", "student_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)

    observation: Mapped[Observation] = relationship(back_populates="students")
    student: Mapped[Student] = relationship(lazy="joined")


touches_by(ObservationStudent, Observation, "observation_id")
