"""The benchmark data generator writes rows the app reads correctly, and the hot queries use their indexes on
that data (plans asserted on PostgreSQL at a reduced size; the benchmark prints them at full size)."""

from __future__ import annotations

import importlib
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from api.calendar.service import add_working_days
from api.core.timeutil import local_date
from api.incidents.models import Incident
from api.schools.models import School

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
make_data = importlib.import_module("make_data")
plans = importlib.import_module("_plans")


def _first_school(session) -> int:
    return session.scalar(select(School.id).order_by(School.id))


def test_generated_data_reads_through_the_api(app, client, session):
    counts = make_data.generate(session.connection(), size=0.02, history_scale=0.1)
    session.commit()
    assert counts["schools"] == 1 and counts["students"] == 600 and counts["users"] == 60
    assert counts["incidents"] == 600 and counts["observations"] == 400
    school_id = _first_school(session)
    ids = plans.pick_ids(session, school_id)
    leader = plans.bearer(app, ids["leader"])
    teacher = plans.bearer(app, ids["teacher"])

    # The search tokens were built by the app's helper: the first student of every school is Åse Østergård.
    found = client.get("/api/v1/students?q=%C3%A5se%20%C3%B8st", headers=teacher).json
    assert [s["display_name"] for s in found["items"]][:1] == ["Åse Østergård"]

    # Established cases carry the deadline of the app's working-day calendar and a consistent case state.
    established = session.scalars(
        select(Incident).where(Incident.school_id == school_id, Incident.established_at.is_not(None))
    ).all()
    assert established
    school = session.get(School, school_id)
    first = [i for i in established if i.status != "action_plan"] or established
    case = client.get(f"/api/v1/incidents/{first[0].id}", headers=leader).json
    assert case["view"] == "full"
    assert case["action_plan_due"] is not None
    reopened = any(e["kind"] == "plan_reopened" for e in _timeline(client, case["id"], leader))
    if not reopened:
        start = local_date(first[0].established_at)
        assert date.fromisoformat(case["action_plan_due"]) == add_working_days(
            session, school=school, start=start, days=10
        )
    assert case["deadline_status"] in ("met", "pending", "due_soon", "overdue")

    # The lists, the student log and today's play-partner list answer from the generated rows.
    listed = client.get("/api/v1/incidents?page_size=25", headers=leader).json
    assert listed["total"] == counts["incidents"]
    log = client.get(f"/api/v1/students/{ids['student_id']}/log?limit=25", headers=leader).json
    assert log["items"]
    today = client.get(f"/api/v1/play-partner-arrangements?date={ids['today']}", headers=teacher).json
    assert today["total"] >= 1
    assert all(a["status"] == "active" for a in today["items"])
    audit = client.get("/api/v1/audit-log?page_size=1", headers=leader)
    assert audit.status_code == 200 and audit.json["total"] > counts["incidents"]


def _timeline(client, incident_id: int, headers: dict) -> list[dict]:
    return client.get(f"/api/v1/incidents/{incident_id}/timeline?page_size=100", headers=headers).json[
        "items"
    ]


def test_generator_is_deterministic_from_its_seed(tmp_path):
    from api.cli import upgrade_database

    def build(name: str, seed: int) -> list[tuple]:
        url = f"sqlite:///{tmp_path / name}"
        from api import create_app

        with create_app({"TESTING": True, "DATABASE_URL": url}).app_context():
            upgrade_database()
        engine = create_engine(url)
        with engine.begin() as conn:
            make_data.generate(conn, size=0.02, seed=seed, history_scale=0.02, today=date(2026, 11, 30))
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT i.id, i.classification, i.place, i.occurred_at, i.status, i.action_plan_due, "
                    "s.given_name, s.family_name FROM incidents i JOIN incident_students x ON x.incident_id = i.id "
                    "JOIN students s ON s.id = x.student_id ORDER BY i.id, x.id"
                )
            ).all()
        engine.dispose()
        return [tuple(r) for r in rows]

    first, again, other = build("a.db", 7), build("b.db", 7), build("c.db", 8)
    assert first and first == again
    assert first != other


@pytest.mark.usefixtures("app")
def test_hot_queries_use_their_indexes(app, session, backend):
    if backend != "postgresql":
        pytest.skip("query plans are asserted on PostgreSQL (TEST_DATABASE_URL)")
    make_data.generate(session.connection(), size=0.06, history_scale=0.25)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    from api.core.db import make_engine

    ids = plans.pick_ids(session, _first_school(session))
    engine = make_engine(app.config["DATABASE_URL"])
    # No sequential scan of a table over 3,000 rows; the intended index of every table over 1,000 rows.
    # (At this size a school's ~70 play-partner arrangements fit in a few pages, so that plan is judged
    # at full size by bench/query_plans.py.)
    big, indexed = plans.big_tables(engine, 3000), plans.big_tables(engine, 1000)
    assert {"incidents", "incident_students", "audit_log", "student_name_tokens"} <= big
    assert "students" in indexed
    problems = []
    for result in plans.explain_requests(app, plans.hot_requests(ids), ids, analyze=False):
        assert result.status == 200, result.text()
        missing = result.missing_indexes(indexed)
        if missing or result.seq_scans(big):
            problems.append(
                f"{result.request.name}: missing {missing}, seq scans {result.seq_scans(big)}\n{result.text()}"
            )
    assert not problems, "\n\n".join(problems)
    # Rows per table stay in the proportions of the full size (here 3 schools at a quarter of the history).
    assert session.scalar(select(func.count()).select_from(Incident)) == 3 * 1500
