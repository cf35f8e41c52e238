"""The law's deadline on its own: the due day counted in the school's working days, the due-soon window, the
status at each edge (the day itself, the last day of the window) and which cases still wait for a plan."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from api.calendar.models import ClosedPeriod
from api.incidents.deadline import deadline_status, due_soon_until, plan_due, plan_pending_clause
from api.incidents.models import ActionPlan, Incident
from tests.incidents.factories import adopt_plan, make_incident, make_world

MONDAY = date(2026, 3, 2)  # no public holiday in March 2026 (Easter is in April)


def case(due, plan=None):
    action_plan = None if plan is None else SimpleNamespace(adopted_at=MONDAY if plan == "adopted" else None)
    return SimpleNamespace(action_plan_due=due, action_plan=action_plan)


def test_the_status_of_a_deadline_at_each_edge():
    today, soon = MONDAY, MONDAY + timedelta(days=2)
    assert deadline_status(case(None), today=today, soon=soon) is None
    assert deadline_status(case(today - timedelta(days=1)), today=today, soon=soon) == "overdue"
    assert deadline_status(case(today), today=today, soon=soon) == "due_soon"  # due today is not late yet
    assert deadline_status(case(soon), today=today, soon=soon) == "due_soon"
    assert deadline_status(case(soon + timedelta(days=1)), today=today, soon=soon) == "pending"
    # a plan saved but not adopted does not meet the deadline; an adopted one does, even late
    assert deadline_status(case(today - timedelta(days=1), plan="draft"), today=today, soon=soon) == "overdue"
    assert deadline_status(case(today - timedelta(days=9), plan="adopted"), today=today, soon=soon) == "met"
    assert deadline_status(case(soon + timedelta(days=9), plan="adopted"), today=today, soon=soon) == "met"
    # no deadline, no status, whatever the plan
    assert deadline_status(case(None, plan="adopted"), today=today, soon=soon) is None


@pytest.fixture
def world(session):
    return make_world(session)


def test_the_plan_is_due_on_the_tenth_working_day_and_due_soon_two_working_days_ahead(session, world):
    school_id = world.school.id
    assert plan_due(session, school_id=school_id, start=MONDAY) == date(2026, 3, 16)
    assert plan_due(session, school_id=school_id, start=date(2026, 3, 6)) == date(
        2026, 3, 20
    )  # from a Friday
    assert due_soon_until(session, school_id=school_id, today=MONDAY) == date(2026, 3, 4)
    assert due_soon_until(session, school_id=school_id, today=date(2026, 3, 5)) == date(2026, 3, 9)


def test_the_deadline_skips_the_schools_closed_days_when_it_counts_them(session, world):
    session.add(
        ClosedPeriod(
            school_id=world.school.id,
            first_day=date(2026, 3, 9),
            last_day=date(2026, 3, 13),
            name="Vinterferie",
        )
    )
    session.commit()
    school_id = world.school.id
    assert plan_due(session, school_id=school_id, start=MONDAY) == date(2026, 3, 16)  # not counted yet
    world.school.count_closed_days = True
    session.commit()
    assert plan_due(session, school_id=school_id, start=MONDAY) == date(2026, 3, 23)
    assert due_soon_until(session, school_id=school_id, today=date(2026, 3, 6)) == date(2026, 3, 17)
    # another school's calendar is its own
    assert plan_due(session, school_id=world.other_school.id, start=MONDAY) == date(2026, 3, 16)


def test_the_cases_waiting_for_a_plan(session, world):
    leader = world.users["leader"]
    due = MONDAY + timedelta(days=14)

    def established(**kw):
        return make_incident(session, world, established_at=None, action_plan_due=due, **kw)

    waiting = established(status="investigating")
    drafted = established(status="action_plan")
    session.add(ActionPlan(incident_id=drafted.id, follow_up_on=due, updated_by_id=leader.id))
    adopted = established(status="action_plan")
    adopt_plan(session, adopted, leader, due)
    closed = established(status="closed")
    make_incident(session, world)  # no deadline at all
    other = make_incident(
        session,
        world,
        reporter=world.other_users["teacher"],
        students=[(world.other_student, "target")],
        action_plan_due=due,
    )
    session.commit()
    found = set(session.scalars(select(Incident.id).where(plan_pending_clause())))
    assert found == {waiting.id, drafted.id, other.id}
    assert closed.id not in found and adopted.id not in found
