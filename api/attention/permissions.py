"""Who may read the attention list.

Every child-facing role (leader, resource person, teacher, pedagogue, SFO staff) reads it; each of its
sources shows only what the caller may see by its own domain's rules (a teacher's list holds the cases of
their classes, an SFO worker's their own reports). An admin works with rosters, not children: 403.
"""

from __future__ import annotations

from typing import Any

from api.core.permissions import deny

ATTENTION_ROLES = ("leader", "resource_person", "teacher", "pedagogue", "sfo_staff")


def ensure_can_read(caller: Any) -> None:
    """403 (audited) for a role that works with no child."""
    if not caller.has_role(*ATTENTION_ROLES):
        raise deny(
            f"Your role has no attention list. Needs one of: {', '.join(ATTENTION_ROLES)}.",
            resource_type="attention",
        )
