"""Who may set up sign-in providers and link external identities: a school's admins."""

from __future__ import annotations

from typing import Any

from api.core.permissions import ensure_roles

MANAGE_ROLES = ("admin",)


def may_manage(caller: Any) -> bool:
    """Whether the caller sets up the school's sign-in (an admin)."""
    return caller.has_role(*MANAGE_ROLES)


def ensure_can_manage(caller: Any, *, action: str = "manage sign-in providers") -> None:
    """403 (audited) unless the caller is an admin."""
    ensure_roles(caller, *MANAGE_ROLES, action=action)
