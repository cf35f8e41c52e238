"""Retention with real deletion: the policy per category with its legal minimums, the purge that deletes rows
(and leaves no trace of a planted marker in any table), and erasure of one student on request."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import String, Text, select

from api.core.db import Base
from api.core.timeutil import utcnow
from api.core.tombstones import Tombstone
from api.incidents.models import Incident
from api.information.models import InformationRecord
from api.jobs.schedule import purge
from api.play_partners.models import ArrangementCheckIn
from api.students.models import Student
from tests.incidents.factories import headers, make_incident, make_world
from tests.observations.factories import make_observation
from tests.play_partners.factories import make_arrangement
from tests.students.factories import make_guardian

MARK = "zqxmarker"


@pytest.fixture
def world(app, session):
    return make_world(session)


def _traces(session, needle: str) -> list[str]:
    """Every table and column whose text holds the needle."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text) or "JSON" in repr(c.type)]
        if not columns:
            continue
        for row in session.execute(select(*columns)).all():
            for column, value in zip(columns, row, strict=True):
                if value is not None and needle in str(value).lower():
                    found.append(f"{table.name}.{column.name}")
    return found


def test_the_purge_deletes_for_real_and_leaves_no_trace(app, client, session, world):
    kid = Student(school_id=world.school.id, given_name=MARK, family_name="Jensen", class_id=world.class_a.id)
    session.add(kid)
    session.commit()
    kid_id = kid.id
    make_guardian(session, kid, name=f"{MARK} Mor")
    h = headers(app, world, world.users["leader"])
    resp = client.post(
        "/api/v1/incidents",
        json={
            "classification": "bullying",
            "description": f"{MARK} blev skubbet",
            "students": [{"student_id": kid.id, "role": "target"}],
        },
        headers={**h, "Idempotency-Key": "mark-1"},
    )
    assert resp.status_code == 201, resp.json
    case_id = resp.json["id"]
    client.post(
        f"/api/v1/incidents/{case_id}/notes",
        json={"kind": "students", "body": f"Talte med {MARK}"},
        headers={**h, "Idempotency-Key": "mark-2"},
    )
    session.add(
        InformationRecord(
            school_id=world.school.id,
            incident_id=case_id,
            person_kind="student",
            student_id=kid.id,
            informed_at=utcnow(),
            method="meeting",
            note=MARK,
        )
    )
    old = datetime(2015, 3, 1, 12, 0, tzinfo=UTC)
    make_observation(session, world.users["sfo_staff"], [kid], note=f"{MARK} var glad", observed_at=old)
    arrangement = make_arrangement(
        session,
        world.users["teacher"],
        [kid, world.anna],
        purpose=f"{MARK} og Anna",
        start_date=date(2015, 3, 1),
        end_date=date(2015, 6, 1),
    )
    session.add(
        ArrangementCheckIn(
            arrangement_id=arrangement.id,
            day=date(2015, 3, 2),
            outcome="went_well",
            note=MARK,
            author_id=world.users["teacher"].id,
        )
    )
    # The child left the school long ago and the case was closed.
    incident = session.get(Incident, case_id)
    incident.status, incident.closed_at = "closed", datetime(2015, 6, 30, 12, 0, tzinfo=UTC)
    session.get(Student, kid.id).left_on = date(2015, 6, 30)
    session.commit()
    assert _traces(session, MARK)  # the marker is there to begin with
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "Would purge" in dry.output and "1 cases" in dry.output, dry.output
    assert _traces(session, MARK)  # a dry run changes nothing
    with app.app_context():
        counts = purge(session, utcnow())
        session.commit()
    assert counts["cases"] == 1 and counts["students"] == 1 and counts["observations"] == 1
    assert counts["arrangements"] == 1
    assert _traces(session, MARK) == []
    gone = {(t.resource, t.resource_id, t.reason) for t in session.scalars(select(Tombstone))}
    assert ("incidents", case_id, "retention") in gone
    assert ("students", kid_id, "retention") in gone
    # Anna still attends and is kept.
    assert session.get(Student, world.anna.id) is not None


