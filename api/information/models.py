"""The information duty (undervisningsmiljøloven § 1 c): who told each involved pupil and each custodial parent,
when and how."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, SchoolOwned
from api.core.enums import documented_enum
from api.core.timeutil import utcnow
from api.users.models import User


@documented_enum(
    {
        "meeting": ("møde", "In a meeting."),
        "phone": ("telefon", "By phone."),
        "letter": ("brev", "By letter."),
        "aula_message": ("Aula-besked", "By a message in Aula."),
    }
)
class InformMethod(StrEnum):
    """How a pupil or a custodial parent was informed."""

    MEETING = "meeting"
    PHONE = "phone"
    LETTER = "letter"
    AULA_MESSAGE = "aula_message"


class InformationRecord(SchoolOwned, Base):
    """One time a pupil or a custodial parent was informed about a case. A pupil record names the student; a
    parent record names the guardian and the student whose guardian they are."""

    __tablename__ = "information_records"
    __table_args__ = (CheckConstraint("person_kind IN ('student', 'guardian')", name="person_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    person_kind: Mapped[str] = mapped_column(String(16))
    # The involved student (a pupil record) or the student whose guardian was informed.
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    # Kept when the guardian later leaves the roster: the duty was met all the same.
    guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardians.id", ondelete="SET NULL"), index=True, default=None
    )
    informed_at: Mapped[datetime] = mapped_column()
    method: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    informed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    informed_by: Mapped[User | None] = relationship(lazy="selectin")
