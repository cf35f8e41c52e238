"""A school that counts its closed days reads them once per request, however many deadlines the request
computes: a status change computes the case's deadline before and after the change, a page of cases one per
case."""

from __future__ import annotations

from datetime import timedelta

from api.calendar.models import ClosedPeriod
from api.core.db import db
from api.core.timeutil import local_date
from tests.incidents.factories import headers, make_incident, make_world
from tests.queries import statements


def _closed_days_reads(sent: list[str]) -> int:
    return sum(1 for s in sent if "FROM calendar_closed_days" in s)


def _school_counting_closed_days(app):
    with app.app_context():
        session = db.session
        world = make_world(session)
        world.school.count_closed_days = True
        today = local_date()
        session.add(
            ClosedPeriod(
                school_id=world.school.id,
                first_day=today + timedelta(days=3),
                last_day=today + timedelta(days=5),
                name="Studiedage",
                created_by_id=world.users["admin"].id,
            )
        )
        ids = [
            make_incident(
                session,
                world,
                students=[(world.anna, "target"), (world.bo, "actor")],
                classification="bullying",
            ).id
            for _ in range(3)
        ]
        session.commit()
        return ids, headers(app, world, world.users["teacher"]), headers(app, world, world.users["leader"])


def test_a_status_change_reads_the_closed_days_at_most_once_within_ten_statements(app, client, database_url):
    ids, teacher, _ = _school_counting_closed_days(app)
    etag = client.get(f"/api/v1/incidents/{ids[0]}", headers=teacher).headers["ETag"]
    with statements(database_url) as sent:
        resp = client.patch(
            f"/api/v1/incidents/{ids[0]}",
            json={"status": "investigating"},
            headers={**teacher, "If-Match": etag},
        )
    assert resp.status_code == 200 and resp.json["status"] == "investigating"
    # An open case has no plan due, so its deadline needs no closed days; a request that needs them reads
    # them once (tests/incidents/test_request_cost.py has the case with a plan due).
    assert _closed_days_reads(sent) <= 1, "\n".join(sent)
    assert len(sent) <= 10, "\n".join(sent)


def test_a_page_of_cases_reads_the_closed_days_once(app, client, database_url):
    ids, _, leader = _school_counting_closed_days(app)
    with statements(database_url) as sent:
        resp = client.get("/api/v1/incidents?page_size=25", headers=leader)
    assert resp.status_code == 200 and {i["id"] for i in resp.json["items"]} >= set(ids)
    assert _closed_days_reads(sent) <= 1, "\n".join(sent)
