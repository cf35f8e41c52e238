"""Who reads the audit log: a school's leaders and admins; the platform's operators see access attempts across
schools."""

from __future__ import annotations

from typing import Any

from flask import current_app

from api.core.permissions import deny, ensure_roles


def ensure_can_read(caller: Any) -> None:
    """Leaders and admins read their school's audit log."""
    ensure_roles(caller, "leader", "admin", action="read the audit log")


def platform_admin_emails() -> set[str]:
    """The deployment's operators (PLATFORM_ADMIN_EMAILS, comma-separated): Trivsel has no platform role, so
    the deployment names them."""
    raw = current_app.config.get("PLATFORM_ADMIN_EMAILS") or ""
    if isinstance(raw, str):
        raw = raw.split(",")
    return {e.strip().casefold() for e in raw if e and e.strip()}


def ensure_platform_admin(caller: Any) -> None:
    """Only the deployment's operators see other schools' rows."""
    if (caller.email or "").casefold() not in platform_admin_emails():
        raise deny(
            "Only the platform's administrators (PLATFORM_ADMIN_EMAILS) see access attempts across schools."
        )
