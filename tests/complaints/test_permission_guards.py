"""The complaints guards, asked directly with the case as the incidents service gives it to the reader: the
case's leaders and resource persons read, only leaders record; a refusal is a denied audit row naming the case."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from api.complaints import permissions
from api.core import audit
from api.core.timeutil import utcnow
from api.errors import Forbidden
from api.incidents.service import get_incident
from tests.incidents.factories import make_incident, make_world


@pytest.fixture
def world(app, session):
    w = make_world(session)
    w.case = make_incident(
        session,
        w,
        classification="bullying",
        status="action_plan",
        established_at=utcnow(),
        established_by=w.users["leader"],
    )
    return w


def _case_for(session, world, role):
    caller = world.users[role]
    return caller, get_incident(session, caller=caller, incident_id=world.case.id, audited=False)


def _denials():
    return [
        (r.action, r.outcome, r.resource_type, r.resource_id) for r in audit.take_pending(succeeded=False)
    ]


def test_leaders_read_and_record_and_resource_persons_read(session, world):
    leader, case = _case_for(session, world, "leader")
    permissions.ensure_can_read(leader, case)
    permissions.ensure_can_write(leader, case)
    person, case = _case_for(session, world, "resource_person")
    permissions.ensure_can_read(person, case)
    assert _denials() == []


def test_a_resource_person_may_not_record_a_complaint(session, world):
    person, case = _case_for(session, world, "resource_person")
    with pytest.raises(Forbidden):
        permissions.ensure_can_write(person, case)
    assert _denials() == [("denied", "denied", "incident", str(world.case.id))]


def test_the_class_teacher_works_the_case_but_does_not_see_its_complaints(session, world):
    teacher, case = _case_for(session, world, "teacher")
    assert case.view == "full"
    with pytest.raises(Forbidden):
        permissions.ensure_can_read(teacher, case)
    with pytest.raises(Forbidden):
        permissions.ensure_can_write(teacher, case)
    assert _denials() == [("denied", "denied", "incident", str(world.case.id))] * 2


def test_the_reporter_view_shows_no_complaints_even_to_a_resource_person(session, world):
    # A resource person who reported a case in which a colleague is accused keeps only the reporter view.
    reporter = world.users["resource_person"]
    accused_case = make_incident(session, world, reporter=reporter, accused=world.users["teacher"])
    case = get_incident(session, caller=reporter, incident_id=accused_case.id, audited=False)
    assert case.view == "reporter"
    with pytest.raises(Forbidden):
        permissions.ensure_can_read(reporter, case)
    assert _denials() == [("denied", "denied", "incident", str(accused_case.id))]


def test_a_leader_is_refused_a_case_not_opened_as_full_for_them(session, world):
    # The guard trusts only the view the incidents service set for this reader: a case loaded any other way
    # (no view, or the reporter view) is refused, even to a leader, for reading and for recording.
    leader = world.users["leader"]
    as_reporter = _case_for(session, world, "leader")[1]
    as_reporter.view = "reporter"
    for case in (SimpleNamespace(id=world.case.id), as_reporter):
        with pytest.raises(Forbidden):
            permissions.ensure_can_read(leader, case)
        with pytest.raises(Forbidden):
            permissions.ensure_can_write(leader, case)
    assert _denials() == [("denied", "denied", "incident", str(world.case.id))] * 4
