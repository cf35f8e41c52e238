"""The municipality view: a municipality user reads each of its schools' aggregates side by side, small cells
suppressed, no names, and NOTHING else: every other route of the API refuses them. Schools are grouped from
the command line only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.municipalities.service import assign_school, create_municipality
from tests.analytics.factories import add_cases
from tests.factories import auth, make_user
from tests.incidents.factories import make_world

PERIOD = {"date_from": "2026-08-01", "date_to": "2026-12-06"}
SUMMER = datetime(2026, 10, 5, 8, 15, tzinfo=UTC)


@pytest.fixture
def world(app, session):
    """Vestrup and Anden Skole in Kommune K; a third school outside it; a municipality user of K."""
    world = make_world(session)
    kommune = create_municipality(session, name="Ringkøbing-Skjern Kommune", slug="rksk")
    session.flush()
    assign_school(session, municipality=kommune, school=world.school)
    assign_school(session, municipality=kommune, school=world.other_school)
    session.commit()
    world.outside = make_world(session)
    world.officer = make_user(session, world.school, "municipality", name="Kirsten Kommune")
    return world


def test_each_school_side_by_side_small_cells_suppressed_no_names(app, client, session, world):
    add_cases(session, world.users["teacher"], [world.anna], n=6, at=SUMMER)
    add_cases(session, world.users["teacher"], [world.anna], n=2, at=SUMMER, place="toilets")
    add_cases(
        session,
        world.users["leader"],
        [world.anna],
        n=6,
        at=SUMMER,
        place="bus",
        accused=world.users["teacher"],
    )
    add_cases(session, world.other_users["teacher"], [world.other_student], n=7, at=SUMMER, place="corridor")
    add_cases(session, world.outside.users["teacher"], [world.outside.anna], n=9, at=SUMMER)
    hdrs = auth(app, world.officer)
    me = client.get("/api/v1/municipality", headers=hdrs).json
    assert me["name"] == "Ringkøbing-Skjern Kommune"
    assert [s["name"] for s in me["schools"]] == ["Anden Skole", "Vestrup Skole"]
    resp = client.get("/api/v1/municipality/analytics/heatmap", query_string=PERIOD, headers=hdrs)
    assert resp.status_code == 200
    by_school = {s["school"]["name"]: s["table"] for s in resp.json["schools"]}
    assert set(by_school) == {"Anden Skole", "Vestrup Skole"}  # the school outside the municipality: never
    cells = {(c["keys"]["place"], c["count"]) for c in by_school["Vestrup Skole"]["cells"]}
    # 6 in the schoolyard; the 2 hidden (and, being the only hidden cell, the next smallest with it); the
    # accused-staff cases never counted
    assert cells == {("schoolyard", None), ("toilets", None)}
    assert {(c["keys"]["place"], c["count"]) for c in by_school["Anden Skole"]["cells"]} == {("corridor", 7)}
    text = resp.get_data(as_text=True)
    for name in ("Anna", "Holm", "Bo", "Carl", "Otto", "teacher A", "leader A"):
        assert name not in text
    # each school's audit log shows the read
    rows = session.scalars(
        select(AuditEntry).where(
            AuditEntry.user_id == world.officer.id, AuditEntry.action == "analytics_viewed"
        )
    ).all()
    assert {r.school_id for r in rows} == {world.school.id, world.other_school.id}
    assert all(r.student_id is None and r.detail["municipality"] for r in rows)


def test_csv_names_the_school_on_every_row(app, client, session, world):
    add_cases(session, world.other_users["teacher"], [world.other_student], n=7, at=SUMMER, place="corridor")
    resp = client.get(
        "/api/v1/municipality/analytics/knowledge-sources.csv",
        query_string=PERIOD,
        headers=auth(app, world.officer),
    )
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    lines = resp.get_data(as_text=True).splitlines()
    assert lines == ["\ufeffschool;knowledge_source;incidents", "Anden Skole;saw;7"]


def test_every_other_route_refuses_a_municipality_user(app, session, world):
    allowed = re.compile(
        r"^/api/v1/(municipality(/analytics/[a-z-]+(\.csv)?)?|auth/(me|logout|password|login|refresh))$"
    )
    app.test_client_class = FlaskClient  # statuses only: most routes have no reason to document this 403
    client = app.test_client()
    hdrs = auth(app, world.officer)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or "openapi" in rule.rule:
            continue
        url = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if allowed.match(rule.rule):
                continue
            if client.open(url, method=method, json={}).status_code != 401:
                continue  # public (health, spec): no login involved
            resp = client.open(url, method=method, headers=hdrs, json={})
            assert resp.status_code == 403, (method, rule.rule, resp.status_code)
            assert resp.json["type"] == "forbidden"
            checked += 1
    assert checked > 80
    denied = session.scalars(
        select(AuditEntry).where(AuditEntry.user_id == world.officer.id, AuditEntry.outcome == "denied")
    ).all()
    assert len(denied) >= checked
    # its own account still works
    assert client.get("/api/v1/auth/me", headers=hdrs).json["roles"] == ["municipality"]


def test_only_municipality_users_read_the_municipality(app, client, session, world):
    for user in world.users.values():
        assert (
            client.get("/api/v1/municipality/analytics/heatmap", headers=auth(app, user)).status_code == 403
        )
        assert client.get("/api/v1/municipality", headers=auth(app, user)).status_code == 403
    stray = make_user(session, world.outside.school, "municipality")
    assert client.get("/api/v1/municipality", headers=auth(app, stray)).status_code == 404
    assert client.get("/api/v1/municipality/analytics/mood", headers=auth(app, stray)).status_code == 404


def test_a_schools_admin_sees_its_municipality_but_cannot_grant_the_role(app, client, session, world):
    admin = auth(app, world.users["admin"])
    mine = client.get("/api/v1/schools/current/municipality", headers=admin).json["municipality"]
    assert mine["name"] == "Ringkøbing-Skjern Kommune"
    outside = auth(app, world.outside.users["admin"])
    assert client.get("/api/v1/schools/current/municipality", headers=outside).json == {"municipality": None}
    assert (
        client.get(
            "/api/v1/schools/current/municipality", headers=auth(app, world.users["leader"])
        ).status_code
        == 403
    )
    resp = client.post(
        "/api/v1/users",
        json={
            "email": "k@kommune.dk",
            "name": "K",
            "roles": ["municipality"],
            "password": "a-long-password-1",
        },
        headers=admin,
    )
    assert resp.status_code == 422


def test_the_schools_admin_can_neither_list_nor_take_over_the_municipality_user(app, client, session, world):
    admin = auth(app, world.users["admin"])
    listed = client.get("/api/v1/users", query_string={"page_size": 100}, headers=admin).json["items"]
    assert world.officer.id not in {u["id"] for u in listed}
    assert client.get(f"/api/v1/users/{world.officer.id}", headers=admin).status_code == 404
    resp = client.patch(
        f"/api/v1/users/{world.officer.id}",
        json={"password": "the-admins-own-1"},
        headers={**admin, "If-Match": "*"},
    )
    assert resp.status_code == 404


def test_command_line_groups_schools_and_creates_municipality_users(app, session, world):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["create-municipality", "--name", "Herning Kommune", "--slug", "herning"])
    assert out.exit_code == 0, out.output
    assert runner.invoke(args=["create-municipality", "--name", "X", "--slug", "herning"]).exit_code != 0
    out = runner.invoke(
        args=["assign-school", "--municipality", "herning", "--school", world.outside.school.slug]
    )
    assert out.exit_code == 0, out.output
    out = runner.invoke(
        args=[
            "create-user",
            "--school",
            world.outside.school.slug,
            "--email",
            "h@herning.dk",
            "--name",
            "H",
            "--role",
            "municipality",
            "--role",
            "leader",
            "--password-stdin",
        ],
        input="a-long-password-1\n",
    )
    assert out.exit_code != 0 and "alone" in out.output
    out = runner.invoke(
        args=[
            "create-user",
            "--school",
            world.outside.school.slug,
            "--email",
            "h@herning.dk",
            "--name",
            "H",
            "--role",
            "municipality",
            "--password-stdin",
        ],
        input="a-long-password-1\n",
    )
    assert out.exit_code == 0, out.output
    from api.users.models import User

    officer = session.scalar(select(User).where(User.email == "h@herning.dk"))
    client = app.test_client()
    assert [
        s["name"] for s in client.get("/api/v1/municipality", headers=auth(app, officer)).json["schools"]
    ] == [world.outside.school.name]
    out = runner.invoke(args=["assign-school", "--remove", "--school", world.outside.school.slug])
    assert out.exit_code == 0, out.output
    assert client.get("/api/v1/municipality", headers=auth(app, officer)).status_code == 404
