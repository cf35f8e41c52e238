"""Who may read the aggregates.

- A school's leaders, resource persons, teachers and pedagogues read the aggregates of the cases and
  observations they may see anyway (each domain's own visibility rule decides which); a count under the
  threshold is hidden in every view that adds up several classes, while the classes a staff member works in
  are shown to them in full. SFO staff and admins (who see only their own reports, or no case at all) are
  refused: an aggregate of one's own reports tells nothing, and an admin works with rosters, not children.
- An API client with `analytics:read` reads the aggregates of the school its token names: every case and
  observation of that school except a case accusing a staff member (as for a municipality), with every small
  cell hidden, since a client works in no class. Without the scope it reads none.
- A municipality user reads each of its municipality's schools side by side (api/municipalities), every small
  cell hidden, and nothing else; so does an API client with `analytics:read`, for those of its schools that
  are in its token's school's municipality.
"""

from __future__ import annotations

from typing import Any

from api.auth.scopes import is_client
from api.core.permissions import deny

ANALYTICS_ROLES = ("leader", "resource_person", "teacher", "pedagogue")
CLIENT_SCOPE = "analytics:read"


def may_view(caller: Any) -> bool:
    """Whether the caller reads the aggregates (a client: holding analytics:read)."""
    return caller.has_scope(CLIENT_SCOPE) if is_client(caller) else caller.has_role(*ANALYTICS_ROLES)


def ensure_can_view(caller: Any) -> None:
    """403 (audited) unless the caller works with cases in a way the aggregates serve, or is a client holding
    analytics:read."""
    if is_client(caller):
        if not caller.has_scope(CLIENT_SCOPE):
            raise deny(f"This API client lacks the scope {CLIENT_SCOPE}.", resource_type="analytics")
        return
    if not caller.has_role(*ANALYTICS_ROLES):
        raise deny(
            f"Your role may not read the aggregates. Needs one of: {', '.join(ANALYTICS_ROLES)}.",
            resource_type="analytics",
        )


def sees_whole_school(caller: Any) -> bool:
    """Whether the aggregates count every case of the caller's school (a client) rather than those the caller
    may see as staff; such a reader works in no class, so every small cell is hidden."""
    return is_client(caller)
