"""Incident (hændelse) and case models."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, SchoolOwned
from api.core.timeutil import utcnow
from api.students.models import Student
from api.users.models import User


class Classification(StrEnum):
    """What kind of incident it is (can change as the case is investigated)."""

    CONFLICT = "conflict"
    TEASING = "teasing"
    BULLYING = "bullying"
    DIGITAL_BULLYING = "digital_bullying"
    EXCLUSION = "exclusion"
    WELLBEING_CONCERN = "wellbeing_concern"
    VALUE_RULE_BREACH = "value_rule_breach"


# Classifications that, once established by a leader or resource person, start the law's action-plan clock.
BULLYING_LIKE = (
    Classification.BULLYING,
    Classification.DIGITAL_BULLYING,
    Classification.EXCLUSION,
    Classification.VALUE_RULE_BREACH,
)


class CaseStatus(StrEnum):
    """Where the case is in the workflow."""

    OPEN = "open"
    INVESTIGATING = "investigating"
    ACTION_PLAN = "action_plan"
    MONITORING = "monitoring"
    CLOSED = "closed"


class InvolvementRole(StrEnum):
    """A student's part in an incident."""

    TARGET = "target"
    ACTOR = "actor"
    BYSTANDER = "bystander"
    SUPPORTER = "supporter"


class Incident(SchoolOwned, Base):
    """Something staff saw or were told; it becomes a case that is worked until closed."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    classification: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN.value, index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    place: Mapped[str | None] = mapped_column(String(100), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    knowledge_source: Mapped[str | None] = mapped_column(String(32), default=None)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    reported_by: Mapped[User] = relationship(lazy="joined")
    students: Mapped[list[IncidentStudent]] = relationship(
        back_populates="incident",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="IncidentStudent.id",
    )

    __mapper_args__ = {"version_id_col": version}


class IncidentStudent(Base):
    """A student involved in an incident, with their role."""

    __tablename__ = "incident_students"
    __table_args__ = (UniqueConstraint("incident_id", "student_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    incident: Mapped[Incident] = relationship(back_populates="students")
    student: Mapped[Student] = relationship(lazy="joined")
