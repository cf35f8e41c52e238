"""User and role models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, SchoolOwned
from api.core.enums import documented_enum, register_enum
from api.core.timeutil import utcnow
from api.schools.models import School

ROLE_DOCS = {
    "admin": ("administrator", "Manages users, classes, the roster and the school's settings."),
    "leader": (
        "skoleleder",
        "The school's leadership: told of every bullying case, owns the action plan.",
    ),
    "teacher": ("lærer", "A teacher."),
    "pedagogue": ("pædagog", "A pedagogue."),
    "sfo_staff": ("SFO-medarbejder", "Staff of the after-school care (SFO)."),
    "resource_person": ("ressourceperson (AKT, inklusionsvejleder)", "Works cases with the leadership."),
    "municipality": (
        "kommune (forvaltning)",
        "Sees its schools' aggregates side by side, small cells suppressed and no names; nothing else.",
    ),
}


@documented_enum(ROLE_DOCS)
class Role(StrEnum):
    """Roles a staff member can hold; a user can hold several."""

    ADMIN = "admin"
    LEADER = "leader"
    TEACHER = "teacher"
    PEDAGOGUE = "pedagogue"
    SFO_STAFF = "sfo_staff"
    RESOURCE_PERSON = "resource_person"
    # A municipality's officer (kommunen): sees the aggregates of its municipality's schools side by side
    # and nothing else (api/core/lifecycle.py refuses every other route). Never held with a school role, and
    # created only from the command line: a school's admin cannot grant a view across schools.
    MUNICIPALITY = "municipality"


# The roles of a school's staff: what the users API and the school's admin assign.
ROLE_VALUES = [r.value for r in Role if r is not Role.MUNICIPALITY]
MUNICIPALITY_ROLE = Role.MUNICIPALITY.value
register_enum(
    "StaffRole",
    "The roles a school's admin assigns to its staff (every Role but municipality, which only the command line "
    "gives).",
    {value: ROLE_DOCS[value] for value in ROLE_VALUES},
)


class User(SchoolOwned, Base):
    """A staff member who logs in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    school: Mapped[School] = relationship(lazy="joined")
    # Loaded with the user by authentication (one statement) and by the user list; other users' roles
    # are rarely needed, so they are not fetched with every staff member a query touches.
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="select", order_by="UserRole.role"
    )

    __mapper_args__ = {"version_id_col": version}

    # The role names as authentication read them with the user (not mapped): `roles` and `has_role` answer
    # from them without loading the UserRole rows, which only a role change needs. None: not read so.
    _role_names = None

    def hold_role_names(self, names: Iterable[str]) -> None:
        """Keep the role names read with the user (authentication's one statement)."""
        self._role_names = tuple(sorted(names))

    def _names(self) -> tuple[str, ...]:
        if self._role_names is not None:
            return self._role_names
        return tuple(sorted(r.role for r in self.role_rows))

    @property
    def roles(self) -> list[str]:
        """The user's roles, sorted."""
        return list(self._names())

    def set_roles(self, roles: list[str]) -> None:
        """Replace the user's roles with these; a change updates the user's row, so its version moves."""
        wanted = set(roles)
        if wanted == set(self.roles):
            return
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        have = {r.role for r in self.role_rows}
        for role in sorted(wanted - have):
            self.role_rows.append(UserRole(role=role))
        self.hold_role_names(wanted)
        # Roles live in their own rows; touching the user's row bumps its version and so its ETag.
        self.updated_at = utcnow()

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds any of these roles."""
        return any(r in roles for r in self._names())


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32), index=True)

    user: Mapped[User] = relationship(back_populates="role_rows")
