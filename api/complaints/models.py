"""Complaints about a bullying case (undervisningsmiljøloven, folkeskole): first to the municipality, which
decides within 20 working days, then, if the complainant is still not satisfied, to the national body."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, JSONType, SchoolOwned
from api.core.enums import documented_enum
from api.core.timeutil import utcnow
from api.users.models import User


@documented_enum(
    {
        "received": ("modtaget", "The school received the complaint."),
        "decided": (
            "afgjort",
            "The municipality (kommunalbestyrelsen) decided, due 20 working days after receipt.",
        ),
        "answered": ("svar fra klager", "The complainant answered the decision."),
        "forwarded": ("videresendt", "Forwarded to the national complaint body named by the deployment."),
        "closed": ("afsluttet", "The complaint is closed."),
    }
)
class ComplaintStatus(StrEnum):
    """Where a complaint stands; each step is on the complaint's own timeline."""

    RECEIVED = "received"
    DECIDED = "decided"
    ANSWERED = "answered"
    FORWARDED = "forwarded"
    CLOSED = "closed"


@documented_enum(
    {
        "guardian": ("forælder", "A guardian of the pupil."),
        "student": ("elev", "The pupil."),
        "other": ("anden", "Someone else."),
    }
)
class ComplainantKind(StrEnum):
    """Who complained."""

    GUARDIAN = "guardian"
    STUDENT = "student"
    OTHER = "other"


@documented_enum(
    {
        "upheld": ("medhold", "The complaint was upheld."),
        "partly_upheld": ("delvist medhold", "The complaint was partly upheld."),
        "rejected": ("afslag", "The complaint was rejected."),
    }
)
class DecisionOutcome(StrEnum):
    """The municipality's decision on a complaint."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    REJECTED = "rejected"


class Complaint(SchoolOwned, Base):
    """A complaint about how the school handled a case, on behalf of one involved student."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    # The pupil the complaint is about; the case file names this child and no other.
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ComplaintStatus.RECEIVED.value, index=True)
    complainant_kind: Mapped[str] = mapped_column(String(16))
    guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardians.id", ondelete="SET NULL"), default=None
    )
    complainant_name: Mapped[str] = mapped_column(String(200))
    received_on: Mapped[date] = mapped_column(Date)
    complaint_text: Mapped[str] = mapped_column(Text)
    # The 20th working day after receipt, by the school's calendar (the same rule as the action plan's).
    decision_due: Mapped[date] = mapped_column(Date, index=True)
    decision_outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    decision_text: Mapped[str | None] = mapped_column(Text, default=None)
    decided_on: Mapped[date | None] = mapped_column(Date, default=None)
    complainant_answer: Mapped[str | None] = mapped_column(Text, default=None)
    answered_on: Mapped[date | None] = mapped_column(Date, default=None)
    complainant_satisfied: Mapped[bool | None] = mapped_column(default=None)
    # The national body's name as configured when it was forwarded (it changed in 2025; it may change again).
    forwarded_to: Mapped[str | None] = mapped_column(String(200), default=None)
    forwarded_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    events: Mapped[list[ComplaintEvent]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ComplaintEvent.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ComplaintEvent(Base):
    """One step of a complaint's timeline. Append-only."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    # Dates and enum values only; never the complaint's text.
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)

    actor: Mapped[User | None] = relationship(lazy="selectin")


@event.listens_for(ComplaintEvent, "before_update")
def _timeline_is_append_only(_mapper: Any, _connection: Any, target: ComplaintEvent) -> None:
    raise RuntimeError(f"complaint timeline entries cannot be changed (event {target.id})")
