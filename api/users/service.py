"""User management within one school."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from api.auth import service as auth_service
from api.core import audit
from api.core.db import MAX_ID
from api.core.etag import IfMatch, check_if_match
from api.core.pagination import paginate
from api.core.passwords import hash_password
from api.core.permissions import CHILD_FACING_ROLES
from api.core.scoping import get_in_school
from api.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.users import permissions
from api.users.models import MUNICIPALITY_ROLE, ROLE_VALUES, User, UserRole


def _email_taken(session: Session, email: str, *, except_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email.lower())
    if except_id is not None:
        stmt = stmt.where(User.id != except_id)
    return session.scalar(stmt) is not None


def list_users(
    session: Session,
    *,
    caller: User,
    q: str | None = None,
    role: str | None = None,
    active: bool | None = None,
    page: int = 1,
    page_size: int = 25,
) -> dict:
    """One page of the caller's school's users, by name."""
    permissions.ensure_can_manage(caller)
    stmt: Select[Any] = select(User).where(
        User.school_id == caller.school_id,
        ~User.id.in_(select(UserRole.user_id).where(UserRole.role == MUNICIPALITY_ROLE)),
    )
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), func.lower(User.email).like(like)))
    if role:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    stmt = stmt.options(selectinload(User.role_rows)).order_by(User.name, User.id)
    return paginate(session, stmt, page=page, page_size=page_size)


def staff_directory(
    session: Session,
    *,
    caller: User,
    q: str | None = None,
    works_with_children: bool = False,
    page: int = 1,
    page_size: int = 25,
) -> dict:
    """One page of the active staff of the caller's school, by name: what a picker of colleagues needs."""
    permissions.ensure_staff(caller)
    roles = CHILD_FACING_ROLES if works_with_children else ROLE_VALUES
    stmt: Select[Any] = select(User).where(
        User.school_id == caller.school_id,
        User.active.is_(True),
        # A school role: the municipality's officer is not the school's staff.
        User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles))),
    )
    if q and q.strip():
        stmt = stmt.where(func.lower(User.name).contains(q.strip().lower(), autoescape=True))
    return paginate(session, stmt.order_by(User.name, User.id), page=page, page_size=page_size)


def get_user(session: Session, *, caller: User, user_id: int) -> User:
    """A user of the caller's school (404 for another school's)."""
    user = get_in_school(session, User, user_id, school_id=caller.school_id, what="User")
    if user.has_role(MUNICIPALITY_ROLE) and user.id != caller.id:
        # The municipality's officer is the deployment's, not the school's: its admin neither lists nor
        # changes them (a password reset would let the admin read the other schools' aggregates).
        raise NotFound("User not found.")
    permissions.ensure_can_view(caller, user)
    return user


def create_user(
    session: Session, *, caller: User, email: str, name: str, roles: list[str], password: str
) -> User:
    """A new user in the caller's school."""
    permissions.ensure_can_manage(caller)
    return create_user_in_school(
        session,
        school_id=caller.school_id,
        email=email,
        name=name,
        roles=roles,
        password=password,
        caller=caller,
    )


def create_user_in_school(
    session: Session,
    *,
    school_id: int,
    email: str,
    name: str,
    roles: list[str],
    password: str,
    caller: User | None = None,
) -> User:
    """Create a user (also used by the CLI and demo data, which have no acting user)."""
    email = email.strip().lower()
    if _email_taken(session, email):
        raise Conflict(
            "A user with this email already exists.", errors={"email": ["already in use"]}, type="duplicate"
        )
    user = User(school_id=school_id, email=email, name=name.strip(), password_hash=hash_password(password))
    user.set_roles(roles)
    session.add(user)
    session.flush()
    audit.record(
        "user_created",
        resource_type="user",
        resource_id=user.id,
        user=caller,
        school_id=school_id,
        detail={"roles": user.roles},
    )
    return user


