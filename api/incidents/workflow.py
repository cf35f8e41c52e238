"""The case workflow: which status may follow which, and who may make each move (pure: no database, so the
rules are tested and mutated on their own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.incidents.models import CaseStatus, Incident

if TYPE_CHECKING:
    from api.incidents.actions import Access

TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.OPEN: (CaseStatus.INVESTIGATING, CaseStatus.CLOSED),
    CaseStatus.INVESTIGATING: (CaseStatus.ACTION_PLAN, CaseStatus.CLOSED),
    CaseStatus.ACTION_PLAN: (CaseStatus.MONITORING,),
    CaseStatus.MONITORING: (CaseStatus.ACTION_PLAN, CaseStatus.CLOSED),
    CaseStatus.CLOSED: (CaseStatus.INVESTIGATING,),
}
# Transitions any case worker may make; every other one is the case owners' (leader, resource person).
WORKER_TRANSITIONS = {
    (CaseStatus.OPEN, CaseStatus.INVESTIGATING),
    (CaseStatus.OPEN, CaseStatus.CLOSED),
    (CaseStatus.INVESTIGATING, CaseStatus.CLOSED),
}


# The one refusal a withdrawn report gives, to every action and transition (api.errors type `withdrawn`).
WITHDRAWN = (409, "The report was withdrawn by its reporter.")


def transition_problem(incident: Incident, target: str, access: Access) -> tuple[int, str] | None:
    """Why the caller (with this access to the case) cannot move it to `target` now: (403 or 409, reason), or
    None."""
    if incident.withdrawn_at is not None:
        return WITHDRAWN
    current = incident.status
    if target not in TRANSITIONS.get(current, ()):
        return 409, f"A case cannot go from {current} to {target}."
    needs_owner = (current, target) not in WORKER_TRANSITIONS or (
        target == CaseStatus.CLOSED and incident.established_at is not None
    )
    if needs_owner and not access.owner:
        return 403, f"Only leaders and resource persons may move a case from {current} to {target}."
    if not needs_owner and not access.worker:
        return 403, "Only the case's workers may change its status."
    plan = incident.action_plan
    adopted = plan is not None and plan.adopted_at is not None
    if target == CaseStatus.MONITORING and not adopted:
        return 409, "Save the action plan before the case moves to monitoring."
    if target == CaseStatus.CLOSED and incident.established_at is not None and not adopted:
        return 409, "Bullying was established: the law requires an action plan before the case is closed."
    return None


def allowed_transitions(incident: Incident, access: Access) -> list[str]:
    """The statuses the caller may move the case to now."""
    return [t for t in TRANSITIONS[incident.status] if transition_problem(incident, t, access) is None]
