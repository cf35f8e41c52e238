"""The attention list a leader opens on Monday morning: one call, grouped by kind, each item linking to its
record, only what the caller may see, and the read audited with the students it concerns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.core.timeutil import local_date, utcnow
from api.incidents.models import AcuteMeasure
from api.play_partners.models import ArrangementCheckIn, ArrangementStudent, PlayPartnerArrangement
from tests.analytics.factories import add_cases, add_observations
from tests.factories import make_student
from tests.incidents.factories import adopt_plan, headers, make_incident, make_world
from tests.queries import statements

URL = "/api/v1/attention"


@pytest.fixture
def world(app, session):
    return make_world(session)


def _groups(client, app, world, user, **query):
    resp = client.get(URL, query_string=query, headers=headers(app, world, user))
    assert resp.status_code == 200, resp.json
    return {g["kind"]: g for g in resp.json["groups"]}


def _ids(group):
    return sorted(i["record_id"] for i in group["items"])


def test_every_kind_is_listed_in_order(app, client, session, world):
    groups = client.get(URL, headers=headers(app, world, world.users["leader"])).json["groups"]
    assert [g["kind"] for g in groups] == [
        "new_report",
        "unassessed",
        "plan_overdue",
        "plan_due_soon",
        "no_acute_measure",
        "custodian_not_informed",  # registered by the information duty (api/information/attention.py)
        "follow_up_due",
        "play_partner_no_check_in",
        "low_mood",
    ]


def test_new_reports_since_a_date_or_the_last_visit(app, client, session, world):
    leader = world.users["leader"]
    old = add_cases(session, world.users["teacher"], [world.anna], at=utcnow() - timedelta(days=10))[0]
    new = add_cases(session, world.users["teacher"], [world.anna], at=utcnow() - timedelta(hours=1))[0]
    # default without a visit: the last 7 days
    group = _groups(client, app, world, leader)["new_report"]
    assert _ids(group) == [new.id]
    item = group["items"][0]
    assert item["href"] == f"/api/v1/incidents/{new.id}" and item["record_type"] == "incident"
    since = (utcnow() - timedelta(days=11)).isoformat()
    assert _ids(_groups(client, app, world, leader, since=since)["new_report"]) == sorted([old.id, new.id])
    seen = client.post(f"{URL}/seen", headers=headers(app, world, leader))
    assert seen.status_code == 200
    assert _groups(client, app, world, leader)["new_report"]["total"] == 0
    newer = make_incident(session, world)
    assert _ids(_groups(client, app, world, leader)["new_report"]) == [newer.id]


def test_unassessed_bullying_like_reports_after_working_days(app, client, session, world):
    leader = world.users["leader"]
    today = local_date()
    long_ago = datetime.combine(today - timedelta(days=14), datetime.min.time(), UTC) + timedelta(hours=9)
    waiting = add_cases(session, leader, [world.anna], at=long_ago, classification="bullying")[0]
    add_cases(session, leader, [world.anna], at=long_ago, classification="conflict")  # not bullying-like
    add_cases(session, leader, [world.anna], at=utcnow(), classification="exclusion")  # too new
    assessed = add_cases(session, leader, [world.anna], at=long_ago, classification="bullying")[0]
    assessed.status = "investigating"
    session.commit()
    group = _groups(client, app, world, leader)["unassessed"]
    assert _ids(group) == [waiting.id]
    assert group["items"][0]["classification"] == "bullying"
    # with 20 working days (four weeks) nothing from two weeks ago is late yet
    assert _groups(client, app, world, leader, unassessed_after=20)["unassessed"]["total"] == 0


def test_plans_overdue_and_due_soon_use_the_case_deadline_logic(app, client, session, world):
    leader = world.users["leader"]
    today = local_date()
    kw = {
        "classification": "bullying",
        "status": "action_plan",
        "established_at": utcnow(),
        "established_by": leader,
    }
    overdue = make_incident(session, world, action_plan_due=today - timedelta(days=1), **kw)
    soon = make_incident(session, world, action_plan_due=today, **kw)
    later = make_incident(session, world, action_plan_due=today + timedelta(days=30), **kw)
    met = make_incident(session, world, action_plan_due=today - timedelta(days=3), **kw)
    adopt_plan(session, met, leader, today + timedelta(days=20))
    session.add(AcuteMeasure(incident_id=soon.id, description="Voksen i gården", recorded_by_id=leader.id))
    session.commit()
    groups = _groups(client, app, world, leader)
    assert _ids(groups["plan_overdue"]) == [overdue.id]
    assert groups["plan_overdue"]["items"][0]["day"] == (today - timedelta(days=1)).isoformat()
    assert _ids(groups["plan_due_soon"]) == [soon.id]
    # established, plan pending, no acute measure yet
    assert _ids(groups["no_acute_measure"]) == sorted([overdue.id, later.id])


def test_follow_ups_due_this_week_not_yet_held(app, client, session, world):
    leader = world.users["leader"]
    today = local_date()
    due = make_incident(session, world, status="monitoring")
    adopt_plan(session, due, leader, today + timedelta(days=3))
    far = make_incident(session, world, status="monitoring")
    adopt_plan(session, far, leader, today + timedelta(days=30))
    group = _groups(client, app, world, leader)["follow_up_due"]
    assert _ids(group) == [due.id]
    assert group["items"][0]["day"] == (today + timedelta(days=3)).isoformat()


def _arrangement(session, world, *, started: date, responsible, students) -> PlayPartnerArrangement:
    a = PlayPartnerArrangement(
        school_id=world.school.id,
        purpose="Leg sammen",
        recess_mask=1,
        weekday_mask=31,
        start_date=started,
        end_date=local_date() + timedelta(days=30),
        responsible_id=responsible.id,
        created_by_id=responsible.id,
    )
    a.students = [ArrangementStudent(student_id=s.id) for s in students]
    session.add(a)
    session.commit()
    return a


def test_play_partner_arrangements_without_a_check_in_for_two_weeks(app, client, session, world):
    today = local_date()
    quiet = _arrangement(
        session,
        world,
        started=today - timedelta(days=30),
        responsible=world.users["pedagogue"],
        students=[world.anna, world.bo],
    )
    checked = _arrangement(
        session,
        world,
        started=today - timedelta(days=30),
        responsible=world.users["pedagogue"],
        students=[world.anna, world.bo],
    )
    session.add(
        ArrangementCheckIn(
            arrangement_id=checked.id,
            day=today - timedelta(days=2),
            outcome="good",
            author_id=world.users["pedagogue"].id,
        )
    )
    _arrangement(
        session,
        world,
        started=today - timedelta(days=3),
        responsible=world.users["pedagogue"],
        students=[world.anna, world.bo],
    )
    far = _arrangement(
        session,
        world,
        started=today - timedelta(days=30),
        responsible=world.users["teacher_b"],
        students=[world.carl, make_student(session, world.school, world.class_b)],
    )
    session.commit()
    assert _ids(_groups(client, app, world, world.users["leader"])["play_partner_no_check_in"]) == sorted(
        [quiet.id, far.id]
    )
    # a teacher is asked about the arrangements of their own class's students, not every one
    group = _groups(client, app, world, world.users["teacher"])["play_partner_no_check_in"]
    assert _ids(group) == [quiet.id]
    assert group["items"][0]["href"] == f"/api/v1/play-partner-arrangements/{quiet.id}"


def test_repeated_low_mood_for_those_who_may_see_the_observations(app, client, session, world):
    author = world.users["pedagogue"]
    add_observations(session, author, world.anna, n=3, mood=1, at=utcnow() - timedelta(days=1))
    add_observations(session, author, world.bo, n=2, mood=2, at=utcnow() - timedelta(days=1))
    add_observations(session, author, world.bo, n=3, mood=4, at=utcnow() - timedelta(days=1))
    add_observations(session, author, world.carl, n=3, mood=2, at=utcnow() - timedelta(days=30))
    group = _groups(client, app, world, world.users["leader"])["low_mood"]
    assert _ids(group) == [world.anna.id]
    assert group["items"][0]["count"] == 3
    assert group["items"][0]["student"] == {
        "id": world.anna.id,
        "display_name": "Anna Holm",
        "class_name": "3.A",
    }
    # teacher B neither works class A nor wrote these observations: nothing
    assert _groups(client, app, world, world.users["teacher_b"])["low_mood"]["total"] == 0


def test_only_what_the_caller_may_see_and_the_read_is_audited(app, client, session, world):
    today = local_date()
    kw = {
        "classification": "bullying",
        "status": "action_plan",
        "established_at": utcnow(),
        "established_by": world.users["leader"],
    }
    accused = make_incident(
        session,
        world,
        reporter=world.users["leader2"],
        accused=world.users["teacher"],
        action_plan_due=today - timedelta(days=1),
        **kw,
    )
    class_b = make_incident(
        session,
        world,
        reporter=world.users["teacher_b"],
        students=[(world.carl, "target")],
        action_plan_due=today - timedelta(days=1),
        **kw,
    )
    other = make_incident(
        session, world, reporter=world.other_users["leader"], students=[(world.other_student, "target")]
    )
    leader = _groups(client, app, world, world.users["leader"])
    assert _ids(leader["plan_overdue"]) == sorted([accused.id, class_b.id])
    teacher = _groups(client, app, world, world.users["teacher"])
    assert teacher["plan_overdue"]["total"] == 0  # the accused teacher never sees it; class B is not theirs
    assert teacher["no_acute_measure"]["total"] == 0
    assert other.id not in _ids(leader["new_report"])
    assert client.get(URL, headers=headers(app, world, world.users["admin"])).status_code == 403
    rows = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "attention_viewed", AuditEntry.user_id == world.users["leader"].id
        )
    ).all()
    assert {r.student_id for r in rows} == {world.anna.id, world.bo.id, world.carl.id}
    assert rows[0].detail["totals"]["plan_overdue"] == 2
    assert (
        client.get(
            URL, query_string={"kind": ["plan_overdue"]}, headers=headers(app, world, world.users["leader"])
        ).json["groups"][0]["kind"]
        == "plan_overdue"
    )


def test_a_domain_adds_a_kind_by_registering_a_function(app, client, session, world):
    from api.attention import registry

    @registry.attention_source("test_kind", order=5)
    def test_kind(ctx):
        return registry.Found([registry.Item("test_kind", "student", world.anna.id)], 1, {world.anna.id})

    try:
        groups = client.get(URL, headers=headers(app, world, world.users["leader"])).json["groups"]
        assert groups[0]["kind"] == "test_kind"
        assert groups[0]["items"][0]["href"] == f"/api/v1/students/{world.anna.id}"
    finally:
        registry.SOURCES.pop("test_kind")


def test_a_quiet_arrangement_is_dated_by_its_own_last_check_in(app, client, session, world):
    today = local_date()
    people = {"responsible": world.users["pedagogue"], "students": [world.anna, world.bo]}
    never = _arrangement(session, world, started=today - timedelta(days=40), **people)
    lapsed = _arrangement(session, world, started=today - timedelta(days=40), **people)
    busy = _arrangement(session, world, started=today - timedelta(days=40), **people)
    for arrangement, days_ago in ((lapsed, 20), (lapsed, 25), (busy, 1), (busy, 16)):
        session.add(
            ArrangementCheckIn(
                arrangement_id=arrangement.id,
                day=today - timedelta(days=days_ago),
                outcome="good",
                author_id=world.users["pedagogue"].id,
            )
        )
    session.commit()
    group = _groups(client, app, world, world.users["leader"])["play_partner_no_check_in"]
    assert {i["record_id"]: i["day"] for i in group["items"]} == {
        never.id: None,
        lapsed.id: (today - timedelta(days=20)).isoformat(),
    }


def test_the_audit_names_every_listed_cases_students_looked_up_once(
    app, client, session, world, database_url
):
    today = local_date()
    overdue = make_incident(
        session,
        world,
        reporter=world.users["teacher"],
        students=[(world.anna, "target"), (world.bo, "actor")],
        classification="conflict",
        action_plan_due=today - timedelta(days=1),
    )
    new = add_cases(session, world.users["teacher_b"], [world.carl], at=utcnow() - timedelta(hours=1))[0]
    with statements(database_url) as sent:
        groups = _groups(client, app, world, world.users["leader"])
    assert _ids(groups["plan_overdue"]) == [overdue.id] and new.id in _ids(groups["new_report"])
    # the case sources' students, for the audit row, in one statement for the whole list
    assert (
        len([s for s in sent if s.startswith("SELECT incident_students.student_id FROM incident_students")])
        == 1
    )
    rows = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "attention_viewed", AuditEntry.user_id == world.users["leader"].id
        )
    ).all()
    assert {r.student_id for r in rows} == {world.anna.id, world.bo.id, world.carl.id}
