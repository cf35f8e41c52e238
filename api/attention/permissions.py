"""Who may read the attention list.

Every child-facing role (leader, resource person, teacher, pedagogue, SFO staff) reads it; each of its
sources shows only what the caller may see by its own domain's rules (a teacher's list holds the cases of
their classes, an SFO worker's their own reports). An admin works with rosters, not children: 403.
"""

from __future__ import annotations

from typing import Any

from api.core.permissions import CHILD_FACING_ROLES, deny

ATTENTION_ROLES = CHILD_FACING_ROLES


def may_read(caller: Any) -> bool:
    """Whether the caller has an attention list (a role that works with children)."""
    return caller.has_role(*ATTENTION_ROLES)


def ensure_can_read(caller: Any) -> None:
    """403 (audited) for a role that works with no child."""
    if not may_read(caller):
        raise deny(
            f"Your role has no attention list. Needs one of: {', '.join(ATTENTION_ROLES)}.",
            resource_type="attention",
        )
