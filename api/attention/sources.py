"""The attention list's own sources: new reports, bullying-like reports nobody has assessed, action plans
overdue or due soon, follow-ups due, established cases without an acute measure, play-partner arrangements
nobody has checked in on, and students observed in low mood again and again.

Case sources count only the cases the caller works (the incidents' own `worker_clause`); new reports and
deadlines count the cases the caller may see (their `visibility_clause`, as the case list does, so a reporter
counts their reports); the deadline rule is the incidents' own (`plan_pending_clause`, `due_soon_until`);
working days are the calendar's. Sources select the columns they show, never whole cases."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, func, or_, select
from sqlalchemy.orm import Session

from api.attention.registry import Context, Found, Item, attention_source
from api.calendar.service import is_working_day
from api.core.timeutil import LOCAL_TZ
from api.incidents import permissions as incident_permissions
from api.incidents.deadline import due_soon_until, plan_pending_clause
from api.incidents.models import (
    BULLYING_LIKE,
    ActionPlan,
    AcuteMeasure,
    CaseStatus,
    FollowUp,
    Incident,
    IncidentStudent,
)
from api.observations import permissions as observation_permissions
from api.observations.models import Observation, ObservationStudent
from api.play_partners.models import (
    ArrangementCheckIn,
    ArrangementStatus,
    ArrangementStudent,
    PlayPartnerArrangement,
)
from api.students.models import Student
from api.students.permissions import staff_class_ids

# Follow-up meetings due within this many days are shown (the week ahead).
FOLLOW_UP_HORIZON_DAYS = 7
# A play-partner arrangement in force this long without a check-in needs someone to ask how it goes.
CHECK_IN_GAP_DAYS = 14
# Repeated low mood: at least this many observations at or below this mood within this many days.
LOW_MOOD, LOW_MOOD_TIMES, LOW_MOOD_DAYS = 2, 3, 14


def _incident_items(kind: str, incidents: list[Incident], *, due: bool = False) -> list[Item]:
    return [
        Item(
            kind,
            "incident",
            i.id,
            day=i.action_plan_due if due else i.occurred_at.astimezone(LOCAL_TZ).date(),
            classification=i.classification,
            status=i.status,
        )
        for i in incidents
    ]


def _total(ctx: Context, page: list[Any], count: Any) -> int:
    """How many there are in all: a page shorter than the limit is all of them (no count statement)."""
    if len(page) < ctx.limit:
        return len(page)
    return ctx.session.scalar(count()) or 0


def students_of_cases(session: Session, incident_ids: list[int]) -> set[int]:
    """The students of these cases (for the audit row of a source listing them)."""
    if not incident_ids:
        return set()
    return set(
        session.scalars(
            select(IncidentStudent.student_id).where(IncidentStudent.incident_id.in_(incident_ids))
        )
    )


def _cases(
    ctx: Context, *conditions: Any, order: Any, kind: str, due: bool = False, seen: bool = False
) -> Found:
    """Cases the caller works (or, `seen`, may see: the case list's own rule, so a reporter counts their
    reports) that meet the conditions; withdrawn reports never."""
    rule = incident_permissions.visibility_clause if seen else incident_permissions.worker_clause
    where = [rule(ctx.session, ctx.caller), Incident.withdrawn_at.is_(None), *conditions]
    # Columns only: the list shows no student, reporter or plan, so none is loaded.
    columns = (
        Incident.id,
        Incident.classification,
        Incident.status,
        Incident.occurred_at,
        Incident.action_plan_due,
    )
    incidents = list(ctx.session.execute(select(*columns).where(*where).order_by(*order).limit(ctx.limit)))
    total = _total(ctx, incidents, lambda: select(func.count(Incident.id)).where(*where))
    return Found(_incident_items(kind, incidents, due=due), total, case_ids=[i.id for i in incidents])


@attention_source("new_report", order=10)
def new_reports(ctx: Context) -> Found:
    """Cases reported since the caller's last visit (or the date asked), newest first as in the case list."""
    # The moment is written into the statement, not sent as a parameter: a prepared statement's generic plan
    # cannot know how few cases are new, and walked the school's cases newest first looking for 50 of them
    # (145 ms at municipality scale once psycopg had prepared it, against 4 ms planned for the moment).
    since = bindparam("since", ctx.since, literal_execute=True)
    return _cases(
        ctx,
        Incident.created_at >= since,
        order=(Incident.occurred_at.desc(), Incident.id.desc()),
        kind="new_report",
        seen=True,
    )


