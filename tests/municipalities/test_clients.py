"""The municipality view for an API client (the municipality's dashboard): a client registered for the
municipality's schools, with analytics:read, reads their aggregates side by side, small cells suppressed, no
names, and nothing else; of the municipality it is shown only the schools it was registered for, and a client
whose school belongs to no municipality gets 404, in the one error shape."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.municipalities.service import assign_school, create_municipality
from tests.analytics.factories import add_cases
from tests.factories import client_token, make_api_client
from tests.incidents.factories import make_world

PERIOD = {"date_from": "2026-08-01", "date_to": "2026-12-06"}
SUMMER = datetime(2026, 10, 5, 8, 15, tzinfo=UTC)
PEOPLE = ("Anna", "Holm", "Bo", "Carl", "Otto", "teacher A", "leader A")


@pytest.fixture
def world(app, session):
    """Vestrup and Anden Skole in one municipality, a third school outside it, cases in each."""
    world = make_world(session)
    kommune = create_municipality(session, name="Ringkøbing-Skjern Kommune", slug="rksk")
    session.flush()
    assign_school(session, municipality=kommune, school=world.school)
    assign_school(session, municipality=kommune, school=world.other_school)
    session.commit()
    world.outside = make_world(session)
    add_cases(session, world.users["teacher"], [world.anna], n=6, at=SUMMER)
    add_cases(session, world.users["teacher"], [world.anna], n=2, at=SUMMER, place="toilets")
    add_cases(
        session,
        world.users["leader"],
        [world.bo],
        n=6,
        at=SUMMER,
        place="bus",
        accused=world.users["teacher"],
    )
    add_cases(session, world.other_users["teacher"], [world.other_student], n=7, at=SUMMER, place="corridor")
    add_cases(session, world.outside.users["teacher"], [world.outside.anna], n=9, at=SUMMER, place="hall")
    return world


def _bearer(app, caller, **form) -> dict[str, str]:
    """A token for the client's own school unless another is named."""
    form.setdefault("school_id", str(caller.school_id))
    return {"Authorization": f"Bearer {client_token(app, caller, **form)}"}


def _places(table) -> set[tuple[str, int | None]]:
    return {(c["keys"]["place"], c["count"]) for c in table["cells"]}


def test_a_municipality_client_reads_its_schools_side_by_side(app, client, session, world):
    both = [world.school.id, world.other_school.id]
    caller = make_api_client(session, world.school, "analytics:read", school_ids=both)
    hdrs = _bearer(app, caller, school_id=str(world.other_school.id))  # a token for either school serves
    me = client.get("/api/v1/municipality", headers=hdrs)
    assert me.status_code == 200
    assert [s["name"] for s in me.json["schools"]] == ["Anden Skole", "Vestrup Skole"]
    resp = client.get("/api/v1/municipality/analytics/heatmap", query_string=PERIOD, headers=hdrs)
    assert resp.status_code == 200
    assert resp.headers["RateLimit-Policy"] == '"per-client";q=600;w=60'
    by_school = {s["school"]["name"]: s["table"] for s in resp.json["schools"]}
    assert set(by_school) == {"Anden Skole", "Vestrup Skole"}
    # 6 and 2: the 2 hidden, and the 6 with it (one hidden cell alone could be worked out); the accused-staff
    # cases never counted; the school outside the municipality never shown
    assert _places(by_school["Vestrup Skole"]) == {("schoolyard", None), ("toilets", None)}
    assert _places(by_school["Anden Skole"]) == {("corridor", 7)}
    for url in ("/api/v1/municipality/analytics/heatmap", "/api/v1/municipality/analytics/classes.csv"):
        text = client.get(url, query_string=PERIOD, headers=hdrs).get_data(as_text=True)
        assert not [p for p in PEOPLE if p in text], url
    csv = client.get("/api/v1/municipality/analytics/heatmap.csv", query_string=PERIOD, headers=hdrs)
    assert (
        csv.status_code == 200 and csv.get_data(as_text=True).splitlines()[1] == "Anden Skole;corridor;10;7"
    )
    # each school's audit log shows the read, as the client with its scope
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.client_id == caller.id, AuditEntry.action == "analytics_viewed")
    ).all()
    assert {r.school_id for r in rows} == {world.school.id, world.other_school.id}
    assert all(r.scope == "analytics:read" and r.user_id is None and r.detail["municipality"] for r in rows)


