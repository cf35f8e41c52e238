"""Lists of the prevention domains cost the same number of queries for 2 items as for 20 (no N+1).

Audit rows are not counted: the audit log keeps one row per student concerned by design, written at the
end of the request by the foundation."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from api.core.db import make_engine
from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user
from tests.observations.factories import make_observation
from tests.play_partners.factories import make_arrangement
from tests.wellbeing_days.factories import make_day


@contextmanager
def counting(database_url):
    engine = make_engine(database_url)
    statements: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        if not statement.lstrip().startswith("INSERT INTO audit_log"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _queries(client, database_url, url, headers):
    with counting(database_url) as statements:
        resp = client.get(url, headers=headers)
    assert resp.status_code == 200, resp.json
    return len(statements), resp.json


def test_lists_do_not_grow_queries_with_items(app, client, session, database_url):
    school = make_school(session)
    teacher = make_user(session, school, "teacher")
    leader = make_user(session, school, "leader")
    h = auth(app, teacher)
    urls = ["/api/v1/observations", "/api/v1/play-partner-arrangements", "/api/v1/wellbeing-days"]

    def add(n):
        for _ in range(n):
            cls = make_class(session, school)
            attach_staff(session, cls, teacher)
            kids = [make_student(session, school, cls) for _ in range(2)]
            make_observation(session, make_user(session, school, "sfo_staff"), kids)
            make_arrangement(session, make_user(session, school, "pedagogue"), kids)
            make_day(session, leader, classes=[cls], adults=[teacher])

    add(2)
    small = {u: _queries(client, database_url, u, h) for u in urls}
    add(18)
    large = {u: _queries(client, database_url, u, h) for u in urls}
    for url in urls:
        assert small[url][1]["total"] == 2 and large[url][1]["total"] == 20, url
        assert large[url][0] == small[url][0], (url, small[url][0], large[url][0])


def test_group_plan_reads_do_not_grow_queries_with_students(app, client, session, database_url):
    school = make_school(session)
    leader = make_user(session, school, "leader")
    h = auth(app, leader)
    counts = []
    for size in (6, 30):
        cls = make_class(session, school)
        for _ in range(size):
            make_student(session, school, cls)
        day = make_day(session, leader, classes=[cls])
        assert (
            client.post(
                f"/api/v1/wellbeing-days/{day.id}/groups", json={"group_size": 3}, headers=h
            ).status_code
            == 200
        )
        n, body = _queries(client, database_url, f"/api/v1/wellbeing-days/{day.id}/groups", h)
        assert body["stats"]["student_count"] == size
        counts.append(n)
    assert counts[0] == counts[1]
