"""The information duty's item on the leader's attention list: established cases where an involved pupil or a
custodial parent is not yet informed (undervisningsmiljøloven § 1 c)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from api.attention.registry import Context, Found, Item, attention_source
from api.incidents import permissions as incident_permissions
from api.incidents.models import Incident
from api.information.service import uninformed_by_case


@attention_source("custodian_not_informed", order=55)
def custodians_not_informed(ctx: Context) -> Found:
    """Established, open cases the caller works where someone to be informed is not; `count` says how many."""
    cases = list(
        ctx.session.scalars(
            select(Incident)
            .where(
                incident_permissions.worker_clause(ctx.session, ctx.actor),
                Incident.established_at.is_not(None),
                Incident.withdrawn_at.is_(None),
                Incident.status != "closed",
            )
            .options(selectinload(Incident.students))
            .order_by(Incident.established_at, Incident.id)
        )
    )
    missing = uninformed_by_case(ctx.session, incidents=cases)
    found = [c for c in cases if c.id in missing]
    return Found(
        [
            Item(
                "custodian_not_informed",
                "incident",
                c.id,
                day=c.action_plan_due,
                classification=c.classification,
                status=c.status,
                count=missing[c.id],
            )
            for c in found[: ctx.limit]
        ],
        len(found),
        {sid for c in found[: ctx.limit] for sid in c.student_ids},
    )
