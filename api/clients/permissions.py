"""Who registers and manages API clients: a school's admins, for clients their school owns. A client itself
never manages clients (no scope opens these operations)."""

from __future__ import annotations

from typing import Any

from api.core.permissions import deny

MANAGE_ROLES = ("admin",)


def may_manage(caller: Any) -> bool:
    """Whether the caller registers and manages API clients (an admin)."""
    return caller.has_role(*MANAGE_ROLES)


def ensure_can_manage(caller: Any) -> None:
    """403 (audited) unless the caller is an admin."""
    if not may_manage(caller):
        raise deny("Only an administrator can manage API clients.", resource_type="api_client")
