"""No N+1: the case list costs the same number of queries for 3 cases as for 25."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from api.core.db import make_engine
from api.core.timeutil import local_date
from tests.incidents.factories import adopt_plan, headers, make_incident, make_world


def _count_queries(app, client, url, hdrs):
    engine = make_engine(app.config["DATABASE_URL"])
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        resp = client.get(url, headers=hdrs)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    return len(statements), resp.json


def _cases(session, world, n):
    leader = world.users["leader"]
    for i in range(n):
        incident = make_incident(
            session,
            world,
            reporter=[world.users["teacher"], world.users["pedagogue"], leader][i % 3],
            students=[(world.anna, "target"), (world.bo, "actor"), (world.carl, "bystander")][: 1 + i % 3],
            classification="bullying",
            status="action_plan",
            established_at=datetime.now(UTC) - timedelta(days=i),
            established_by=leader,
            action_plan_due=local_date() + timedelta(days=i - 5),
            accused=world.users["teacher_b"] if i % 7 == 6 else None,
        )
        if i % 2:
            adopt_plan(session, incident, leader, local_date() + timedelta(days=7))


def test_list_queries_do_not_grow_with_the_page(app, client, session):
    world = make_world(session)
    hdrs = headers(app, world, world.users["leader"])
    _cases(session, world, 7)  # one of each kind: with and without plan, accused staff, 1-3 students
    few, body = _count_queries(app, client, "/api/v1/incidents?page_size=100", hdrs)
    assert body["total"] == 7
    _cases(session, world, 18)
    many, body = _count_queries(app, client, "/api/v1/incidents?page_size=100", hdrs)
    assert body["total"] == 25
    assert many == few, (few, many)
    print(f"\nqueries for a page of 7: {few}, of 25: {many}")


def _statements(app, client, url, hdrs):
    engine = make_engine(app.config["DATABASE_URL"])
    statements = []

    def note(_conn, _cursor, statement, _parameters, _context, executemany):
        statements.append((statement.lstrip().upper(), executemany))

    event.listen(engine, "before_cursor_execute", note)
    try:
        resp = client.get(url, headers=hdrs)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert resp.status_code == 200
    return statements, resp.json


def test_a_sync_page_costs_the_same_statements_for_7_cases_as_for_25_and_audits_in_one(app, client, session):
    app.config["FEED_SAFETY_LAG_SECONDS"] = 0
    world = make_world(session)
    hdrs = headers(app, world, world.users["leader"])
    _cases(session, world, 7)
    few, body = _statements(app, client, "/api/v1/incidents?page_size=100&cursor=", hdrs)
    assert len(body["items"]) == 7
    _cases(session, world, 18)
    many, body = _statements(app, client, "/api/v1/incidents?page_size=100&cursor=", hdrs)
    assert len(body["items"]) == 25
    assert len(many) == len(few), (few, many)
    # The caller, then the page's cases, their students and their plans; the audit rows (one per student read,
    # three here) in one statement with one set of parameters (the page's detail sent once, not per row).
    assert [executemany for s, executemany in many if s.startswith("INSERT INTO AUDIT_LOG")] == [False]
    assert sum(s.startswith("SELECT") for s, _many in many) <= 4, many
