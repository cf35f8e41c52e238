"""Who may see and record the information duty of a case."""

from __future__ import annotations

from typing import Any

from api.core.permissions import deny


def ensure_worker(incident: Any) -> None:
    """The case's workers (who see all of it) keep the information duty; the reporter view shows no guardians."""
    if getattr(incident, "view", None) != "full":
        raise deny(
            "Only the case's workers (the class's staff, resource persons, leaders) see and record who was "
            "informed.",
            resource_type="incident",
            resource_id=incident.id,
            student_ids=tuple(incident.student_ids),
        )
