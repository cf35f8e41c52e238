"""Who may read the aggregates.

- A school's leaders, resource persons, teachers and pedagogues read the aggregates of the cases and
  observations they may see anyway (each domain's own visibility rule decides which); a count under the
  threshold is hidden in every view that adds up several classes, while the classes a staff member works in
  are shown to them in full. SFO staff and admins (who see only their own reports, or no case at all) are
  refused: an aggregate of one's own reports tells nothing, and an admin works with rosters, not children.
- A municipality user reads each of its municipality's schools side by side (api/municipalities), every small
  cell hidden, and nothing else.
"""

from __future__ import annotations

from typing import Any

from api.auth.permissions import deny

ANALYTICS_ROLES = ("leader", "resource_person", "teacher", "pedagogue")


def ensure_can_view(actor: Any) -> None:
    """403 (audited) unless the actor works with cases in a way the aggregates serve."""
    if not actor.has_role(*ANALYTICS_ROLES):
        raise deny(
            f"Your role may not read the aggregates. Needs one of: {', '.join(ANALYTICS_ROLES)}.",
            resource_type="analytics",
        )
