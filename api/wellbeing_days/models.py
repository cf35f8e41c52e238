"""Wellbeing day models: the day or event, its classes and adults, and its stored groups."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.changes import touches_by
from api.core.db import Base, JSONType, SchoolOwned
from api.core.enums import documented_enum
from api.core.timeutil import utcnow
from api.students.models import SchoolClass, Student
from api.users.models import User


@documented_enum(
    {
        "wellbeing_day": ("trivselsdag", "A wellbeing day across grades and classes."),
        "theme_day": ("temadag", "A theme day."),
        "excursion": ("udflugt", "An excursion."),
        "concert": ("koncert", "A concert."),
        "other": ("andet", "Another shared event."),
    }
)
class WellbeingDayKind(StrEnum):
    """What kind of shared day it is (the UI shows trivselsdag, temadag, udflugt, koncert, andet)."""

    WELLBEING_DAY = "wellbeing_day"
    THEME_DAY = "theme_day"
    EXCURSION = "excursion"
    CONCERT = "concert"
    OTHER = "other"


KIND_VALUES = [k.value for k in WellbeingDayKind]


class WellbeingDay(SchoolOwned, Base):
    """A day or event where students meet across grades and classes."""

    __tablename__ = "wellbeing_days"
    __table_args__ = (Index("ix_wellbeing_days_school_updated", "school_id", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default=WellbeingDayKind.WELLBEING_DAY.value)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    # Whole grades take part (every class of the grade), in addition to the classes listed.
    grades: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The last group plan's parameters (None until groups are planned).
    group_size: Mapped[int | None] = mapped_column(Integer, default=None)
    group_count: Mapped[int | None] = mapped_column(Integer, default=None)
    group_seed: Mapped[int | None] = mapped_column(Integer, default=None)
    keep_play_partners: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    groups_planned_at: Mapped[datetime | None] = mapped_column(default=None)
    groups_updated_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    created_by: Mapped[User] = relationship(lazy="joined")
    class_links: Mapped[list[WellbeingDayClass]] = relationship(
        back_populates="wellbeing_day",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="WellbeingDayClass.id",
    )
    adult_links: Mapped[list[WellbeingDayAdult]] = relationship(
        back_populates="wellbeing_day",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="WellbeingDayAdult.id",
    )
    groups: Mapped[list[WellbeingGroup]] = relationship(
        back_populates="wellbeing_day",
        cascade="all, delete-orphan",
        lazy="raise_on_sql",
        passive_deletes=True,
        order_by="WellbeingGroup.number",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def class_ids(self) -> list[int]:
        """The classes taking part (besides whole grades)."""
        return [link.class_id for link in self.class_links]

    @property
    def adult_ids(self) -> list[int]:
        """The adults taking part."""
        return [link.user_id for link in self.adult_links]

    @property
    def classes(self) -> list[SchoolClass]:
        """The classes taking part (besides whole grades)."""
        return [link.school_class for link in self.class_links]

    @property
    def adults(self) -> list[User]:
        """The adults taking part."""
        return [link.user for link in self.adult_links]

    @property
    def groups_planned(self) -> bool:
        """Whether groups have been planned."""
        return self.groups_planned_at is not None


class WellbeingDayClass(Base):
    """A class taking part in a wellbeing day."""

    __tablename__ = "wellbeing_day_classes"
    __table_args__ = (UniqueConstraint("wellbeing_day_id", "class_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wellbeing_day_id: Mapped[int] = mapped_column(
        ForeignKey("wellbeing_days.id", ondelete="CASCADE"), index=True
    )
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)

    wellbeing_day: Mapped[WellbeingDay] = relationship(back_populates="class_links")
    school_class: Mapped[SchoolClass] = relationship(lazy="joined")


class WellbeingDayAdult(Base):
    """An adult taking part in a wellbeing day."""

    __tablename__ = "wellbeing_day_adults"
    __table_args__ = (UniqueConstraint("wellbeing_day_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wellbeing_day_id: Mapped[int] = mapped_column(
        ForeignKey("wellbeing_days.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    wellbeing_day: Mapped[WellbeingDay] = relationship(back_populates="adult_links")
    user: Mapped[User] = relationship(lazy="joined")


class WellbeingGroup(Base):
    """One group of a wellbeing day's plan, numbered from 1."""

    __tablename__ = "wellbeing_groups"
    __table_args__ = (UniqueConstraint("wellbeing_day_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wellbeing_day_id: Mapped[int] = mapped_column(
        ForeignKey("wellbeing_days.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)

    wellbeing_day: Mapped[WellbeingDay] = relationship(back_populates="groups")
    members: Mapped[list[WellbeingGroupMember]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="WellbeingGroupMember.id",
    )
    adults: Mapped[list[WellbeingGroupAdult]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="WellbeingGroupAdult.id",
    )


class WellbeingGroupMember(Base):
    """A student in a group; a student is in at most one group of a day."""

    __tablename__ = "wellbeing_group_members"
    __table_args__ = (UniqueConstraint("wellbeing_day_id", "student_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wellbeing_day_id: Mapped[int] = mapped_column(
        ForeignKey("wellbeing_days.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("wellbeing_groups.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    group: Mapped[WellbeingGroup] = relationship(back_populates="members")
    student: Mapped[Student] = relationship(lazy="joined")


class WellbeingGroupAdult(Base):
    """An adult with a group (with fewer adults than groups, one adult has several groups)."""

    __tablename__ = "wellbeing_group_adults"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("wellbeing_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    group: Mapped[WellbeingGroup] = relationship(back_populates="adults")
    user: Mapped[User] = relationship(lazy="joined")


# The classes and adults taking part are part of the day as read.
touches_by(WellbeingDayClass, WellbeingDay, "wellbeing_day_id")
touches_by(WellbeingDayAdult, WellbeingDay, "wellbeing_day_id")
