"""Who may manage a school's webhook endpoints: its admins in the app, and (once API clients exist) a client
holding the `webhooks:manage` scope. The one place that rule lives."""

from __future__ import annotations

from typing import Any

from api.core.permissions import deny

MANAGE_ROLES = ("admin",)
MANAGE_SCOPE = "webhooks:manage"


def may_manage(caller: Any) -> bool:
    """Whether the caller (a user, or an API client with scopes) manages the school's webhooks."""
    if MANAGE_SCOPE in (getattr(caller, "scopes", None) or ()):
        return True
    has_role = getattr(caller, "has_role", None)
    return bool(has_role and has_role(*MANAGE_ROLES))


def ensure_can_manage(caller: Any) -> None:
    """403 (audited) unless the caller manages webhooks."""
    if not may_manage(caller):
        raise deny("Only an administrator can manage webhooks.", resource_type="webhook_endpoint")
