"""Who handles complaints: the school's leaders record them and their course; the case owners may read."""

from __future__ import annotations

from typing import Any

from api.core.permissions import deny

WRITE_ROLES = ("leader",)
READ_ROLES = ("leader", "resource_person")


def ensure_can_read(caller: Any, incident: Any) -> None:
    """Leaders and resource persons who work the case (the incidents service has already said 404 otherwise)."""
    if getattr(incident, "view", None) != "full" or not caller.has_role(*READ_ROLES):
        raise deny(
            "Only the case's leaders and resource persons see its complaints.",
            resource_type="incident",
            resource_id=incident.id,
        )


def ensure_can_write(caller: Any, incident: Any) -> None:
    """Leaders record a complaint and its course."""
    ensure_can_read(caller, incident)
    if not caller.has_role(*WRITE_ROLES):
        raise deny("Only leaders record complaints.", resource_type="incident", resource_id=incident.id)
