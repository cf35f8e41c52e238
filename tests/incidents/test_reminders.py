"""Reminders: an action plan crossing "due soon" and "overdue" gives exactly one notification each to the
case owner and the leaders (and one webhook event each); follow-up meetings due notify the owner; nobody
who may not see the case is told of it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from api.core.outbox import OutboxEvent
from api.jobs import scheduler
from api.notifications.models import Notification
from tests.incidents.factories import adopt_plan, make_incident, make_world

ESTABLISHED = datetime(2026, 4, 1, 8, 30, tzinfo=UTC)  # Wednesday; plan due Monday 20 April (Easter skipped)
DUE = date(2026, 4, 20)


def at(day: int, hour: int = 6) -> datetime:
    """A moment in April 2026 (UTC; 06:00 is 08:00 in Copenhagen)."""
    return datetime(2026, 4, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def world(app, session):
    return make_world(session)


def run_jobs(app, now):
    with app.app_context():
        return scheduler.run_due(app.extensions["trivsel_db"], now=now, worker_id="test")


def notices(session, kind):
    session.expire_all()
    return sorted(
        (n.user_id, n.incident_id)
        for n in session.scalars(select(Notification).where(Notification.kind == kind))
    )


def events(session):
    session.expire_all()
    return [(e.type, e.object_id) for e in session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))]


def established_case(session, world, **kw):
    return make_incident(
        session,
        world,
        classification="bullying",
        status="action_plan",
        established_at=ESTABLISHED,
        established_by=world.users["resource_person"],
        action_plan_due=DUE,
        **kw,
    )


def test_crossing_due_soon_and_overdue_gives_exactly_one_notification_each(app, session, world):
    case = established_case(session, world)
    owner, leaders = world.users["resource_person"], [world.users["leader"], world.users["leader2"]]
    told = sorted((u.id, case.id) for u in [owner, *leaders])

    for moment in (at(14), at(15), at(15, 20)):  # due Monday 20th is more than 2 working days away
        run_jobs(app, moment)
    assert notices(session, "action_plan_due_soon") == []

    for moment in (at(16), at(16, 12), at(17), at(20, 15)):  # due within 2 working days, until the day
        run_jobs(app, moment)
    assert notices(session, "action_plan_due_soon") == told
    assert notices(session, "action_plan_overdue") == []

    for moment in (at(21), at(21, 12), at(22), at(28)):  # past the due day
        run_jobs(app, moment)
    assert notices(session, "action_plan_overdue") == told
    assert notices(session, "action_plan_due_soon") == told, "no second due-soon notice"
    assert events(session) == [("action_plan.due_soon", case.id), ("action_plan.overdue", case.id)]
    assert world.users["teacher"].id not in {u for u, _ in notices(session, "action_plan_overdue")}


def test_an_adopted_plan_is_not_chased(app, session, world):
    case = established_case(session, world)
    adopt_plan(session, case, world.users["resource_person"], follow_up_on=date(2026, 5, 4))
    run_jobs(app, at(16))
    run_jobs(app, at(22))
    assert notices(session, "action_plan_due_soon") == notices(session, "action_plan_overdue") == []


def test_a_case_accusing_a_leader_is_reminded_only_to_the_other_leaders(app, session, world):
    accused = world.users["leader2"]
    case = make_incident(
        session,
        world,
        classification="bullying",
        status="action_plan",
        established_at=ESTABLISHED,
        established_by=world.users["leader"],
        action_plan_due=DUE,
        accused=accused,
    )
    run_jobs(app, at(21))
    assert notices(session, "action_plan_overdue") == [(world.users["leader"].id, case.id)]
    assert events(session) == [], "no integration hears of a case accusing staff"


def test_a_follow_up_meeting_due_notifies_the_owner_once_per_date(app, session, world):
    case = established_case(session, world)
    plan = adopt_plan(session, case, world.users["resource_person"], follow_up_on=date(2026, 4, 24))
    run_jobs(app, at(23))
    assert notices(session, "follow_up_due") == []
    run_jobs(app, at(24))
    run_jobs(app, at(24, 12))
    run_jobs(app, at(27))
    assert notices(session, "follow_up_due") == [(world.users["resource_person"].id, case.id)]

    plan.follow_up_on = date(2026, 5, 8)  # the meeting was held and the next one set
    session.commit()
    run_jobs(app, datetime(2026, 5, 8, 6, tzinfo=UTC))
    assert len(notices(session, "follow_up_due")) == 2
    assert [t for t, _ in events(session)].count("follow_up.due") == 2
