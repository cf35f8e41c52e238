"""The law's deadline: the action plan is due on the 10th working day after bullying was established (or after a
follow-up found it continued); leaders are warned 2 working days ahead."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from api.calendar.service import add_working_days
from api.incidents.models import ActionPlan, CaseStatus, Incident
from api.incidents.records import school_of

# Working days the law allows for the action plan, and the warning window for leaders.
ACTION_PLAN_WORKING_DAYS = 10
DUE_SOON_WORKING_DAYS = 2


def plan_due(session: Session, *, school_id: int, start: date) -> date:
    """The day an action plan is due when the clock starts on `start` (that day not counted)."""
    return add_working_days(
        session, school=school_of(session, school_id), start=start, days=ACTION_PLAN_WORKING_DAYS
    )


def due_soon_until(session: Session, *, school_id: int, today: date) -> date:
    """The last day a deadline counts as due soon (DUE_SOON_WORKING_DAYS working days ahead)."""
    return add_working_days(
        session, school=school_of(session, school_id), start=today, days=DUE_SOON_WORKING_DAYS
    )


def deadline_status(incident: Incident, *, today: date, soon: date | Callable[[], date]) -> str | None:
    """met / pending / due_soon / overdue for an established case's action plan; None when there is none.
    `soon` may be a function giving the last due-soon day: it is asked only for a plan still due (a school
    that counts its closed days reads them to answer it)."""
    if incident.action_plan_due is None:
        return None
    plan = incident.action_plan
    if plan is not None and plan.adopted_at is not None:
        return "met"
    due = incident.action_plan_due
    if due < today:
        return "overdue"
    if due <= (soon() if callable(soon) else soon):
        return "due_soon"
    return "pending"


def due_soon_once(session: Session, *, school_id: int, today: date) -> Callable[[], date]:
    """A function giving due_soon_until for the school and day, computed on its first call only."""
    found: list[date] = []

    def soon() -> date:
        if not found:
            found.append(due_soon_until(session, school_id=school_id, today=today))
        return found[0]

    return soon


def plan_pending_clause() -> Any:
    """SQL condition: the case has a deadline, is not closed and its plan is not adopted."""
    adopted = exists(
        select(ActionPlan.id).where(ActionPlan.incident_id == Incident.id, ActionPlan.adopted_at.is_not(None))
    )
    return and_(
        Incident.action_plan_due.is_not(None),
        Incident.status != CaseStatus.CLOSED.value,
        ~adopted,
    )
