"""Who may see and plan wellbeing days.

- Every child-facing role sees the school's wellbeing days, their groups and the exports (names and classes
  are visible to all staff; the plan reveals nothing about cases beyond who is not grouped together, and a
  refusal or a flag explains only the cases the reader may see: see api/incidents/separation.py).
- Leaders, resource persons, teachers and pedagogues plan them: create, change, delete, build and edit
  groups. SFO staff take part and see the plan.
- An administrator without a child-facing role: 403.
- An API client with prevention:read (api/clients) sees the school's wellbeing days and groups.
"""

from __future__ import annotations

from typing import Any

from api.auth.scopes import is_client
from api.core.permissions import CHILD_FACING_ROLES, deny

PLANNER_ROLES = ("leader", "resource_person", "teacher", "pedagogue")


def may_view(caller: Any) -> bool:
    """Whether the caller sees wellbeing days: a child-facing role, or a client (scope checked on the operation)."""
    return is_client(caller) or caller.has_role(*CHILD_FACING_ROLES)


def ensure_can_view(caller: Any) -> None:
    """403 (audited) for a user without a child-facing role (a client's scope was checked on the operation)."""
    if not may_view(caller):
        raise deny(
            f"Your role may not see wellbeing days. Needs one of: {', '.join(CHILD_FACING_ROLES)}.",
            resource_type="wellbeing_day",
        )


def may_plan(caller: Any) -> bool:
    """Whether the caller plans wellbeing days (an API client only reads them)."""
    return not is_client(caller) and caller.has_role(*PLANNER_ROLES)


def ensure_can_plan(caller: Any, *, day_id: int | None = None) -> None:
    """403 (audited) unless the caller plans wellbeing days."""
    if not may_plan(caller):
        raise deny(
            f"Your role may not plan wellbeing days. Needs one of: {', '.join(PLANNER_ROLES)}.",
            resource_type="wellbeing_day",
            resource_id=day_id,
        )
