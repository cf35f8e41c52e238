"""The separation rule: the target and the actor of a case that is not closed (nor withdrawn by its reporter)
are never put together (in a play-partner arrangement, in a wellbeing-day group). The rule holds for every
case, also those the caller may not see; what the caller is *told* when it refuses them depends on what they
may see:

- a caller who may see the case (as a worker or its reporter) gets the reason: the students, their roles and
  the case (error type `open_case_separation`);
- a caller who may not is told only that the step cannot be taken and whom to ask, with no names, roles or case
  ids (error type `separation_rule`); flags such as an arrangement's `case_conflict` count only visible cases.

Every refusal is audited as denied, with the students concerned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from api.core import audit
from api.errors import DomainError
from api.incidents import permissions
from api.incidents.models import BULLYING_LIKE, CaseStatus, Incident, IncidentStudent, InvolvementRole

OPEN_CASE_SEPARATION = "open_case_separation"  # the caller may see the case: told why
SEPARATION_RULE = "separation_rule"  # the caller may not see it: told only whom to ask
ASK = "Ask a leader or the resource person."


@dataclass(frozen=True)
class OpenCasePair:
    """A target and an actor of one open case, and whether the viewer may see that case."""

    target_id: int
    actor_id: int
    incident_id: int
    visible: bool

    @property
    def students(self) -> frozenset[int]:
        """Both students."""
        return frozenset((self.target_id, self.actor_id))


def open_case_pairs(
    session: Session,
    *,
    viewer: Any,
    student_ids: Iterable[int] | None = None,
    bullying_like: bool = False,
) -> list[OpenCasePair]:
    """Every (target, actor) pair of the viewer's school's cases that are not closed (optionally only among
    these students, only bullying-like cases), each marked with whether the viewer may see its case."""
    target = aliased(IncidentStudent)
    actor_row = aliased(IncidentStudent)
    visible = permissions.visibility_clause(session, viewer).label("visible")
    stmt = (
        select(target.student_id, actor_row.student_id, Incident.id, visible)
        .join(target, target.incident_id == Incident.id)
        .join(actor_row, actor_row.incident_id == Incident.id)
        .where(
            Incident.school_id == viewer.school_id,
            Incident.status != CaseStatus.CLOSED.value,
            Incident.withdrawn_at.is_(None),
            target.role == InvolvementRole.TARGET.value,
            actor_row.role == InvolvementRole.ACTOR.value,
        )
        .order_by(Incident.id, target.student_id, actor_row.student_id)
    )
    if bullying_like:
        stmt = stmt.where(Incident.classification.in_([c.value for c in BULLYING_LIKE]))
    if student_ids is not None:
        ids = sorted(set(student_ids))
        stmt = stmt.where(target.student_id.in_(ids), actor_row.student_id.in_(ids))
    return [OpenCasePair(t, a, i, bool(v)) for t, a, i, v in session.execute(stmt)]


def separated(pairs: Iterable[OpenCasePair]) -> list[tuple[int, int]]:
    """The (target, actor) pairs to keep apart, once each, whoever may see their cases."""
    return sorted({(p.target_id, p.actor_id) for p in pairs})


def separation_refusal(
    pairs: Sequence[OpenCasePair],
    *,
    error: type[DomainError],
    explained: str,
    hidden: str,
    field: str,
    names: Mapping[int, str],
    resource_type: str,
    resource_id: int | None = None,
    explain_only_if_all_visible: bool = False,
) -> DomainError:
    """The error for a step refused because it would put the two sides of these cases together, telling the
    caller only what they may see (audited as denied). `explained` opens the message for a caller who may
    see the reason; `hidden` says what cannot be made to one who may not. With `explain_only_if_all_visible`
    (a refusal no single pair accounts for) a hidden case anywhere makes the whole answer the hidden one."""
    visible = [p for p in pairs if p.visible]
    explain = bool(visible) and (not explain_only_if_all_visible or len(visible) == len(pairs))
    audit.record(
        "separation_refused",
        resource_type=resource_type,
        resource_id=resource_id,
        student_ids={s for p in pairs for s in p.students},
        outcome=audit.DENIED,
        detail={"incident_ids": sorted({p.incident_id for p in pairs}), "explained": explain},
    )
    if not explain:
        return error(f"{hidden} {ASK}", type=SEPARATION_RULE, errors={"rule": [SEPARATION_RULE]})
    described = "; ".join(
        f"{names.get(p.target_id, p.target_id)} (target) and {names.get(p.actor_id, p.actor_id)} (actor) "
        f"of case #{p.incident_id}"
        for p in visible
    )
    return error(
        f"{explained}: {described}. Talk to the leader or resource person who works the case.",
        type=OPEN_CASE_SEPARATION,
        errors={
            "rule": [OPEN_CASE_SEPARATION],
            field: [
                f"students {p.target_id} and {p.actor_id} are target and actor of open case {p.incident_id}"
                for p in visible
            ],
        },
    )
