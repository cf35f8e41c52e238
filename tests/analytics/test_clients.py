"""An API client with analytics:read reads its token's school's aggregates (the integration's dashboard): every
case of that school but those accusing staff, every small cell hidden (a client works in no class), never a
name, never another school's case; each read audited as the client with the scope it used. Without the scope
every aggregate is 403 in the one error shape."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from api.analytics.views import VIEWS
from api.core.audit import AuditEntry
from tests.analytics.factories import add_cases, add_observations
from tests.factories import client_token, make_api_client, make_class
from tests.incidents.factories import headers, make_world

PERIOD = {"date_from": "2026-08-01", "date_to": "2026-12-06"}
SUMMER = datetime(2026, 10, 5, 8, 15, tzinfo=UTC)  # Monday 10:15 in Copenhagen
PEOPLE = ["Anna", "Holm", "Lund", "Carl", "Berg", "Otto", "teacher A", "leader A", "pedagogue A"]


@pytest.fixture
def world(app, session):
    return make_world(session)


def _bearer(app, caller) -> dict[str, str]:
    return {"Authorization": f"Bearer {client_token(app, caller)}"}


def _cells(table):
    return {tuple(c["keys"][d] for d in table["dimensions"]): c["count"] for c in table["cells"]}


def test_every_aggregate_serves_a_client_with_analytics_read(app, client, session, world):
    teacher = world.users["teacher"]
    add_cases(session, teacher, [world.anna, world.bo, world.carl], n=6, at=SUMMER)
    add_observations(session, teacher, world.anna, n=5, mood=2, at=SUMMER)
    caller = make_api_client(session, world.school, "analytics:read")
    hdrs = _bearer(app, caller)
    for view in VIEWS:
        resp = client.get(f"/api/v1/analytics/{view}", query_string=PERIOD, headers=hdrs)
        assert resp.status_code == 200, (view, resp.json)
        assert resp.json["view"] == view and resp.json["threshold"] == 5
        assert resp.headers["RateLimit-Policy"] == '"per-client";q=600;w=60'
        csv = client.get(f"/api/v1/analytics/{view}.csv", query_string=PERIOD, headers=hdrs)
        assert csv.status_code == 200 and csv.mimetype == "text/csv", view
        for text in (resp.get_data(as_text=True), csv.get_data(as_text=True)):
            assert not [p for p in PEOPLE if p in text], (view, text[:300])
    # the client's school's cases, all of them (it needs no incidents:read to be counted for)
    assert _cells(client.get("/api/v1/analytics/heatmap", query_string=PERIOD, headers=hdrs).json) == {
        ("schoolyard", "10"): 6
    }


def test_without_the_scope_every_aggregate_is_403_in_the_one_shape(app, client, session, world):
    caller = make_api_client(session, world.school, "roster:read", "incidents:read")
    hdrs = _bearer(app, caller)
    for view in VIEWS:
        for suffix in ("", ".csv"):
            resp = client.get(f"/api/v1/analytics/{view}{suffix}", query_string=PERIOD, headers=hdrs)
            assert resp.status_code == 403, (view, suffix)
            assert resp.json["type"] == "insufficient_scope"
            assert resp.json["code"] == 403 and "analytics:read" in resp.json["message"]
            assert 'scope="analytics:read"' in resp.headers["WWW-Authenticate"]
    denied = session.scalars(
        select(AuditEntry).where(AuditEntry.client_id == caller.id, AuditEntry.outcome == "denied")
    ).all()
    assert len(denied) == 2 * len(VIEWS)


def test_small_cells_are_hidden_from_a_client_even_for_one_class(app, client, session, world):
    teacher = world.users["teacher"]  # class teacher of 3.A: sees their class in full
    add_cases(session, teacher, [world.anna], n=2, at=SUMMER, place="toilets")
    add_cases(session, teacher, [world.anna], n=7, at=SUMMER)
    hdrs = _bearer(app, make_api_client(session, world.school, "analytics:read"))
    whole = client.get("/api/v1/analytics/heatmap", query_string=PERIOD, headers=hdrs).json
    assert _cells(whole) == {("schoolyard", "10"): None, ("toilets", "10"): None}
    assert all(c["suppressed"] for c in whole["cells"])
    one_class = {**PERIOD, "class_id": world.class_a.id}
    narrowed = client.get("/api/v1/analytics/heatmap", query_string=one_class, headers=hdrs).json
    assert _cells(narrowed)[("toilets", "10")] is None
    # the class's own teacher reads the same view in full: the client's suppression is its own
    own = client.get(
        "/api/v1/analytics/heatmap", query_string=one_class, headers=headers(app, world, teacher)
    ).json
    assert _cells(own)[("toilets", "10")] == 2
    trend = client.get("/api/v1/analytics/class-trend", query_string=PERIOD, headers=hdrs).json
    assert [c["count"] for c in trend["cells"]] == [9]
    csv = client.get("/api/v1/analytics/heatmap.csv", query_string=PERIOD, headers=hdrs)
    assert csv.get_data(as_text=True).splitlines()[1:] == ["schoolyard;10;<5", "toilets;10;<5"]


def test_never_another_schools_cases_nor_accused_staff_cases(app, client, session, world):
    add_cases(session, world.users["teacher"], [world.anna], n=6, at=SUMMER)
    add_cases(session, world.users["leader"], [world.bo], n=8, at=SUMMER, accused=world.users["pedagogue"])
    add_cases(session, world.other_users["teacher"], [world.other_student], n=9, at=SUMMER, place="corridor")
    add_cases(session, world.users["teacher"], [world.anna], n=5, at=SUMMER, place="bus", withdrawn=True)
    hdrs = _bearer(app, make_api_client(session, world.school, "analytics:read"))
    table = client.get("/api/v1/analytics/knowledge-sources", query_string=PERIOD, headers=hdrs).json
    assert _cells(table) == {("saw",): 6}
    heat = client.get("/api/v1/analytics/heatmap", query_string=PERIOD, headers=hdrs).json
    assert _cells(heat) == {("schoolyard", "10"): 6}
    # another school's class is 404, as for staff
    foreign = make_class(session, world.other_school, name="9.Z", grade=9)
    resp = client.get(
        "/api/v1/analytics/heatmap", query_string={**PERIOD, "class_id": foreign.id}, headers=hdrs
    )
    assert resp.status_code == 404 and resp.json["type"] == "not_found"
    # the other school's own client counts its own cases and none of this school's
    theirs = _bearer(app, make_api_client(session, world.other_school, "analytics:read"))
    table = client.get("/api/v1/analytics/heatmap", query_string=PERIOD, headers=theirs).json
    assert _cells(table) == {("corridor", "10"): 9}


def test_each_read_is_audited_as_the_client_with_its_scope(app, client, session, world):
    caller = make_api_client(session, world.school, "analytics:read", "roster:read")
    hdrs = _bearer(app, caller)
    query = {**PERIOD, "classification": "bullying"}
    assert client.get("/api/v1/analytics/grades", query_string=query, headers=hdrs).status_code == 200
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "analytics_viewed", AuditEntry.client_id == caller.id)
    ).all()
    assert len(rows) == 1
    row = rows[0]
    assert (row.user_id, row.scope, row.resource_id, row.school_id) == (
        None,
        "analytics:read",
        "grades",
        world.school.id,
    )
    assert row.detail["classification"] == "bullying" and row.student_id is None


def test_the_service_itself_refuses_a_client_without_the_scope(app, session, world):
    """Beyond the route's scope check: the aggregates' own rule refuses such a client, audited as it."""
    from flask import g

    from api.analytics import service
    from api.auth.scopes import ClientPrincipal
    from api.errors import Forbidden

    caller = ClientPrincipal(
        client_pk=41,
        client_id="trvc_x",
        name="x",
        school_id=world.school.id,
        scopes=frozenset({"roster:read"}),
    )
    with app.test_request_context():
        g.trivsel_user = caller
        with pytest.raises(Forbidden):
            service.staff_view(session, caller=caller, view="heatmap")
        denied = [
            (e.outcome, e.resource_type, e.client_id, e.user_id)
            for e in g._audit_pending
            if e.outcome == "denied"
        ]
    assert denied == [("denied", "analytics", 41, None)]


def test_a_staff_refusal_is_audited_against_the_aggregates(app, client, session, world):
    for role in ("sfo_staff", "admin"):
        resp = client.get("/api/v1/analytics/heatmap", headers=headers(app, world, world.users[role]))
        assert resp.status_code == 403 and resp.json["type"] == "forbidden"
    rows = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).all()
    assert sorted((r.user_id, r.resource_type) for r in rows) == sorted(
        (world.users[role].id, "analytics") for role in ("sfo_staff", "admin")
    )
