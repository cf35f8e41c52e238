"""Roster models: classes, the staff attached to them, students, guardians and the name search index."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    delete,
    event,
    insert,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from api.core.changes import touches_by
from api.core.db import Base, SchoolOwned
from api.core.enums import documented_enum, register_enum
from api.core.timeutil import utcnow
from api.users.models import User


def class_name_key(name: str) -> str:
    """The form two class names are compared in: Unicode case-folded ("Øst 9" = "øst 9"), spaces collapsed."""
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


class SchoolClass(SchoolOwned, Base):
    """A class as the school names it ("3.A", "Udskoling 8-9") in one school year; names are unique per
    school year regardless of case, the same way on SQLite and PostgreSQL (through `name_key`)."""

    __tablename__ = "classes"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year", "name_key"),
        Index("ix_classes_school_updated", "school_id", "updated_at", "id"),  # the change feed's keyset
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    # Computed in Python, not by SQL lower() (ASCII-only on SQLite); a duplicate is reported as `name`.
    name_key: Mapped[str] = mapped_column(String(64), info={"field": "name"})
    grade: Mapped[int] = mapped_column(Integer)  # 0 (børnehaveklasse) to 10
    school_year: Mapped[str] = mapped_column(String(9))  # "2026/27"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    # Loaded only where a class is shown with its staff (the class list and a class): a student or a case
    # naming the class must not drag every teacher of it, their user rows and their school along.
    staff: Mapped[list[ClassStaff]] = relationship(
        back_populates="school_class", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = class_name_key(name)
        return name


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
    __table_args__ = (
        UniqueConstraint("school_id", "external_id"),
        Index("ix_students_school_updated", "school_id", "updated_at", "id"),  # the change feed's keyset
    )

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

    @property
    def class_name(self) -> str | None:
        """The name of the student's class, if any."""
        return self.school_class.name if self.school_class is not None else None

    @property
    def grade(self) -> int | None:
        """The grade level of the student's class, if any."""
        return self.school_class.grade if self.school_class is not None else None


register_enum(
    "LogScope",
    "How much of a student's log its reader is shown.",
    {
        "full": ("fuld", "Everything the reader may see: they are among the student's need-to-know staff."),
        "own_entries": ("egne indførsler", "Only the entries the reader wrote themselves."),
    },
)


@documented_enum(
    {
        "mother": ("mor", "The student's mother."),
        "father": ("far", "The student's father."),
        "parent": ("forælder", "A parent."),
        "step_parent": ("stedforælder", "A step-parent."),
        "foster_parent": ("plejeforælder", "A foster parent."),
        "grandparent": ("bedsteforælder", "A grandparent."),
        "legal_guardian": ("værge", "A legal guardian."),
        "other": ("andet", "Another relation."),
    }
)
class GuardianRelation(StrEnum):
    """How a guardian is related to the student."""

    MOTHER = "mother"
    FATHER = "father"
    PARENT = "parent"
    STEP_PARENT = "step_parent"
    FOSTER_PARENT = "foster_parent"
    GRANDPARENT = "grandparent"
    LEGAL_GUARDIAN = "legal_guardian"
    OTHER = "other"


@documented_enum(
    {
        "class_teacher": ("klasselærer", "The class teacher: told of the class's cases."),
        "teacher": ("lærer", "Teaches the class."),
        "pedagogue": ("pædagog", "Pedagogue of the class."),
        "sfo_contact": ("SFO-kontakt", "The class's contact in the after-school care."),
    }
)
class ClassRole(StrEnum):
    """A staff member's role in a class."""

    CLASS_TEACHER = "class_teacher"
    TEACHER = "teacher"
    PEDAGOGUE = "pedagogue"
    SFO_CONTACT = "sfo_contact"


class Guardian(SchoolOwned, Base):
    """A parent or other guardian of a student, with contact details and whether they hold custody."""

    __tablename__ = "guardians"
    __table_args__ = (Index("ix_guardians_school_updated", "school_id", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(32), default=GuardianRelation.PARENT.value)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    # forældremyndighed: custodial parents must be informed of an action plan
    has_custody: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class StudentNameToken(Base):
    """One searchable, folded name part of a student ("åse", "østergård" -> "ase", "ostergard").

    Search is a range scan on (school_id, token): `token >= :q AND token < :q_upper`, which both SQLite and
    PostgreSQL answer from this btree whatever the collation, because tokens only hold [0-9a-z]. The row
    also carries what search filters and sorts on (active, class, folded display name), so a search is
    answered from this table alone and only the students of the page are read. Rows are kept in sync by
    a flush hook (below), so every way a student is written keeps search right."""

    __tablename__ = "student_name_tokens"
    __table_args__ = (Index("ix_student_name_tokens_lookup", "school_id", "token", "student_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(Integer, ForeignKey("schools.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(100))
    # 0: a first name (given or preferred), 1: a family name; first names rank higher in search
    kind: Mapped[int] = mapped_column(SmallInteger, default=0)
    # copies of the student's fields, for filtering and ordering without reading the students table
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    class_id: Mapped[int | None] = mapped_column(Integer, default=None)
    sort_key: Mapped[str] = mapped_column(String(210), default="")


# A change of any of these rewrites the student's search rows.
_SEARCH_FIELDS = ("given_name", "family_name", "preferred_name", "active", "class_id", "school_class")


def _sync_name_tokens(session: Session, _context: object) -> None:
    """After a flush: rewrite the search rows of every student created or changed in it."""
    from api.students.search import sort_key, student_tokens

    changed: list[Student] = []
    for obj in session.new:
        if isinstance(obj, Student):
            changed.append(obj)
    for obj in session.dirty:
        if isinstance(obj, Student):
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in _SEARCH_FIELDS):
                changed.append(obj)
    if not changed:
        return
    table = StudentNameToken.__table__
    conn = session.connection()
    rewritten = [s.id for s in changed if s not in session.new]
    for i in range(0, len(rewritten), 500):
        conn.execute(delete(table).where(table.c.student_id.in_(rewritten[i : i + 500])))
    rows = []
    for s in changed:
        key = sort_key(s.given_name, s.family_name, s.preferred_name)
        rows.extend(
            {
                "school_id": s.school_id,
                "student_id": s.id,
                "token": token,
                "kind": kind,
                "active": s.active is not False,
                "class_id": s.class_id,
                "sort_key": key,
            }
            for token, kind in student_tokens(s.given_name, s.family_name, s.preferred_name)
        )
    if rows:
        conn.execute(insert(table), rows)


event.listen(Session, "after_flush", _sync_name_tokens)


# Staff attached to a class are part of the class as read.
touches_by(ClassStaff, SchoolClass, "class_id")
