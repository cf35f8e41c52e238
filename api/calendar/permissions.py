"""Who may change the school calendar."""

from __future__ import annotations

from typing import Any

from api.core.permissions import ensure_roles

CALENDAR_WRITE_ROLES = ("admin", "leader")


def ensure_can_edit(caller: Any) -> None:
    """Admins and leaders keep the school's closed days."""
    ensure_roles(caller, *CALENDAR_WRITE_ROLES, action="change the school calendar")