def test_a_client_sees_only_the_schools_it_was_registered_for(app, client, session, world):
    caller = make_api_client(session, world.school, "analytics:read")  # Vestrup only
    hdrs = _bearer(app, caller)
    me = client.get("/api/v1/municipality", headers=hdrs).json
    assert [s["name"] for s in me["schools"]] == ["Vestrup Skole"]
    resp = client.get("/api/v1/municipality/analytics/heatmap", query_string=PERIOD, headers=hdrs)
    assert [s["school"]["name"] for s in resp.json["schools"]] == ["Vestrup Skole"]
    assert "corridor" not in resp.get_data(as_text=True)
    csv = client.get("/api/v1/municipality/analytics/heatmap.csv", query_string=PERIOD, headers=hdrs)
    assert "Anden" not in csv.get_data(as_text=True)


def test_a_client_outside_the_municipality_gets_nothing_of_it(app, client, session, world):
    caller = make_api_client(session, world.outside.school, "analytics:read")
    hdrs = _bearer(app, caller)
    for url in (
        "/api/v1/municipality",
        "/api/v1/municipality/analytics/heatmap",
        "/api/v1/municipality/analytics/mood.csv",
    ):
        resp = client.get(url, query_string=PERIOD if "analytics" in url else None, headers=hdrs)
        assert resp.status_code == 404, url
        assert resp.json["type"] == "not_found" and resp.json["code"] == 404
    # registered for a school of the municipality too, its token for the outside school still shows none
    both = make_api_client(
        session, world.outside.school, "analytics:read", school_ids=[world.outside.school.id, world.school.id]
    )
    outside_token = _bearer(app, both, school_id=str(world.outside.school.id))
    resp = client.get("/api/v1/municipality/analytics/heatmap", query_string=PERIOD, headers=outside_token)
    assert resp.status_code == 404
    # nor can it ask a token for a school it was not registered for
    from tests.factories import request_token

    token = request_token(app, caller, school_id=str(world.other_school.id))
    assert token.status_code == 400 and token.json["error"] == "invalid_target"


def test_without_analytics_read_the_municipality_is_403(app, client, session, world):
    both = [world.school.id, world.other_school.id]
    caller = make_api_client(session, world.school, "roster:read", "incidents:read", school_ids=both)
    hdrs = _bearer(app, caller)
    for url in ("/api/v1/municipality", "/api/v1/municipality/analytics/heatmap"):
        resp = client.get(url, headers=hdrs)
        assert resp.status_code == 403, url
        assert resp.json["type"] == "insufficient_scope" and resp.json["code"] == 403
    # and the municipality client, with analytics:read alone, reads no case, student or roster
    reader = make_api_client(session, world.school, "analytics:read", school_ids=both)
    hdrs = _bearer(app, reader)
    for url in ("/api/v1/incidents", "/api/v1/students", "/api/v1/observations", "/api/v1/classes"):
        resp = client.get(url, headers=hdrs)
        assert resp.status_code == 403 and resp.json["type"] == "insufficient_scope", url


def test_the_service_itself_refuses_a_client_without_the_scope(app, session, world):
    """Beyond the route's scope check: the municipality's own rule refuses such a client, audited as it."""
    from flask import g

    from api.auth.scopes import ClientPrincipal
    from api.errors import Forbidden
    from api.municipalities import service

    caller = ClientPrincipal(
        client_pk=42,
        client_id="trvc_x",
        name="x",
        school_id=world.school.id,
        scopes=frozenset({"roster:read"}),
        school_ids=frozenset({world.school.id, world.other_school.id}),
    )
    with app.test_request_context():
        g.trivsel_user = caller
        for call in (
            lambda: service.current(session, caller=caller),
            lambda: service.side_by_side(session, caller=caller, view="heatmap"),
        ):
            with pytest.raises(Forbidden):
                call()
        denied = [
            (e.outcome, e.resource_type, e.client_id) for e in g._audit_pending if e.outcome == "denied"
        ]
    assert denied == [("denied", "municipality", 42)] * 2


def test_only_an_admin_sees_the_schools_municipality_and_a_refusal_is_audited(app, client, session, world):
    from tests.incidents.factories import headers

    admin = client.get(
        "/api/v1/schools/current/municipality", headers=headers(app, world, world.users["admin"])
    )
    assert admin.status_code == 200 and admin.json["municipality"]["name"] == "Ringkøbing-Skjern Kommune"
    leader = world.users["leader"]
    resp = client.get("/api/v1/schools/current/municipality", headers=headers(app, world, leader))
    assert resp.status_code == 403 and resp.json["type"] == "forbidden"
    denied = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).all()
    assert [(r.user_id, r.resource_type) for r in denied] == [(leader.id, "municipality")]
    # nor does a client, whatever its scopes
    caller = make_api_client(session, world.school)
    resp = client.get("/api/v1/schools/current/municipality", headers=_bearer(app, caller))
    assert resp.status_code == 403 and resp.json["type"] == "not_for_api_clients"
