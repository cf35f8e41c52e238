"""Patterns and trends a leader reads: counts by place and hour (Copenhagen time), weekday and recess, class
and month, how adults learned of cases, response times, follow-up outcomes, mood by class and week. Each counts
only what the reader may see, never a withdrawn report or an accused-staff case, and hides small cells in
every view that adds up classes (the reader's own classes in full)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.incidents.models import ActionPlan, FollowUp, IncidentEvent
from tests.analytics.factories import add_cases, add_observations
from tests.factories import make_class
from tests.incidents.factories import headers, make_world

PERIOD = {"date_from": "2026-08-01", "date_to": "2026-12-06"}
SUMMER = datetime(2026, 10, 5, 8, 15, tzinfo=UTC)  # Monday 10:15 in Copenhagen (UTC+2)
WINTER = datetime(2026, 11, 4, 9, 15, tzinfo=UTC)  # Wednesday 10:15 in Copenhagen (UTC+1)


@pytest.fixture
def world(app, session):
    return make_world(session)


def _get(client, app, world, user, view, status=200, **query):
    resp = client.get(
        f"/api/v1/analytics/{view}", query_string={**PERIOD, **query}, headers=headers(app, world, user)
    )
    assert resp.status_code == status, resp.json
    return resp.json


def _cells(table):
    return {tuple(c["keys"][d] for d in table["dimensions"]): c["count"] for c in table["cells"]}


def test_heatmap_counts_by_place_and_copenhagen_hour_and_hides_small_cells(app, client, session, world):
    teacher = world.users["teacher"]
    add_cases(session, teacher, [world.anna], n=3, at=SUMMER)
    add_cases(session, teacher, [world.bo], n=3, at=WINTER)  # the same wall-clock hour in winter time
    add_cases(
        session, teacher, [world.anna], n=5, at=datetime(2026, 10, 6, 10, 30, tzinfo=UTC), place="corridor"
    )
    add_cases(session, teacher, [world.anna], n=2, at=SUMMER, place="toilets")
    table = _get(client, app, world, world.users["leader"], "heatmap")
    assert table["dimensions"] == ["place", "hour"]
    assert table["threshold"] == 5
    cells = _cells(table)
    assert cells[("schoolyard", "10")] == 6
    # 2 is under 5: hidden; and since a single hidden cell could be worked out from other views, the next
    # smallest (corridor, 5) is hidden with it
    assert cells[("toilets", "10")] is None
    assert cells[("corridor", "12")] is None
    hidden = [c for c in table["cells"] if c["suppressed"]]
    assert len(hidden) == 2 and all(c["count"] is None for c in hidden)


def test_own_class_is_shown_in_full_other_classes_and_school_totals_are_not(app, client, session, world):
    teacher = world.users["teacher"]  # class teacher of class A
    add_cases(session, teacher, [world.anna], n=2, at=SUMMER, place="toilets")
    add_cases(session, teacher, [world.anna], n=7, at=SUMMER)
    # the whole school's heat map crosses classes: the 2 is hidden even for class A's own teacher
    assert _cells(_get(client, app, world, teacher, "heatmap"))[("toilets", "10")] is None
    # narrowed to the teacher's own class, it is shown in full
    own = _get(client, app, world, teacher, "heatmap", class_id=world.class_a.id)
    assert _cells(own)[("toilets", "10")] == 2
    # the leader works no class: class A narrowed is still a small cell for them
    assert (
        _cells(_get(client, app, world, world.users["leader"], "heatmap", class_id=world.class_a.id))[
            ("toilets", "10")
        ]
        is None
    )


def test_per_class_trend_counts_each_class_once_per_case(app, client, session, world):
    teacher = world.users["teacher"]
    add_cases(session, teacher, [world.anna, world.carl], n=2, at=SUMMER)  # class A and class B
    add_cases(session, teacher, [world.anna, world.bo], n=6, at=WINTER, classification="conflict")
    table = _get(client, app, world, teacher, "classes")
    a, b = str(world.class_a.id), str(world.class_b.id)
    assert table["labels"]["class"] == {a: "3.A", b: "4.B"}
    cells = _cells(table)
    assert cells[(a, "2026-10", "teasing")] == 2  # own class: in full
    assert cells[(a, "2026-11", "conflict")] == 6  # two students of class A, one case each
    assert cells[(b, "2026-10", "teasing")] is None  # another class: hidden
    trend = _cells(_get(client, app, world, teacher, "class-trend"))
    assert trend == {(a, "2026-10"): 2, (a, "2026-11"): 6, (b, "2026-10"): None}
    grades = _cells(_get(client, app, world, world.users["leader"], "grades"))
    assert grades[("3", "2026-11", "conflict")] == 6
    assert grades[("4", "2026-10", "teasing")] is None


def test_never_counts_accused_staff_withdrawn_invisible_or_other_school_cases(app, client, session, world):
    leader, teacher = world.users["leader"], world.users["teacher"]
    add_cases(session, teacher, [world.anna], n=5, at=SUMMER)
    add_cases(session, leader, [world.anna], n=5, at=SUMMER, accused=world.users["pedagogue"])
    add_cases(session, teacher, [world.anna], n=5, at=SUMMER, withdrawn=True)
    add_cases(session, world.other_users["leader"], [world.other_student], n=9, at=SUMMER)
    # cases teacher A may not see: class B only, reported by teacher B
    add_cases(session, world.users["teacher_b"], [world.carl], n=6, at=SUMMER)
    assert _cells(_get(client, app, world, leader, "heatmap"))[("schoolyard", "10")] == 11
    assert _cells(_get(client, app, world, teacher, "heatmap"))[("schoolyard", "10")] == 5
    assert _cells(_get(client, app, world, world.other_users["leader"], "heatmap")) == {
        ("schoolyard", "10"): 9
    }


def test_weekday_and_recess_from_the_schools_recess_times(app, client, session, world):
    world.school.recess_times = [{"start": "09:40", "end": "10:00"}, {"start": "10:00", "end": "10:30"}]
    session.commit()
    teacher = world.users["teacher"]
    add_cases(session, teacher, [world.anna], n=5, at=SUMMER)  # Monday 10:15
    add_cases(session, teacher, [world.anna], n=5, at=WINTER)  # Wednesday 10:15
    add_cases(session, teacher, [world.anna], n=5, at=datetime(2026, 10, 9, 11, 0, tzinfo=UTC))  # Fri 13:00
    cells = _cells(_get(client, app, world, world.users["leader"], "weekday-recess"))
    assert cells == {("1", "10:00-10:30"): 5, ("3", "10:00-10:30"): 5, ("5", "outside_recess"): 5}


def test_knowledge_sources_response_times_and_follow_up_outcomes(app, client, session, world):
    leader = world.users["leader"]
    cases = add_cases(session, leader, [world.anna], n=5, at=SUMMER, knowledge_source="told_by_parent")
    add_cases(session, leader, [world.anna], n=6, at=SUMMER, knowledge_source=None)
    mix = _cells(_get(client, app, world, leader, "knowledge-sources"))
    assert mix == {("told_by_parent",): 5, ("unknown",): 6}
    for i, case in enumerate(cases):
        session.add(
            IncidentEvent(
                incident_id=case.id, at=datetime(2026, 10, 7 + i, 9, tzinfo=UTC), kind="status_changed"
            )
        )
        session.add(ActionPlan(incident_id=case.id, adopted_at=datetime(2026, 10, 20, 9, tzinfo=UTC)))
        session.add(
            FollowUp(
                incident_id=case.id, held_on=date(2026, 11, 2), outcome="stopped", recorded_by_id=leader.id
            )
        )
    session.commit()
    times = _get(client, app, world, leader, "response-times")
    assert times["value_measure"] == "median_days"
    by = {(c["keys"]["stage"], c["keys"]["bucket"]): c for c in times["cells"]}
    assert by[("assessment", "all")]["count"] == 5 and by[("assessment", "all")]["value"] == 4.0  # 2..6 days
    assert by[("plan", "all")]["value"] == 15.0
    assert by[("plan", "11-20")]["count"] == 5
    assert by[("assessment", "2-5")]["suppressed"] is True  # 4 cases
    outcomes = _cells(_get(client, app, world, leader, "follow-up-outcomes"))
    assert outcomes == {("stopped",): 5}


def test_mood_by_class_and_iso_week(app, client, session, world):
    teacher = world.users["teacher"]
    add_observations(session, teacher, world.anna, n=3, mood=2, at=SUMMER)
    add_observations(session, teacher, world.bo, n=1, mood=5, at=SUMMER)
    add_observations(session, teacher, world.carl, n=2, mood=4, at=SUMMER)
    table = _get(client, app, world, world.users["leader"], "mood")
    assert table["value_measure"] == "mean_mood"
    a, b = str(world.class_a.id), str(world.class_b.id)
    cells = {tuple(c["keys"].values()): (c["count"], c["value"]) for c in table["cells"]}
    assert cells[(a, "2026-W41")] == (None, None)  # 4 student-observations: hidden for the leader
    own = {
        tuple(c["keys"].values()): (c["count"], c["value"])
        for c in _get(client, app, world, teacher, "mood")["cells"]
    }
    assert own[(a, "2026-W41")] == (4, 2.75)
    assert own[(b, "2026-W41")] == (None, None)


def test_csv_is_excel_safe_and_says_what_is_hidden(app, client, session, world):
    leader = world.users["leader"]
    add_cases(session, leader, [world.anna], n=6, at=SUMMER, place="=HYPERLINK(1)")
    add_cases(session, leader, [world.anna], n=1, at=SUMMER, place="toilets")
    add_cases(session, leader, [world.anna], n=7, at=SUMMER, place="corridor")
    resp = client.get(
        "/api/v1/analytics/heatmap.csv", query_string=PERIOD, headers=headers(app, world, leader)
    )
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["place", "hour", "incidents"]
    assert ["'=HYPERLINK(1)", "10", "<5"] in rows  # the next smallest hidden with the single small cell
    assert ["toilets", "10", "<5"] in rows
    assert ["corridor", "10", "7"] in rows
    classes = client.get(
        "/api/v1/analytics/classes.csv", query_string=PERIOD, headers=headers(app, world, leader)
    )
    assert (
        classes.get_data(as_text=True).splitlines()[0]
        == "\ufeffclass;month;classification;class_label;incidents"
    )


def test_who_may_read_and_the_audit_of_each_read(app, client, session, world):
    for role in ("admin", "sfo_staff"):
        _get(client, app, world, world.users[role], "heatmap", status=403)
    for role in ("leader", "resource_person", "teacher", "pedagogue"):
        _get(client, app, world, world.users[role], "heatmap")
    foreign = make_class(session, world.other_school, name="9.Z", grade=9)
    _get(client, app, world, world.users["leader"], "heatmap", status=404, class_id=foreign.id)
    _get(
        client,
        app,
        world,
        world.users["leader"],
        "heatmap",
        status=422,
        date_from="2026-12-01",
        date_to="2026-11-01",
    )
    _get(client, app, world, world.users["leader"], "heatmap", status=422, date_from="2020-01-01")
    _get(client, app, world, world.users["leader"], "heatmap", status=422, colour="red")
    _get(client, app, world, world.users["leader"], "mood", classification="bullying", grade=3)
    rows = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "analytics_viewed", AuditEntry.user_id == world.users["leader"].id
        )
    ).all()
    assert rows[-1].resource_id == "mood"
    assert rows[-1].detail == {
        "period": [PERIOD["date_from"], PERIOD["date_to"]],
        "classification": "bullying",
        "grade": 3,
        # The request's query as it came (the Danish logging guidance: a search with what it searched for).
        "criteria": {**PERIOD, "classification": "bullying", "grade": "3"},
    }
    assert rows[-1].student_id is None


def test_default_period_is_the_school_year_so_far(app, client, session, world):
    add_cases(session, world.users["leader"], [world.anna], n=5, at=SUMMER)
    resp = client.get("/api/v1/analytics/heatmap", headers=headers(app, world, world.users["leader"]))
    assert resp.status_code == 200
    assert resp.json["date_from"].endswith("-08-01")


def test_threshold_is_configurable(app, client, session, world):
    app.config["ANALYTICS_MIN_CELL"] = 3
    add_cases(session, world.users["leader"], [world.anna], n=3, at=SUMMER)
    add_cases(session, world.users["leader"], [world.anna], n=4, at=SUMMER, place="corridor")
    table = _get(client, app, world, world.users["leader"], "heatmap")
    assert table["threshold"] == 3
    assert _cells(table) == {("corridor", "10"): 4, ("schoolyard", "10"): 3}


def test_no_view_names_a_person_or_a_hidden_case(app, client, session, world):
    """Every view, JSON and CSV, for every role that may read them: counts and class names only; the
    accused-staff cases and the other school's cases never add to a count."""
    from api.analytics.views import VIEWS

    teacher = world.users["teacher"]
    add_cases(session, teacher, [world.anna, world.bo, world.carl], n=6, at=SUMMER)
    add_cases(session, world.users["leader"], [world.anna], n=7, at=WINTER, accused=world.users["pedagogue"])
    add_cases(session, world.other_users["leader"], [world.other_student], n=8, at=WINTER)
    add_observations(session, teacher, world.anna, n=5, mood=1, at=SUMMER)
    people = [
        "Anna",
        "Holm",
        "Lund",
        "Carl",
        "Berg",
        "Otto",
        "teacher A",
        "leader A",
        "pedagogue A",
        "Bruger",
    ]
    for role in ("leader", "resource_person", "teacher", "pedagogue"):
        for view in VIEWS:
            for suffix in ("", ".csv"):
                resp = client.get(
                    f"/api/v1/analytics/{view}{suffix}",
                    query_string=PERIOD,
                    headers=headers(app, world, world.users[role]),
                )
                assert resp.status_code == 200, (role, view, suffix)
                text = resp.get_data(as_text=True)
                assert not [p for p in people if p in text], (role, view, suffix, text[:300])
        counts = [
            c["count"] for c in _get(client, app, world, world.users[role], "knowledge-sources")["cells"]
        ]
        assert sum(c for c in counts if c) <= 6, (
            role
        )  # never the 7 accused-staff cases nor the other school's 8
