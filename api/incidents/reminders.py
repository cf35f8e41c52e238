"""Reminders the scheduler sends (HTTP-free): action plans due within 2 working days or overdue (the case
owner and the leaders), follow-up meetings due (the owner). Each once per state: a new due date is a new
state, another run on the same state sends nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.calendar.service import add_working_days
from api.core.timeutil import local_date
from api.incidents import permissions
from api.incidents.deadline import DUE_SOON_WORKING_DAYS, deadline_status, plan_pending_clause
from api.incidents.models import ActionPlan, CaseStatus, Incident
from api.incidents.records import emit_event
from api.jobs.service import first_time
from api.notifications.service import notify
from api.schools.models import School
from api.users.models import User
from api.users.service import active_staff

_PLAN_EVENTS = {"due_soon": "action_plan.due_soon", "overdue": "action_plan.overdue"}


def _owner_id(incident: Incident) -> int | None:
    """Who owns the case: whoever established it, else whoever adopted the plan."""
    if incident.established_by_id is not None:
        return incident.established_by_id
    plan = incident.action_plan
    return plan.adopted_by_id if plan is not None else None


def _recipients(session: Session, incident: Incident, user_ids: Iterable[int | None]) -> list[int]:
    """Those of these users who still work the case (a reminder must not reveal a case to anyone else)."""
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return []
    users = session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)))
    return [u.id for u in users if permissions.is_worker(session, u, incident)]


def action_plan_reminders(session: Session, *, now: datetime) -> dict[str, int]:
    """Tell the owner and the leaders when a case's action plan becomes due soon and when it becomes overdue."""
    today = local_date(now)
    sent = {"due_soon": 0, "overdue": 0}
    school_ids = session.scalars(select(Incident.school_id).where(plan_pending_clause()).distinct())
    for school in session.scalars(select(School).where(School.id.in_(list(school_ids)))):
        soon = add_working_days(session, school=school, start=today, days=DUE_SOON_WORKING_DAYS)
        stmt = (
            select(Incident)
            .where(Incident.school_id == school.id, plan_pending_clause(), Incident.action_plan_due <= soon)
            .options(selectinload(Incident.action_plan))
            .order_by(Incident.id)
        )
        for incident in session.scalars(stmt):
            state = deadline_status(incident, today=today, soon=soon)
            if state not in sent or incident.action_plan_due is None:
                continue
            due = incident.action_plan_due.isoformat()
            kind = f"action_plan_{state}"
            if not first_time(
                session, school_id=school.id, kind=kind, subject_id=incident.id, state_key=due, now=now
            ):
                continue
            users = [
                _owner_id(incident),
                *(u.id for u in active_staff(session, school_id=school.id, roles=("leader",))),
            ]
            notify(
                session,
                user_ids=_recipients(session, incident, users),
                kind=kind,
                params={"action_plan_due": due},
                incident_id=incident.id,
            )
            emit_event(session, incident, _PLAN_EVENTS[state])
            sent[state] += 1
    session.flush()
    return sent


def follow_up_reminders(session: Session, *, now: datetime) -> dict[str, Any]:
    """Tell the owner when a case's follow-up meeting is due (on its date, or later if the job was down)."""
    today = local_date(now)
    stmt = (
        select(Incident)
        .join(ActionPlan, ActionPlan.incident_id == Incident.id)
        .where(
            ActionPlan.follow_up_on.is_not(None),
            ActionPlan.follow_up_on <= today,
            Incident.status != CaseStatus.CLOSED.value,
        )
        .options(selectinload(Incident.action_plan))
        .order_by(Incident.id)
    )
    sent = 0
    for incident in session.scalars(stmt):
        plan = incident.action_plan
        assert plan is not None and plan.follow_up_on is not None
        day = plan.follow_up_on.isoformat()
        if not first_time(
            session,
            school_id=incident.school_id,
            kind="follow_up_due",
            subject_id=incident.id,
            state_key=day,
            now=now,
        ):
            continue
        notify(
            session,
            user_ids=_recipients(session, incident, [_owner_id(incident)]),
            kind="follow_up_due",
            params={"follow_up_on": day},
            incident_id=incident.id,
        )
        emit_event(session, incident, "follow_up.due")
        sent += 1
    session.flush()
    return {"follow_up_due": sent}
