"""Who may see and manage users."""

from __future__ import annotations

from typing import Any

from api.core.permissions import STAFF_ROLES, deny

MANAGE_ROLES = ("admin",)


def may_manage(caller: Any) -> bool:
    """Whether the caller manages the school's users (an admin)."""
    return caller.has_role(*MANAGE_ROLES)


def ensure_can_manage(caller: Any) -> None:
    """Only a school's admin manages its users."""
    if not may_manage(caller):
        raise deny("Only an administrator can manage users.", resource_type="user")


def ensure_can_view(caller: Any, user: Any) -> None:
    """Admins see their school's users; everyone sees themselves."""
    if caller.id != user.id and not caller.has_role(*MANAGE_ROLES):
        raise deny("Only an administrator can view other users.", resource_type="user", resource_id=user.id)


def ensure_staff(caller: Any) -> None:
    """Any staff member of a school may look up its staff by name (to pick a colleague)."""
    if not caller.has_role(*STAFF_ROLES):
        raise deny(
            f"Only staff may look up colleagues. Needs one of: {', '.join(STAFF_ROLES)}.",
            resource_type="user",
        )
