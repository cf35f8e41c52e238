"""Play-partner arrangement (legemakker-aftale) models: the arrangement, its students and check-ins."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.changes import touches_by
from api.core.db import Base, SchoolOwned
from api.core.enums import documented_enum
from api.core.timeutil import utcnow
from api.students.models import Student
from api.users.models import User


@documented_enum(
    {
        "first_recess": ("1. frikvarter", "The first recess."),
        "lunch": ("spisefrikvarter", "The lunch break."),
        "second_recess": ("2. frikvarter", "The second recess."),
        "sfo": ("SFO", "In the after-school care."),
    }
)
class Recess(StrEnum):
    """The breaks of a school day an arrangement can cover."""

    FIRST_RECESS = "first_recess"
    LUNCH = "lunch"
    SECOND_RECESS = "second_recess"
    SFO = "sfo"


@documented_enum(
    {
        "active": ("aktiv", "In force."),
        "paused": ("sat på pause", "Paused for now."),
        "ended": ("afsluttet", "Ended."),
    }
)
class ArrangementStatus(StrEnum):
    """Whether the arrangement is in force."""

    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


@documented_enum(
    {
        "good": ("godt", "It happened and went well."),
        "mixed": ("blandet", "It happened, with ups and downs."),
        "did_not_happen": ("skete ikke", "It did not happen."),
    }
)
class CheckInOutcome(StrEnum):
    """How it went."""

    GOOD = "good"
    MIXED = "mixed"
    DID_NOT_HAPPEN = "did_not_happen"


RECESS_VALUES = [r.value for r in Recess]
STATUS_VALUES = [s.value for s in ArrangementStatus]
OUTCOME_VALUES = [o.value for o in CheckInOutcome]
WEEKDAY_NAMES = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}


def recess_bit(recess: str) -> int:
    """The bit of a recess in `recess_mask`."""
    return 1 << RECESS_VALUES.index(recess)


def weekday_bit(iso_weekday: int) -> int:
    """The bit of an ISO weekday (1 = Monday) in `weekday_mask`."""
    return 1 << (iso_weekday - 1)


class PlayPartnerArrangement(SchoolOwned, Base):
    """Two or more students agreed to play together at given recesses on given weekdays for a period."""

    __tablename__ = "play_partner_arrangements"
    __table_args__ = (Index("ix_play_partner_arrangements_school_updated", "school_id", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(500), default="")
    # Bit masks so "which arrangements apply on this day and recess" is one indexed query on every database.
    recess_mask: Mapped[int] = mapped_column(SmallInteger)
    weekday_mask: Mapped[int] = mapped_column(SmallInteger)
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    responsible_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ArrangementStatus.ACTIVE.value, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    responsible: Mapped[User] = relationship(foreign_keys=[responsible_id], lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id], lazy="joined")
    students: Mapped[list[ArrangementStudent]] = relationship(
        back_populates="arrangement",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ArrangementStudent.id",
    )
    check_ins: Mapped[list[ArrangementCheckIn]] = relationship(
        back_populates="arrangement", cascade="all, delete-orphan", lazy="raise_on_sql"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def student_ids(self) -> list[int]:
        """The ids of the arrangement's students."""
        return [s.student_id for s in self.students]

    @property
    def recesses(self) -> list[str]:
        """The recesses it covers, in the order of the day."""
        return [r for r in RECESS_VALUES if self.recess_mask & recess_bit(r)]

    @recesses.setter
    def recesses(self, values: list[str]) -> None:
        mask = 0
        for r in values:
            mask |= recess_bit(r)
        self.recess_mask = mask

    @property
    def weekdays(self) -> list[int]:
        """The ISO weekdays (1 = Monday) it applies on."""
        return [d for d in range(1, 8) if self.weekday_mask & weekday_bit(d)]

    @weekdays.setter
    def weekdays(self, values: list[int]) -> None:
        mask = 0
        for d in values:
            mask |= weekday_bit(d)
        self.weekday_mask = mask

    def applies_on(self, day: date) -> bool:
        """Whether the arrangement is in force on this day."""
        return (
            self.status == ArrangementStatus.ACTIVE.value
            and self.start_date <= day <= self.end_date
            and bool(self.weekday_mask & weekday_bit(day.isoweekday()))
        )


class ArrangementStudent(Base):
    """A student of an arrangement."""

    __tablename__ = "play_partner_students"
    __table_args__ = (UniqueConstraint("arrangement_id", "student_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    arrangement_id: Mapped[int] = mapped_column(
        ForeignKey("play_partner_arrangements.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)

    arrangement: Mapped[PlayPartnerArrangement] = relationship(back_populates="students")
    student: Mapped[Student] = relationship(lazy="joined")


class ArrangementCheckIn(Base):
    """Whether the arrangement happened on a day (and recess), and how it went."""

    __tablename__ = "play_partner_check_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    arrangement_id: Mapped[int] = mapped_column(
        ForeignKey("play_partner_arrangements.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date, index=True)
    recess: Mapped[str | None] = mapped_column(String(16), default=None)
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    arrangement: Mapped[PlayPartnerArrangement] = relationship(back_populates="check_ins")
    author: Mapped[User] = relationship(lazy="joined")


touches_by(ArrangementStudent, PlayPartnerArrangement, "arrangement_id")
