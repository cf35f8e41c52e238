"""Roster models: classes, the staff attached to them, and students."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, SchoolOwned
from api.core.timeutil import utcnow
from api.users.models import User


class SchoolClass(SchoolOwned, Base):
    """A class as the school names it ("3.A", "Udskoling 8-9") in one school year."""

    __tablename__ = "classes"
    __table_args__ = (UniqueConstraint("school_id", "school_year", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    grade: Mapped[int] = mapped_column(Integer)  # 0 (børnehaveklasse) to 10
    school_year: Mapped[str] = mapped_column(String(9))  # "2026/27"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    staff: Mapped[list[ClassStaff]] = relationship(
        back_populates="school_class", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class ClassStaff(Base):
    """A staff member attached to a class, with their role in it."""

    __tablename__ = "class_staff"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(
        String(32), default="teacher"
    )  # class_teacher, teacher, pedagogue, sfo_contact

    school_class: Mapped[SchoolClass] = relationship(back_populates="staff")
    user: Mapped[User] = relationship(lazy="joined")


class Student(SchoolOwned, Base):
    """A student. Never a CPR number."""

    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("school_id", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100), default=None)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"), index=True)
    sfo_enrolled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    external_id: Mapped[str | None] = mapped_column(String(64), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1", index=True)
    left_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    school_class: Mapped[SchoolClass | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def display_name(self) -> str:
        """The name people use: preferred (or given) name and family name."""
        return f"{self.preferred_name or self.given_name} {self.family_name}"
