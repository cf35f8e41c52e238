"""Permission helpers every domain uses: the current user and role checks (decided on the server)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_jwt_extended import get_jwt

from api.core import audit
from api.errors import Forbidden

# Roles that work with children day to day
STAFF_ROLES = ("leader", "teacher", "pedagogue", "sfo_staff", "resource_person", "admin")


def current_user() -> Any:
    """The authenticated user of this request."""
    return g.trivsel_user


def current_session_id() -> str | None:
    """The login (token family) the request's token belongs to."""
    return get_jwt().get("fam")


def deny(
    message: str,
    *,
    resource_type: str = "request",
    resource_id: Any = None,
    student_ids: tuple[int, ...] = (),
) -> Forbidden:
    """Audit a denial and return the 403 to raise."""
    audit.record(
        "denied",
        resource_type=resource_type,
        resource_id=resource_id,
        student_ids=student_ids,
        outcome=audit.DENIED,
        detail={"reason": message},
    )
    return Forbidden(message)


def ensure_roles(user: Any, *roles: str, action: str = "do this") -> None:
    """Raise 403 (audited) unless the user holds one of the roles."""
    if not user.has_role(*roles):
        raise deny(f"Your role may not {action}. Needs one of: {', '.join(roles)}.")
