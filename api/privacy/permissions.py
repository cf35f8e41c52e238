"""Who may see and set retention, and erase a student."""

from __future__ import annotations

from typing import Any

from api.core.permissions import ensure_roles


def ensure_can_read_policy(caller: Any) -> None:
    """Leaders and admins see the retention policy."""
    ensure_roles(caller, "leader", "admin", action="see the retention policy")


def ensure_can_set_policy(caller: Any) -> None:
    """Admins set the school's own retention periods."""
    ensure_roles(caller, "admin", action="set the retention policy")


def ensure_can_erase(caller: Any) -> None:
    """Leaders and admins erase a student on request."""
    ensure_roles(caller, "leader", "admin", action="erase a student's data")


ACCESS_EXPORT_ROLES = ("leader",)


def may_export_access(caller: Any) -> bool:
    """Whether the caller produces a student's access export (a leader; the student's read says so)."""
    return caller.has_role(*ACCESS_EXPORT_ROLES)


def ensure_can_export_access(caller: Any) -> None:
    """A leader produces a student's access export (art. 15)."""
    ensure_roles(caller, *ACCESS_EXPORT_ROLES, action="produce a student's access export")
