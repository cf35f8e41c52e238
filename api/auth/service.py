"""Authentication: credentials, token issue, refresh rotation with reuse detection, logout."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.auth.models import RefreshToken, RevokedAccessToken, TokenFamily
from api.auth.passwords import verify_password
from api.core import audit
from api.core.timeutil import utcnow
from api.errors import Unauthorized
from api.users.models import User

INVALID_CREDENTIALS = "Wrong email or password."


class RefreshReuse(Unauthorized):
    """A refresh token was used twice; its family is revoked and the revocation must be committed."""


@dataclass
class TokenPair:
    """An access and a refresh token issued together."""

    access_token: str
    refresh_token: str
    expires_in: int


def authenticate(session: Session, *, email: str, password: str) -> User:
    """The active user with these credentials; the same 401 for a wrong email and a wrong password."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
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
    user.last_login_at = utcnow()
    audit.record("login", resource_type="user", resource_id=user.id, user=user)
    return user


def issue_tokens(session: Session, *, user: User, family_id: str | None = None) -> TokenPair:
    """A new access/refresh pair; a login starts a family, a refresh continues it."""
    if family_id is None:
        family_id = str(uuid.uuid4())
        session.add(TokenFamily(id=family_id, user_id=user.id))
        session.flush()
    claims = {"school_id": user.school_id, "roles": user.roles, "fam": family_id}
    access = create_access_token(identity=str(user.id), additional_claims=claims)
    refresh_jti = str(uuid.uuid4())
    refresh = create_refresh_token(
        identity=str(user.id), additional_claims={"fam": family_id, "jti": refresh_jti}
    )
    lifetime = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    session.add(
        RefreshToken(jti=refresh_jti, family_id=family_id, user_id=user.id, expires_at=utcnow() + lifetime)
    )
    session.flush()
    expires_in = int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds())
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=expires_in)


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
    return issue_tokens(session, user=user, family_id=row.family_id)


def logout(session: Session, *, user: User, payload: dict[str, Any]) -> None:
    """Revoke this access token and its whole family (so the refresh token dies too)."""
    exp = payload.get("exp")
    from datetime import UTC, datetime

    expires_at = datetime.fromtimestamp(exp, UTC) if exp else utcnow()
    if session.get(RevokedAccessToken, payload["jti"]) is None:
        session.add(RevokedAccessToken(jti=payload["jti"], expires_at=expires_at, user_id=user.id))
    if payload.get("fam"):
        _revoke_family(session, payload["fam"], "logout")
    audit.record("logout", resource_type="user", resource_id=user.id, user=user)
    session.flush()


def is_revoked(session: Session, payload: dict[str, Any]) -> bool:
    """Whether a token was revoked (by logout, or by its family being ended)."""
    family_id = payload.get("fam")
    if family_id is not None:
        family = session.get(TokenFamily, family_id)
        if family is None or family.revoked_at is not None:
            return True
    elif payload.get("type") == "refresh":
        return True
    if payload.get("type") == "access":
        return session.get(RevokedAccessToken, payload.get("jti")) is not None
    return False


def purge_expired(session: Session) -> int:
    """Delete token bookkeeping past its expiry; returns how many rows went."""
    now = utcnow()
    n = session.execute(
        RevokedAccessToken.__table__.delete().where(RevokedAccessToken.expires_at < now)
    ).rowcount
    n += session.execute(RefreshToken.__table__.delete().where(RefreshToken.expires_at < now)).rowcount
    return n