def test_a_case_of_a_child_still_at_school_is_kept(app, session, world):
    incident = make_incident(session, world, status="closed")
    incident.closed_at = datetime(2010, 1, 1, tzinfo=UTC)
    session.commit()
    with app.app_context():
        assert purge(session, utcnow())["cases"] == 0


def test_policy_shows_defaults_and_refuses_less_than_the_legal_minimum(app, client, world):
    h = headers(app, world, world.users["admin"])
    policy = client.get("/api/v1/privacy/retention", headers=h).json
    cases = next(c for c in policy["categories"] if c["category"] == "closed_cases")
    assert (cases["period"], cases["unit"], cases["legal_minimum"]) == (5, "years", 3)
    resp = client.put("/api/v1/privacy/retention", json={"closed_cases": 2, "audit_log": 0}, headers=h)
    assert resp.status_code == 422
    assert resp.json["type"] == "below_legal_minimum"
    assert set(resp.json["errors"]) == {"closed_cases", "audit_log"}
    ok = client.put("/api/v1/privacy/retention", json={"closed_cases": 10}, headers=h).json
    assert next(c for c in ok["categories"] if c["category"] == "closed_cases")["period"] == 10
    assert (
        client.put(
            "/api/v1/privacy/retention",
            json={"closed_cases": 10},
            headers=headers(app, world, world.users["leader"]),
        ).status_code
        == 403
    )
    assert (
        client.get(
            "/api/v1/privacy/retention", headers=headers(app, world, world.users["teacher"])
        ).status_code
        == 403
    )


def test_deployment_period_from_configuration(app, client, world):
    app.config["RETENTION_OBSERVATIONS_MONTHS"] = 24
    policy = client.get("/api/v1/privacy/retention", headers=headers(app, world, world.users["leader"])).json
    obs = next(c for c in policy["categories"] if c["category"] == "observations")
    assert obs["period"] == obs["deployment_default"] == 24


def test_erasure_is_refused_while_an_open_case_needs_the_data(app, client, session, world):
    case = make_incident(session, world, status="investigating")
    url = f"/api/v1/students/{world.bo.id}/erasure"
    resp = client.post(url, headers=headers(app, world, world.users["leader"]))
    assert resp.status_code == 409
    assert resp.json["type"] == "data_still_needed"
    assert resp.json["errors"]["open_cases"] == [case.id]
    # An admin, who does not see cases, is told why without which.
    admin = client.post(url, headers=headers(app, world, world.users["admin"]))
    assert admin.json["errors"]["open_cases"] == ["1 open case(s)"]
    assert session.get(Student, world.bo.id) is not None


def test_erasure_deletes_the_child_and_takes_the_name_out_of_shared_records(app, client, session, world):
    shared = make_incident(
        session, world, status="closed", students=[(world.anna, "target"), (world.bo, "actor")]
    )
    solo = make_incident(session, world, status="closed", students=[(world.bo, "target")])
    h = headers(app, world, world.users["leader"])
    incident = session.get(Incident, shared.id)
    incident.description = "Bo Lund skubbede Anna"
    session.commit()
    make_guardian(session, world.bo, name="Lars Lund")
    resp = client.post(f"/api/v1/students/{world.bo.id}/erasure", headers=h)
    assert resp.status_code == 200, resp.json
    assert resp.json == {"students": 1, "cases": 1, "observations": 0, "arrangements": 0, "redacted_texts": 1}
    session.expire_all()
    assert session.get(Student, world.bo.id) is None
    assert session.get(Incident, solo.id) is None
    assert session.get(Incident, shared.id).description == "[slettet elev] skubbede Anna"
    assert _traces(session, "lars lund") == []
    gone = {(t.resource, t.resource_id, t.reason) for t in session.scalars(select(Tombstone))}
    assert ("students", world.bo.id, "erasure_request") in gone


def test_erasure_permissions_and_another_school(app, client, world):
    url = f"/api/v1/students/{world.carl.id}/erasure"
    for role in ("teacher", "pedagogue", "sfo_staff", "resource_person"):
        assert client.post(url, headers=headers(app, world, world.users[role])).status_code == 403, role
    other = client.post(
        f"/api/v1/students/{world.other_student.id}/erasure",
        headers=headers(app, world, world.users["admin"]),
    )
    assert other.status_code == 404
