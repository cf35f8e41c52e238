"""The information duty's guard, asked directly and through the API: only the case's workers (the full view)
see and record who was informed; a refusal is a denied audit row per child of the case, naming the case."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from api.core import audit
from api.core.audit import AuditEntry
from api.errors import Forbidden
from api.incidents.service import get_incident
from api.information import permissions
from tests.incidents.factories import headers, make_incident, make_world


@pytest.fixture
def world(app, session):
    return make_world(session)


def test_the_cases_workers_pass_the_guard(session, world):
    case = make_incident(session, world, classification="bullying")
    for role in ("leader", "resource_person", "teacher", "pedagogue"):
        permissions.ensure_worker(
            get_incident(session, caller=world.users[role], incident_id=case.id, audited=False)
        )
    assert audit.take_pending(succeeded=False) == []


def test_the_reporter_view_and_a_case_without_a_view_are_refused_per_child(session, world):
    case = make_incident(session, world, reporter=world.users["teacher_b"], students=[(world.bo, "target")])
    as_reporter = get_incident(session, caller=world.users["teacher_b"], incident_id=case.id, audited=False)
    assert as_reporter.view == "reporter"
    with pytest.raises(Forbidden):
        permissions.ensure_worker(as_reporter)
    with pytest.raises(Forbidden):
        permissions.ensure_worker(SimpleNamespace(id=case.id, student_ids=[world.anna.id, world.bo.id]))
    rows = [
        (r.action, r.outcome, r.resource_type, r.resource_id, r.student_id)
        for r in audit.take_pending(succeeded=False)
    ]
    assert rows == [
        ("denied", "denied", "incident", str(case.id), world.bo.id),
        ("denied", "denied", "incident", str(case.id), world.anna.id),
        ("denied", "denied", "incident", str(case.id), world.bo.id),
    ]


def test_a_reporters_refused_read_and_record_are_stored_for_the_auditor(app, client, session, world):
    teacher_b = world.users["teacher_b"]
    case = make_incident(session, world, reporter=teacher_b, classification="bullying")
    url = f"/api/v1/incidents/{case.id}/information"
    h = headers(app, world, teacher_b)
    assert client.get(url, headers=h).status_code == 403
    assert (
        client.post(url, json={"student_id": world.anna.id, "method": "letter"}, headers=h).status_code == 403
    )
    rows = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied").order_by(AuditEntry.id))
    assert [(r.user_id, r.action, r.resource_type, r.resource_id, r.student_id) for r in rows] == [
        (teacher_b.id, "denied", "incident", str(case.id), world.anna.id),
        (teacher_b.id, "denied", "incident", str(case.id), world.bo.id),
    ] * 2
