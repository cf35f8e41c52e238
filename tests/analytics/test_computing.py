"""How the aggregates are computed and presented, where that is cheaper than the obvious way: the heat map's
cells ordered after grouping, the month as one grouped value (Copenhagen months, across summer time and the
new year), and the cells dumped in one pass exactly as their schema dumps one cell."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import marshmallow as ma
import pytest
from sqlalchemy import true

from api.analytics import scope, views
from api.analytics.schemas import CellRead, CellsField
from api.core.timeutil import LOCAL_TZ
from api.incidents import permissions as incident_permissions
from tests.analytics.factories import add_cases
from tests.incidents.factories import headers, make_world

SUMMER = datetime(2026, 10, 5, 8, 15, tzinfo=UTC)  # Monday 10:15 in Copenhagen (UTC+2)
WINTER = datetime(2026, 11, 4, 9, 15, tzinfo=UTC)  # Wednesday 10:15 in Copenhagen (UTC+1)


@pytest.fixture
def world(app, session):
    return make_world(session)


def _get(client, app, world, user, view, **query):
    resp = client.get(f"/api/v1/analytics/{view}", query_string=query, headers=headers(app, world, user))
    assert resp.status_code == 200, resp.json
    return resp.json


def test_heatmap_cells_come_ordered_by_place_then_hour_as_a_number(app, client, session, world):
    teacher = world.users["teacher"]
    for hour in (11, 7, 9):  # Copenhagen 13, 9 and 11 in summer time
        add_cases(session, teacher, [world.anna], n=5, at=datetime(2026, 10, 5, hour, 0, tzinfo=UTC))
        add_cases(
            session, teacher, [world.anna], n=5, at=datetime(2026, 10, 5, hour, 0, tzinfo=UTC), place=None
        )
    add_cases(session, teacher, [world.anna], n=5, at=datetime(2026, 10, 5, 7, 0, tzinfo=UTC), place="Bus")
    table = _get(
        client, app, world, world.users["leader"], "heatmap", date_from="2026-08-01", date_to="2026-12-06"
    )
    assert [(c["keys"]["place"], c["keys"]["hour"]) for c in table["cells"]] == [
        ("Bus", "9"),
        ("schoolyard", "9"),
        ("schoolyard", "11"),
        ("schoolyard", "13"),
        ("unknown", "9"),
        ("unknown", "11"),
        ("unknown", "13"),
    ]
    assert all(c["count"] == 5 for c in table["cells"])


def test_heatmap_hours_are_copenhagen_hours_at_the_summer_time_transitions(app, client, session, world):
    # Wall time is the UTC moment plus the offset in force: the minute before and the minute of each switch,
    # and a new year's night, fall in the hour Copenhagen's own clock showed.
    moments = [
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # 01:59 winter time
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 03:00 summer time
        datetime(2026, 10, 25, 0, 59, tzinfo=UTC),  # 02:59 summer time
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # 02:00 winter time again
        datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # 00:30 on New Year's Day
    ]
    for n, moment in enumerate(moments):
        add_cases(session, world.users["teacher"], [world.anna], n=5, at=moment, place=f"p{n}")
    table = _get(
        client, app, world, world.users["leader"], "heatmap", date_from="2025-12-01", date_to="2026-11-30"
    )
    found = {c["keys"]["place"]: int(c["keys"]["hour"]) for c in table["cells"]}
    assert found == {f"p{n}": moment.astimezone(LOCAL_TZ).hour for n, moment in enumerate(moments)}
    assert sorted(found.values()) == [0, 1, 2, 2, 3]


def test_the_heat_maps_statement_is_built_once_and_narrowing_it_leaves_it_whole(app, client, session, world):
    # The statement is kept between requests with the school and the period as parameters; a reader's
    # visibility rule and filters are added to a copy, never to the kept statement.
    add_cases(session, world.users["teacher"], [world.anna], n=5, at=SUMMER)  # class A
    add_cases(session, world.users["teacher_b"], [world.carl], n=6, at=SUMMER)  # class B: not teacher A's
    add_cases(session, world.other_users["leader"], [world.other_student], n=7, at=SUMMER)
    views._heatmap_statement.cache_clear()
    period = {"date_from": "2026-08-01", "date_to": "2026-12-06"}
    teacher, leader = world.users["teacher"], world.users["leader"]
    narrowed = _get(client, app, world, teacher, "heatmap", class_id=world.class_a.id, **period)
    assert [(c["keys"], c["count"]) for c in narrowed["cells"]] == [
        ({"place": "schoolyard", "hour": "10"}, 5)
    ]
    assert _get(client, app, world, teacher, "heatmap", **period)["cells"][0]["count"] == 5
    assert _get(client, app, world, leader, "heatmap", **period)["cells"][0]["count"] == 11
    other = _get(client, app, world, world.other_users["leader"], "heatmap", **period)
    assert [c["count"] for c in other["cells"]] == [7]
    assert views._heatmap_statement.cache_info().misses == 1


def test_class_trend_months_are_copenhagen_months_in_order(app, client, session, world):
    teacher = world.users["teacher"]
    # 31 October 23:30 UTC is 1 November 00:30 in Copenhagen (winter time, UTC+1); 31 December 23:30 UTC is
    # already the new year there; 31 March 21:30 UTC is 31 March 23:30 (summer time, UTC+2).
    add_cases(session, teacher, [world.anna], n=2, at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
    add_cases(session, teacher, [world.anna], n=3, at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    add_cases(session, teacher, [world.anna], n=4, at=datetime(2027, 3, 31, 21, 30, tzinfo=UTC))
    add_cases(session, teacher, [world.anna, world.carl], n=1, at=datetime(2026, 9, 2, 10, 0, tzinfo=UTC))
    table = _get(client, app, world, teacher, "class-trend", date_from="2026-08-01", date_to="2027-07-31")
    a, b = str(world.class_a.id), str(world.class_b.id)
    assert [(c["keys"]["class"], c["keys"]["month"], c["count"]) for c in table["cells"]] == sorted(
        [(a, "2026-09", 1), (a, "2026-11", 2), (a, "2027-01", 3), (a, "2027-03", 4), (b, "2026-09", None)],
        key=lambda cell: (int(cell[0]), cell[1]),
    )
    assert table["labels"]["class"] == {a: "3.A", b: "4.B"}


def test_cells_field_dumps_what_the_cell_schema_dumps():
    cells = [
        {"keys": {"class": "12", "month": "2026-09"}, "count": 7, "value": None, "suppressed": False},
        {"keys": {"stage": "plan", "bucket": "all"}, "count": 3, "value": 2.5, "suppressed": False},
        {"keys": {"class": "4", "week": "2026-W40"}, "count": None, "value": None, "suppressed": True},
        {"keys": {"weekday": 1, "place": None}, "count": 6, "value": 4, "suppressed": False},
    ]

    class ByNested(ma.Schema):
        cells = ma.fields.List(ma.fields.Nested(CellRead))

    class OnePass(ma.Schema):
        cells = CellsField()

    assert OnePass().dump({"cells": cells}) == ByNested().dump({"cells": cells})
    assert OnePass().dump({"cells": None}) == ByNested().dump({"cells": None})
    assert isinstance(OnePass().dump({"cells": cells})["cells"][3]["value"], float)


@pytest.mark.parametrize("role", ["leader", "resource_person"])
def test_a_case_owner_counts_what_the_full_visibility_rule_counts(app, session, world, role):
    # For a case owner the aggregates' statements leave the incidents' visibility rule out (it adds nothing
    # to what they count); every view counts the same as with the rule written in.
    teacher, leader = world.users["teacher"], world.users["leader"]
    add_cases(session, teacher, [world.anna], n=5, at=SUMMER)
    add_cases(
        session, world.users["teacher_b"], [world.carl, world.bo], n=6, at=WINTER, classification="conflict"
    )
    add_cases(session, leader, [world.anna], n=5, at=SUMMER, accused=world.users[role])
    add_cases(session, leader, [world.carl], n=5, at=WINTER, accused=world.users["pedagogue"])
    add_cases(session, teacher, [world.anna], n=5, at=SUMMER, withdrawn=True)
    add_cases(session, world.other_users["leader"], [world.other_student], n=7, at=SUMMER)
    user = world.users[role]
    period = scope.period_of(date(2026, 8, 1), date(2026, 12, 6))
    with app.test_request_context():
        fast = scope.for_staff(session, user, world.school)
        assert fast.incidents is true()
        full = replace(fast, incidents=incident_permissions.visibility_clause(session, user))
        for name, compute in views.VIEWS.items():
            if name == "mood":
                continue  # observations: their own rule, unchanged
            ours, theirs = (
                compute(session, fast, period, views.Filters()),
                compute(session, full, period, views.Filters()),
            )
            assert [(c.keys, c.count, c.value) for c in ours.cells] == [
                (c.keys, c.count, c.value) for c in theirs.cells
            ], name
            assert ours.labels == theirs.labels
        assert (
            sum(c.count for c in views.heatmap(session, fast, period, views.Filters()).cells) == 11
        )  # 5 + 6: no accused, withdrawn or other school case