def update_user(
    session: Session,
    *,
    caller: User,
    user: User,
    changes: dict[str, Any],
    caller_session: str | None = None,
    if_match: IfMatch | str | None = None,
) -> User:
    """Apply an admin's changes; nobody changes their own roles or deactivates themselves.

    A new password ends the user's other sessions (the caller's own `caller_session` continues when the admin
    resets their own); a deactivation ends all of them, so a later reactivation brings none back."""
    permissions.ensure_can_manage(caller)
    if if_match is not None:
        check_if_match(user, if_match)
    if user.id == caller.id:
        if "roles" in changes and sorted(set(changes["roles"])) != user.roles:
            raise Forbidden("You cannot change your own roles; ask another administrator.")
        if changes.get("active") is False:
            raise Forbidden("You cannot deactivate yourself; ask another administrator.")
    if "email" in changes:
        email = changes["email"].strip().lower()
        if _email_taken(session, email, except_id=user.id):
            raise Conflict(
                "A user with this email already exists.",
                errors={"email": ["already in use"]},
                type="duplicate",
            )
        user.email = email
    if "name" in changes:
        if not changes["name"].strip():
            raise InvalidInput("Name cannot be blank.", errors={"name": ["blank"]})
        user.name = changes["name"].strip()
    if "roles" in changes:
        user.set_roles(changes["roles"])
    if "active" in changes:
        user.active = changes["active"]
    if "password" in changes:
        user.password_hash = hash_password(changes["password"])
    ended = 0
    if changes.get("active") is False:
        ended = auth_service.end_sessions(session, user_id=user.id, reason="deactivated")
    elif "password" in changes:
        keep = caller_session if user.id == caller.id else None
        ended = auth_service.end_sessions(session, user_id=user.id, reason="password_reset", keep=keep)
    detail: dict[str, Any] = {
        "fields": sorted(k for k in changes if k != "password")
        + (["password"] if "password" in changes else [])
    }
    if ended:
        detail["sessions_ended"] = ended
    audit.record("user_updated", resource_type="user", resource_id=user.id, detail=detail)
    session.flush()
    return user


def active_staff(
    session: Session, *, school_id: int, roles: tuple[str, ...] = (), user_ids: Iterable[int] = ()
) -> list[User]:
    """The school's active users holding one of these roles, plus those with these ids, by id."""
    ids = sorted(set(user_ids))
    if not roles and not ids:
        return []
    wanted = []
    if roles:
        wanted.append(User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles))))
    if ids:
        wanted.append(User.id.in_(ids))
    stmt = select(User).where(User.school_id == school_id, User.active.is_(True), or_(*wanted))
    # Callers ask each one's roles: read them with the users, not one statement per user.
    return list(session.scalars(stmt.options(selectinload(User.role_rows)).order_by(User.id)))


def active_member(session: Session, *, school_id: int, user_id: Any) -> User | None:
    """The school's active user with this id, or None (any other value, another school's or inactive)."""
    user = session.get(User, user_id) if isinstance(user_id, int) and 0 < user_id <= MAX_ID else None
    return user if user is not None and user.school_id == school_id and user.active else None


def active_user_ids(session: Session, *, role: str, school_id: int | None = None) -> list[int]:
    """The ids of the active users holding a role (in one school, or in every school)."""
    stmt = (
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), UserRole.role == role)
    )
    if school_id is not None:
        stmt = stmt.where(User.school_id == school_id)
    return sorted(set(session.scalars(stmt)))


def user_by_id(session: Session, *, user_id: int) -> User | None:
    """A user by id, any school, active or not (sign-in decides what follows)."""
    return session.get(User, user_id)


def active_user_by_email(session: Session, *, email: str, school_id: int | None) -> User | None:
    """The active user with this e-mail (of this school, unless None), ignoring case."""
    stmt = select(User).where(func.lower(User.email) == email.strip().lower(), User.active.is_(True))
    if school_id is not None:
        stmt = stmt.where(User.school_id == school_id)
    return session.scalar(stmt)