@attention_source("unassessed", order=20)
def unassessed(ctx: Context) -> Found:
    """Bullying-like reports still `open` and not established after N working days (the calendar's days)."""
    day, counted = ctx.today, 0
    while counted < ctx.unassessed_after:
        day -= timedelta(days=1)
        if is_working_day(ctx.session, school=ctx.school, day=day):
            counted += 1
    # Reported on `day` or before: N working days have passed since.
    before = datetime.combine(day + timedelta(days=1), time.min, LOCAL_TZ)
    return _cases(
        ctx,
        Incident.classification.in_([c.value for c in BULLYING_LIKE]),
        Incident.status == CaseStatus.OPEN.value,
        Incident.established_at.is_(None),
        Incident.created_at < before,
        order=(Incident.created_at, Incident.id),
        kind="unassessed",
    )


def _by_deadline(ctx: Context, state: str, kind: str) -> Found:
    """Plans overdue or due soon (the incidents' own deadline rule: pending, and due before today or within
    the warning window of working days), earliest deadline first, among the cases the caller may see."""
    if "soon" not in ctx.shared:
        ctx.shared["soon"] = due_soon_until(ctx.session, school_id=ctx.school.id, today=ctx.today)
    due = Incident.action_plan_due
    window = due < ctx.today if state == "overdue" else due.between(ctx.today, ctx.shared["soon"])
    return _cases(
        ctx, plan_pending_clause(), window, order=(due, Incident.id), kind=kind, due=True, seen=True
    )


@attention_source("plan_overdue", order=30)
def plans_overdue(ctx: Context) -> Found:
    """Action plans past the law's deadline."""
    return _by_deadline(ctx, "overdue", "plan_overdue")


@attention_source("plan_due_soon", order=40)
def plans_due_soon(ctx: Context) -> Found:
    """Action plans due within two working days."""
    return _by_deadline(ctx, "due_soon", "plan_due_soon")


@attention_source("no_acute_measure", order=50)
def no_acute_measure(ctx: Context) -> Found:
    """Established cases waiting for their action plan with no acute measure taken meanwhile."""
    measured = exists(select(AcuteMeasure.id).where(AcuteMeasure.incident_id == Incident.id))
    return _cases(
        ctx,
        Incident.established_at.is_not(None),
        plan_pending_clause(),
        ~measured,
        order=(Incident.action_plan_due, Incident.id),
        kind="no_acute_measure",
        due=True,
    )


@attention_source("follow_up_due", order=60)
def follow_ups_due(ctx: Context) -> Found:
    """Follow-up meetings due this week or already due, not yet held, on open cases."""
    horizon = ctx.today + timedelta(days=FOLLOW_UP_HORIZON_DAYS)
    held = exists(
        select(FollowUp.id).where(
            FollowUp.incident_id == Incident.id, FollowUp.held_on >= ActionPlan.follow_up_on
        )
    )
    where = [
        incident_permissions.worker_clause(ctx.session, ctx.caller),
        Incident.withdrawn_at.is_(None),
        Incident.status != CaseStatus.CLOSED.value,
        ActionPlan.follow_up_on.is_not(None),
        ActionPlan.follow_up_on <= horizon,
        ~held,
    ]
    base = select(Incident.id).join(ActionPlan, ActionPlan.incident_id == Incident.id).where(*where)
    rows = ctx.session.execute(
        select(Incident.id, Incident.classification, Incident.status, ActionPlan.follow_up_on)
        .join(ActionPlan, ActionPlan.incident_id == Incident.id)
        .where(*where)
        .order_by(ActionPlan.follow_up_on, Incident.id)
        .limit(ctx.limit)
    ).all()
    total = _total(ctx, rows, lambda: select(func.count()).select_from(base.subquery()))
    items = [
        Item("follow_up_due", "incident", i, day=on, classification=c, status=st) for i, c, st, on in rows
    ]
    return Found(items, total, case_ids=[r[0] for r in rows])


