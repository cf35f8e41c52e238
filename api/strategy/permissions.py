"""Who may read and write the school's antimobbestrategi."""

from __future__ import annotations

from typing import Any

from api.core.permissions import STAFF_ROLES, ensure_roles

# The school board fixes the strategy; a leader (or the admin) records what it adopted.
WRITE_ROLES = ("leader", "admin")


def may_read(caller: Any) -> bool:
    """Whether the caller reads the strategy (every staff member)."""
    return caller.has_role(*STAFF_ROLES)


def ensure_can_read(caller: Any) -> None:
    """Every staff member works by the strategy, so every staff member may read it."""
    ensure_roles(caller, *STAFF_ROLES, action="read the antimobbestrategi")


def may_write(caller: Any) -> bool:
    """Whether the caller may record a new version (the screen shows the form only then)."""
    return caller.has_role(*WRITE_ROLES)


def ensure_can_write(caller: Any) -> None:
    """Leaders and admins record a new version."""
    ensure_roles(caller, *WRITE_ROLES, action="add a version of the antimobbestrategi")
