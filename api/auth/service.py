"""Authentication: credentials, token issue, refresh rotation with reuse detection, logout, the request's
principal in one statement, and ending a user's sessions."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import Select, and_, bindparam, func, select, update
from sqlalchemy.orm import Session

from api.auth.models import RefreshToken, RevokedAccessToken, TokenFamily
from api.core import audit
from api.core.db import MAX_ID
from api.core.passwords import hash_password, verify_password
from api.core.timeutil import utcnow
from api.errors import Forbidden, InvalidInput, Unauthorized
from api.users.models import User, UserRole

INVALID_CREDENTIALS = "Wrong email or password."
# Levels of assurance a session carries in its tokens' `loa` claim: a password or a one-factor sign-in, or a
# sign-in with two factors (Unilogin ToFaktor, or the provider's acr/amr).
ONE_FACTOR = 1
TWO_FACTOR = 2


class RefreshReuse(Unauthorized):
    """A refresh token was used twice; its family is revoked and the revocation must be committed."""


@dataclass
class TokenPair:
    """An access and a refresh token issued together."""

    access_token: str
    refresh_token: str
    expires_in: int
    family_id: str


@dataclass
class Principal:
    """Who a token speaks for, as the database says now: the user (None if gone) and the token's state."""

    user: User | None
    revoked: bool


def normalise_email(email: str) -> str:
    """An e-mail address as accounts are keyed: trimmed and lower case."""
    return email.strip().lower()


def authenticate(session: Session, *, email: str, password: str) -> User:
    """The active user with these credentials; the same 401 for a wrong email and a wrong password."""
    user = session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        audit.record(
            "login_failed",
            resource_type="user",
            resource_id=user.id if user else None,
            outcome=audit.DENIED,
            user=user,
            school_id=user.school_id if user else None,
            detail={"reason": "inactive" if (user and ok) else "credentials"},
        )
        raise Unauthorized(INVALID_CREDENTIALS)
    if not user.school.password_login:
        # Only after the password checked out, so the refusal tells nothing about who has an account.
        audit.record(
            "login_failed",
            resource_type="user",
            resource_id=user.id,
            outcome=audit.DENIED,
            user=user,
            detail={"reason": "password_login_disabled"},
        )
        raise Forbidden(
            "This school signs in with single sign-on (Unilogin or its identity provider), not with a password.",
            type="password_login_disabled",
        )
    user.last_login_at = utcnow()
    audit.record("login", resource_type="user", resource_id=user.id, user=user)
    return user


def issue_tokens(
    session: Session, *, user: User, family_id: str | None = None, loa: int = ONE_FACTOR
) -> TokenPair:
    """A new access/refresh pair; a login starts a family, a refresh continues it (with the login's `loa`)."""
    if family_id is None:
        family_id = str(uuid.uuid4())
        session.add(TokenFamily(id=family_id, user_id=user.id))
        session.flush()
    claims = {"school_id": user.school_id, "roles": user.roles, "fam": family_id, "loa": loa}
    access = create_access_token(identity=str(user.id), additional_claims=claims)
    refresh_jti = str(uuid.uuid4())
    refresh = create_refresh_token(
        identity=str(user.id), additional_claims={"fam": family_id, "jti": refresh_jti, "loa": loa}
    )
    lifetime = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    session.add(
        RefreshToken(jti=refresh_jti, family_id=family_id, user_id=user.id, expires_at=utcnow() + lifetime)
    )
    session.flush()
    expires_in = int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds())
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=expires_in, family_id=family_id)


