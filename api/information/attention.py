"""The information duty's item on the leader's attention list: established cases where an involved pupil or a
custodial parent is not yet informed (undervisningsmiljøloven § 1 c)."""

from __future__ import annotations

from sqlalchemy import func, select

from api.attention.registry import Context, Found, Item, attention_source
from api.incidents import permissions as incident_permissions
from api.incidents.models import Incident, IncidentStudent
from api.information.service import duty_open_clause, uninformed_count


@attention_source("custodian_not_informed", order=55)
def custodians_not_informed(ctx: Context) -> Found:
    """Established, open cases the caller works where someone to be informed is not; `count` says how many.
    Counted in the database: one statement for the first `limit` cases, one for the total when they fill it."""
    cases = (
        select(
            Incident.id,
            Incident.classification,
            Incident.status,
            Incident.action_plan_due,
            Incident.established_at,
            uninformed_count().label("missing"),
        )
        .where(incident_permissions.worker_clause(ctx.session, ctx.caller), duty_open_clause())
        .subquery()
    )
    rows = ctx.session.execute(
        select(cases.c.id, cases.c.classification, cases.c.status, cases.c.action_plan_due, cases.c.missing)
        .where(cases.c.missing > 0)
        .order_by(cases.c.established_at, cases.c.id)
        .limit(ctx.limit)
    ).all()
    total = len(rows)
    if total == ctx.limit:
        total = ctx.session.scalar(select(func.count()).select_from(cases).where(cases.c.missing > 0)) or 0
    ids = [r.id for r in rows]
    students = (
        set(
            ctx.session.scalars(
                select(IncidentStudent.student_id).where(IncidentStudent.incident_id.in_(ids))
            )
        )
        if ids
        else set()
    )
    return Found(
        [
            Item(
                "custodian_not_informed",
                "incident",
                r.id,
                day=r.action_plan_due,
                classification=r.classification,
                status=r.status,
                count=r.missing,
            )
            for r in rows
        ],
        total,
        students,
    )