@attention_source("play_partner_no_check_in", order=70)
def quiet_arrangements(ctx: Context) -> Found:
    """Arrangements in force for two weeks or more with no check-in in the last two weeks."""
    if not ctx.caller.has_role("leader", "teacher", "pedagogue", "sfo_staff", "resource_person"):
        return Found([], 0)
    since = ctx.today - timedelta(days=CHECK_IN_GAP_DAYS)
    checked = exists(
        select(ArrangementCheckIn.id).where(
            ArrangementCheckIn.arrangement_id == PlayPartnerArrangement.id, ArrangementCheckIn.day >= since
        )
    )
    where = [
        PlayPartnerArrangement.school_id == ctx.caller.school_id,
        PlayPartnerArrangement.status == ArrangementStatus.ACTIVE.value,
        PlayPartnerArrangement.start_date <= since,
        PlayPartnerArrangement.end_date >= ctx.today,
        ~checked,
    ]
    if not ctx.caller.has_role("leader", "resource_person"):
        # Everyone sees every arrangement, but a teacher is asked only about those close to them.
        close = [
            PlayPartnerArrangement.responsible_id == ctx.caller.id,
            PlayPartnerArrangement.created_by_id == ctx.caller.id,
        ]
        class_ids = sorted(staff_class_ids(ctx.session, ctx.caller))
        if class_ids:
            close.append(
                PlayPartnerArrangement.id.in_(
                    select(ArrangementStudent.arrangement_id)
                    .join(Student, Student.id == ArrangementStudent.student_id)
                    .where(Student.class_id.in_(class_ids))
                )
            )
        where.append(or_(*close))
    # The last check-in of each listed arrangement only (through its index), not of every arrangement ever.
    last = (
        select(func.max(ArrangementCheckIn.day))
        .where(ArrangementCheckIn.arrangement_id == PlayPartnerArrangement.id)
        .correlate(PlayPartnerArrangement)
        .scalar_subquery()
    )
    rows = ctx.session.execute(
        select(PlayPartnerArrangement.id, last)
        .where(*where)
        .order_by(PlayPartnerArrangement.start_date, PlayPartnerArrangement.id)
        .limit(ctx.limit)
    ).all()
    total = _total(ctx, rows, lambda: select(func.count(PlayPartnerArrangement.id)).where(*where))
    ids = [a for a, _ in rows]
    students = (
        set(
            ctx.session.scalars(
                select(ArrangementStudent.student_id).where(ArrangementStudent.arrangement_id.in_(ids))
            )
        )
        if ids
        else set()
    )
    items = [Item("play_partner_no_check_in", "play_partner_arrangement", a, day=d) for a, d in rows]
    return Found(items, total, students)


@attention_source("low_mood", order=80)
def low_mood(ctx: Context) -> Found:
    """Students observed at mood 2 or lower three times or more in two weeks (observations the caller may
    see, by the observations' own rule)."""
    if not ctx.caller.has_role(*observation_permissions.CHILD_FACING_ROLES):
        return Found([], 0)
    start = datetime.combine(ctx.today - timedelta(days=LOW_MOOD_DAYS - 1), time.min, LOCAL_TZ)
    times = func.count(Observation.id)
    grouped = (
        select(
            ObservationStudent.student_id,
            times.label("times"),
            func.max(Observation.observed_at).label("last"),
        )
        .join(Observation, Observation.id == ObservationStudent.observation_id)
        .join(Student, Student.id == ObservationStudent.student_id)
        .where(
            Observation.school_id == ctx.caller.school_id,
            Observation.withdrawn_at.is_(None),
            Observation.observed_at >= start,
            Observation.mood <= LOW_MOOD,
            Student.active.is_(True),
            observation_permissions.visible_clause(ctx.session, ctx.caller),
        )
        .group_by(ObservationStudent.student_id)
        .having(times >= LOW_MOOD_TIMES)
        .subquery()
    )
    rows = ctx.session.execute(
        select(Student, grouped.c.times, grouped.c.last)
        .join(grouped, grouped.c.student_id == Student.id)
        .order_by(grouped.c.times.desc(), grouped.c.last.desc(), Student.id)
        .limit(ctx.limit)
    ).all()
    total = _total(ctx, rows, lambda: select(func.count()).select_from(grouped))
    items = [
        Item(
            "low_mood",
            "student",
            s.id,
            day=last.astimezone(LOCAL_TZ).date() if last.tzinfo else last.date(),
            count=n,
            student={"id": s.id, "display_name": s.display_name, "class_name": s.class_name},
        )
        for s, n, last in rows
    ]
    return Found(items, total, {s.id for s, _, _ in rows})
