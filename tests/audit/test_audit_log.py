"""The audit log is usable: filters by student, user, action and time; a streamed CSV export that is itself
audited; searches logged with their criteria; attempts on another school's records seen by the platform."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.core.timeutil import utcnow
from tests.incidents.factories import headers, make_incident, make_world

URL = "/api/v1/audit-log"


@pytest.fixture
def world(app, session):
    return make_world(session)


def _read_case(client, app, world, user, incident):
    return client.get(f"/api/v1/incidents/{incident.id}", headers=headers(app, world, user))


def test_filters_by_student_user_action_and_time(app, client, session, world):
    case = make_incident(session, world, students=[(world.anna, "target")])
    _read_case(client, app, world, world.users["teacher"], case)
    _read_case(client, app, world, world.users["leader"], case)
    h = headers(app, world, world.users["leader"])
    by_user = client.get(f"{URL}?user_id={world.users['teacher'].id}&action=incident_viewed", headers=h).json
    assert [(r["user_id"], r["student_id"]) for r in by_user["items"]] == [
        (world.users["teacher"].id, world.anna.id)
    ]
    by_student = client.get(f"{URL}?student_id={world.anna.id}&action=incident_viewed", headers=h).json
    assert by_student["total"] == 2
    later = (utcnow() + timedelta(minutes=1)).isoformat()
    assert client.get(URL, query_string={"from": later}, headers=h).json["total"] == 0
    bad = client.get(URL, query_string={"from": later, "to": utcnow().isoformat()}, headers=h)
    assert bad.status_code == 422


def test_a_search_is_logged_with_its_criteria(app, client, session, world):
    h = headers(app, world, world.users["teacher"])
    assert client.get("/api/v1/students?q=ann&grade=3&page=1", headers=h).status_code == 200
    row = session.scalar(select(AuditEntry).where(AuditEntry.action == "students_searched"))
    assert row.user_id == world.users["teacher"].id
    assert row.detail == {"criteria": {"q": "ann", "grade": "3"}}
    client.get("/api/v1/incidents?status=open&classification=bullying", headers=h)
    listed = session.scalar(select(AuditEntry).where(AuditEntry.action == "incidents_listed"))
    assert listed.detail["criteria"] == {"classification": "bullying", "status": "open"}


def test_csv_export_is_excel_safe_streamed_and_audited(app, client, session, world):
    case = make_incident(session, world, students=[(world.anna, "target")])
    _read_case(client, app, world, world.users["teacher"], case)
    h = headers(app, world, world.users["admin"])
    resp = client.get(f"{URL}/export?action=incident_viewed", headers=h)
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:6] == ["tidspunkt", "bruger_id", "klient_id", "scope", "roller", "handling"]
    assert [r[5] for r in rows[1:]] == ["incident_viewed"]
    assert rows[1][8] == str(world.anna.id)
    exported = session.scalar(select(AuditEntry).where(AuditEntry.action == "audit_log_exported"))
    assert exported.user_id == world.users["admin"].id
    assert exported.detail == {"criteria": {"action": "incident_viewed"}}


def test_formula_cells_are_neutralised(app, client, session, world):
    session.add(
        AuditEntry(school_id=world.school.id, action="=cmd()", resource_type="x", roles="", outcome="allowed")
    )
    session.commit()
    text = client.get(f"{URL}/export", headers=headers(app, world, world.users["leader"])).get_data(
        as_text=True
    )
    assert ";'=cmd();" in text


def test_who_reads_the_log(app, client, world):
    for role in ("teacher", "pedagogue", "sfo_staff", "resource_person"):
        h = headers(app, world, world.users[role])
        assert client.get(URL, headers=h).status_code == 403, role
        assert client.get(f"{URL}/export", headers=h).status_code == 403, role
    for role in ("leader", "admin"):
        assert client.get(URL, headers=headers(app, world, world.users[role])).status_code == 200


def test_another_schools_attempt_is_seen_by_the_platform_not_hidden_in_one_school(
    app, client, session, world
):
    intruder = world.other_users["leader"]
    case = make_incident(session, world)
    assert _read_case(client, app, world, intruder, case).status_code == 404
    # The intruder's own school sees it; our school is told nothing (that would reveal the other school).
    row = session.scalar(select(AuditEntry).where(AuditEntry.action == "cross_school_access"))
    assert (row.school_id, row.outcome) == (world.other_school.id, "denied")
    h = headers(app, world, world.users["admin"])
    assert client.get("/api/v1/platform/access-denials", headers=h).status_code == 403
    app.config["PLATFORM_ADMIN_EMAILS"] = world.users["admin"].email
    seen = client.get("/api/v1/platform/access-denials", headers=h).json
    assert seen["total"] == 1
    item = seen["items"][0]
    assert item["school_id"] == world.other_school.id
    assert item["detail"]["owner_school_id"] == world.school.id


def test_the_export_is_produced_in_pieces_not_held_in_memory(app, session, world):
    from api.audit.service import export_rows

    session.execute(
        AuditEntry.__table__.insert(),
        [
            {
                "school_id": world.school.id,
                "action": "incident_viewed",
                "resource_type": "incident",
                "roles": "leader",
                "outcome": "allowed",
                "at": utcnow(),
                "student_id": world.anna.id,
            }
            for _ in range(3000)
        ],
    )
    session.commit()
    with app.test_request_context("/api/v1/audit-log/export"):
        chunks = export_rows(session, caller=world.users["leader"], filters={})
        assert not isinstance(chunks, list | str)
        pieces = list(chunks)
    assert len(pieces) > 3
    assert sum(p.count("incident_viewed") for p in pieces) == 3000
