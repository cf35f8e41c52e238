"""Permission helpers every domain uses: the current user and role checks (decided on the server)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_jwt_extended import get_jwt

from api.core import audit
from api.errors import Forbidden

# Every role of a school's staff (admin included)
STAFF_ROLES = ("leader", "teacher", "pedagogue", "sfo_staff", "resource_person", "admin")
# The roles that work with children day to day (an administrator alone does not)
CHILD_FACING_ROLES = ("leader", "teacher", "pedagogue", "sfo_staff", "resource_person")


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


def session_assurance() -> int:
    """The level of assurance of the request's login, as its token carries it (1: one factor, 2: two)."""
    from api.auth.service import ONE_FACTOR

    loa = get_jwt().get("loa")
    return loa if isinstance(loa, int) else ONE_FACTOR


def ensure_two_factor_for_case_work(user: Any) -> None:
    """403 `step_up_required` (audited) when the user's school wants two factors for case work and this
    login has one."""
    from api.auth.service import TWO_FACTOR

    if user.school.case_work_requires_two_factor and session_assurance() < TWO_FACTOR:
        audit.record(
            "denied",
            resource_type="request",
            outcome=audit.DENIED,
            detail={"reason": "step_up_required"},
        )
        raise Forbidden(
            "Case work needs a two-factor sign-in at this school. Sign in again with the second factor.",
            type="step_up_required",
        )


def ensure_roles(user: Any, *roles: str, action: str = "do this") -> None:
    """Raise 403 (audited) unless the user holds one of the roles."""
    if not user.has_role(*roles):
        raise deny(f"Your role may not {action}. Needs one of: {', '.join(roles)}.")
