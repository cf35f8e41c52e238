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