def _revoke_family(session: Session, family_id: str, reason: str) -> None:
    session.execute(
        update(TokenFamily)
        .where(TokenFamily.id == family_id, TokenFamily.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


def rotate_refresh(session: Session, *, user: User, payload: dict[str, Any]) -> TokenPair:
    """Use a refresh token once: a new pair in the same family; a reused token revokes the whole family."""
    row = session.get(RefreshToken, payload.get("jti"))
    if row is None or row.user_id != user.id:
        raise Unauthorized("Unknown refresh token.")
    family = session.get(TokenFamily, row.family_id)
    if family is None or family.revoked_at is not None:
        raise Unauthorized("This session has ended. Log in again.")
    claimed = session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti == row.jti, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        # A refresh token used twice means it may have been stolen: end every token of that login.
        _revoke_family(session, row.family_id, "refresh_reuse")
        audit.record(
            "refresh_reuse",
            resource_type="token_family",
            resource_id=row.family_id,
            outcome=audit.DENIED,
            user=user,
        )
        raise RefreshReuse("This refresh token was already used; the session has been ended. Log in again.")
    loa = payload.get("loa")
    return issue_tokens(
        session,
        user=user,
        family_id=row.family_id,
        loa=loa if loa in (ONE_FACTOR, TWO_FACTOR) else ONE_FACTOR,
    )


def logout(session: Session, *, user: User, payload: dict[str, Any]) -> None:
    """Revoke this access token and its whole family (so the refresh token dies too)."""
    exp = payload.get("exp")
    expires_at = datetime.fromtimestamp(exp, UTC) if exp else utcnow()
    if session.get(RevokedAccessToken, payload["jti"]) is None:
        session.add(RevokedAccessToken(jti=payload["jti"], expires_at=expires_at, user_id=user.id))
    if payload.get("fam"):
        _revoke_family(session, payload["fam"], "logout")
    audit.record("logout", resource_type="user", resource_id=user.id, user=user)
    session.flush()


@functools.cache
def _principal_statement() -> Select[Any]:
    """Built once, on the first request: every authenticated request runs it, and building and keying the
    statement anew cost as much as the ORM's loading of its row. (Not at import: its loader option configures
    the mappers, and other domains' models may not be imported yet.)"""
    return (
        select(User, UserRole.role, TokenFamily.id, TokenFamily.revoked_at, RevokedAccessToken.jti)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .outerjoin(TokenFamily, and_(TokenFamily.id == bindparam("fam"), TokenFamily.user_id == User.id))
        .outerjoin(RevokedAccessToken, RevokedAccessToken.jti == bindparam("jti"))
        .where(User.id == bindparam("uid"))
    )


def load_principal(session: Session, payload: dict[str, Any]) -> Principal:
    """The token's user with roles and school, its login's state and its own revocation, in one statement."""
    try:
        user_id = int(payload["sub"])
    except (KeyError, TypeError, ValueError):
        return Principal(user=None, revoked=True)
    if not 0 < user_id <= MAX_ID:
        return Principal(user=None, revoked=True)
    family_id, jti = payload.get("fam"), payload.get("jti")
    # Every token we issue belongs to a login (family); one without is not ours to honour.
    if not isinstance(family_id, str) or not isinstance(jti, str):
        return Principal(user=None, revoked=True)
    rows = session.execute(_principal_statement(), {"uid": user_id, "fam": family_id, "jti": jti}).all()
    if not rows:
        return Principal(user=None, revoked=True)
    user, _role, found_family, family_revoked_at, revoked_jti = rows[0]
    # The role names as columns (a row each), not as loaded UserRole objects: every request reads them,
    # only a role change writes them.
    user.hold_role_names(row[1] for row in rows if row[1] is not None)
    ended = found_family is None or family_revoked_at is not None
    withdrawn = payload.get("type") == "access" and revoked_jti is not None
    return Principal(user=user, revoked=ended or withdrawn)


def end_sessions(session: Session, *, user_id: int, reason: str, keep: str | None = None) -> int:
    """End every login of a user except `keep`: its access and refresh tokens stop working at once."""
    stmt = update(TokenFamily).where(TokenFamily.user_id == user_id, TokenFamily.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(TokenFamily.id != keep)
    return session.execute(stmt.values(revoked_at=utcnow(), revoked_reason=reason)).rowcount


def change_password(
    session: Session, *, user: User, current_password: str, new_password: str, current_session: str | None
) -> None:
    """Change one's own password; every other session of the user ends, the one asking continues."""
    if not verify_password(user.password_hash, current_password):
        raise InvalidInput("The current password is wrong.", errors={"current_password": ["wrong"]})
    user.password_hash = hash_password(new_password)
    ended = end_sessions(session, user_id=user.id, reason="password_changed", keep=current_session)
    audit.record(
        "password_changed", resource_type="user", resource_id=user.id, detail={"sessions_ended": ended}
    )
    session.flush()


def purge_expired(session: Session) -> int:
    """Delete token bookkeeping past its expiry; returns how many rows went."""
    now = utcnow()
    n = session.execute(
        RevokedAccessToken.__table__.delete().where(RevokedAccessToken.expires_at < now)
    ).rowcount
    n += session.execute(RefreshToken.__table__.delete().where(RefreshToken.expires_at < now)).rowcount
    return n
