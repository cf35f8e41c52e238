"""Each guard of the case permissions on its own: the functions answer for themselves, not only behind the
school-scoped loading in front of them; the list and the detail agree; denials are audited with their students."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.core import audit
from api.core.audit import AuditEntry
from api.errors import Forbidden, NotFound
from api.incidents import permissions
from api.incidents.models import Incident
from tests.factories import attach_staff, make_class, make_student, make_user
from tests.incidents.factories import headers, make_incident, make_world


@pytest.fixture
def world(session):
    return make_world(session)


def visible_ids(session, user) -> set[int]:
    return set(session.scalars(select(Incident.id).where(permissions.visibility_clause(session, user))))


def worked_ids(session, user) -> set[int]:
    return set(session.scalars(select(Incident.id).where(permissions.worker_clause(session, user))))


def pending_audit() -> list[tuple[str, str, str, str | None, int | None]]:
    """The audit rows the current request would store even if it fails:
    (action, outcome, resource type, resource id, student)."""
    return sorted(
        (e.action, e.outcome, e.resource_type, e.resource_id, e.student_id)
        for e in audit.take_pending(succeeded=False)
    )


def other_school_case(session, world, *, reporter) -> Incident:
    """A case of the other school (about its student), reported by `reporter`."""
    incident = make_incident(
        session, world, reporter=world.other_users["teacher"], students=[(world.other_student, "target")]
    )
    incident.reported_by_id = reporter.id
    session.commit()
    return incident


# --- cross-school guards, each on its own --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "resource_person", "teacher", "pedagogue"])
def test_no_role_works_another_schools_case(session, world, role):
    incident = make_incident(session, world)  # about class A's Anna and Bo
    outsider = world.other_users[role]
    # Even attached to the case's class, staff of another school do not work it.
    attach_staff(session, world.class_a, outsider, "teacher")
    assert permissions.is_worker(session, outsider, incident) is False
    assert permissions.is_owner(session, outsider, incident) is False
    assert incident.id not in worked_ids(session, outsider)
    assert incident.id not in visible_ids(session, outsider)


def test_an_accused_case_of_another_school_is_not_worked_by_this_schools_leader(session, world):
    incident = make_incident(
        session,
        world,
        reporter=world.other_users["teacher"],
        students=[(world.other_student, "target")],
        accused=world.other_users["pedagogue"],
    )
    leader = world.users["leader"]
    assert permissions.is_worker(session, leader, incident) is False
    assert incident.id not in worked_ids(session, leader)
    # while the other school's own leader works it
    assert permissions.is_worker(session, world.other_users["leader"], incident) is True


def test_reporting_a_case_gives_no_view_of_it_in_another_school(session, world):
    teacher = world.users["teacher_b"]
    incident = other_school_case(session, world, reporter=teacher)
    assert permissions.is_reporter(teacher, incident) is False
    assert incident.id not in visible_ids(session, teacher)
    with pytest.raises(NotFound):
        permissions.ensure_visible(session, teacher, incident)


def test_a_denied_read_across_schools_names_no_student(session, world):
    incident = make_incident(session, world)
    with pytest.raises(NotFound):
        permissions.ensure_visible(session, world.other_users["leader"], incident)
    assert pending_audit() == [("incident_access_denied", "denied", "incident", str(incident.id), None)]


def test_a_denied_read_in_the_own_school_is_audited_with_the_cases_students(session, world):
    incident = make_incident(session, world)  # Anna and Bo of class A
    with pytest.raises(NotFound):
        permissions.ensure_visible(session, world.users["teacher_b"], incident)
    assert pending_audit() == sorted(
        ("incident_access_denied", "denied", "incident", str(incident.id), s.id)
        for s in (world.anna, world.bo)
    )


# --- who works a case, who reports it, who owns it ------------------------------------------------------------


def test_worker_reporter_and_owner_answers_for_an_ordinary_case(session, world):
    users = world.users
    reporter = make_user(session, world.school, "pedagogue")
    incident = make_incident(session, world, reporter=reporter)  # class A
    expected_workers = {"leader": True, "resource_person": True, "teacher": True, "pedagogue": True}
    for role in ("admin", "leader", "resource_person", "teacher", "pedagogue", "sfo_staff", "teacher_b"):
        user = users[role]
        works = expected_workers.get(role, False)
        assert permissions.is_worker(session, user, incident) is works, role
        assert (incident.id in worked_ids(session, user)) is works, role
        assert permissions.is_owner(session, user, incident) is (role in ("leader", "resource_person")), role
        assert permissions.is_reporter(user, incident) is False, role
    # The SFO contact of class A is attached to the class but is no case worker by role.
    assert permissions.is_worker(session, users["sfo_staff"], incident) is False
    # The reporter sees it as reporter, not as worker.
    assert permissions.is_reporter(reporter, incident) is True
    assert permissions.is_worker(session, reporter, incident) is False
    assert incident.id in visible_ids(session, reporter) and incident.id not in worked_ids(session, reporter)
    assert permissions.ensure_visible(session, reporter, incident) == "reporter"
    assert permissions.ensure_visible(session, users["teacher"], incident) == "full"


def test_a_class_teacher_works_only_cases_of_students_in_her_classes(session, world):
    teacher = world.users["teacher_b"]  # class B
    class_a_case = make_incident(session, world)
    class_b_case = make_incident(session, world, students=[(world.carl, "target")])
    mixed = make_incident(session, world, students=[(world.anna, "target"), (world.carl, "actor")])
    classless = make_student(session, world.school, given_name="Uden Klasse")
    no_class_case = make_incident(session, world, students=[(classless, "target")])
    assert worked_ids(session, teacher) == {class_b_case.id, mixed.id}
    for case, works in ((class_a_case, False), (class_b_case, True), (mixed, True), (no_class_case, False)):
        assert permissions.is_worker(session, teacher, case) is works
    # A teacher of no class works no case
    lone = make_user(session, world.school, "teacher")
    assert worked_ids(session, lone) == set()
    assert permissions.is_worker(session, lone, class_b_case) is False


def test_a_pedagogue_works_her_classes_cases_too(session, world):
    pedagogue = world.users["pedagogue"]  # class A
    case = make_incident(session, world)
    other = make_incident(session, world, students=[(world.carl, "target")])
    assert permissions.is_worker(session, pedagogue, case) is True
    assert permissions.is_worker(session, pedagogue, other) is False
    assert case.id in worked_ids(session, pedagogue) and other.id not in worked_ids(session, pedagogue)


def test_a_teacher_also_in_a_class_as_sfo_contact_works_that_class_case(session, world):
    # The role in the class does not matter for teachers and pedagogues; the user's role does.
    teacher = make_user(session, world.school, "teacher")
    attach_staff(session, world.class_b, teacher, "sfo_contact")
    case = make_incident(session, world, students=[(world.carl, "target")])
    assert permissions.is_worker(session, teacher, case) is True
    assert case.id in worked_ids(session, teacher)


# --- cases accusing staff ----------------------------------------------------------------------------------------


def test_a_case_accusing_a_leader_is_worked_by_the_other_leaders_only(session, world):
    users = world.users
    case = make_incident(session, world, reporter=users["teacher_b"], accused=users["leader2"])
    for role, works in {
        "leader": True,
        "leader2": False,  # the accused
        "resource_person": False,
        "teacher": False,
        "pedagogue": False,
        "sfo_staff": False,
        "admin": False,
    }.items():
        assert permissions.is_worker(session, users[role], case) is works, role
        assert (case.id in worked_ids(session, users[role])) is works, role
    assert permissions.is_owner(session, users["leader"], case) is True
    assert permissions.is_owner(session, users["leader2"], case) is False
    assert permissions.is_owner(session, users["resource_person"], case) is False


def test_an_accused_leader_finds_the_case_about_herself_neither_in_the_list_nor_by_student(
    app, client, session, world
):
    accused = world.users["leader2"]
    case = make_incident(session, world, reporter=world.users["teacher_b"], accused=accused)
    ordinary = make_incident(session, world, reporter=world.users["teacher_b"])
    mine = headers(app, world, accused)
    listed = client.get("/api/v1/incidents?page_size=100", headers=mine)
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json["items"]] == [ordinary.id]
    by_student = client.get(f"/api/v1/incidents?student_id={world.anna.id}", headers=mine)
    assert by_student.status_code == 200
    assert [i["id"] for i in by_student.json["items"]] == [ordinary.id]
    assert client.get(f"/api/v1/incidents/{case.id}", headers=mine).status_code == 404
    # The other leader finds it in both
    other = headers(app, world, world.users["leader"])
    assert case.id in [i["id"] for i in client.get("/api/v1/incidents", headers=other).json["items"]]
    found = client.get(f"/api/v1/incidents?student_id={world.anna.id}", headers=other).json["items"]
    assert case.id in [i["id"] for i in found]


def test_an_accused_teacher_and_her_colleagues_do_not_work_the_case(session, world):
    users = world.users
    case = make_incident(session, world, reporter=users["leader"], accused=users["teacher"])
    assert permissions.is_worker(session, users["teacher"], case) is False
    assert permissions.is_worker(session, users["pedagogue"], case) is False  # class A, not accused
    assert case.id not in worked_ids(session, users["pedagogue"])
    assert permissions.is_worker(session, users["leader2"], case) is True


# --- denials are audited with their students -----------------------------------------------------------------


def test_ensure_worker_and_owner_deny_with_an_audit_row_per_student(session, world):
    users = world.users
    reporter = make_user(session, world.school, "pedagogue")
    case = make_incident(session, world, reporter=reporter)
    permissions.ensure_worker(session, users["teacher"], case, action="update the checklist")
    permissions.ensure_owner(session, users["resource_person"], case, action="write the action plan")
    assert pending_audit() == []
    expected = sorted(("denied", "denied", "incident", str(case.id), s.id) for s in (world.anna, world.bo))
    with pytest.raises(Forbidden):
        permissions.ensure_worker(session, reporter, case, action="update the checklist")
    assert pending_audit() == expected
    with pytest.raises(Forbidden):
        permissions.ensure_owner(session, users["teacher"], case, action="write the action plan")
    assert pending_audit() == expected


def test_a_denied_owner_action_over_http_is_stored_with_resource_and_students(app, client, session, world):
    case = make_incident(session, world, reporter=world.users["teacher_b"])
    resp = client.post(
        f"/api/v1/incidents/{case.id}/establish", json={}, headers=headers(app, world, world.users["teacher"])
    )
    assert resp.status_code == 403
    rows = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).all()
    assert sorted(r.student_id for r in rows) == sorted([world.anna.id, world.bo.id])
    assert {(r.resource_type, r.resource_id, r.user_id) for r in rows} == {
        ("incident", str(case.id), world.users["teacher"].id)
    }


def test_places_are_kept_by_admins_and_leaders_and_a_refusal_is_audited(session, world):
    permissions.ensure_can_edit_places(world.users["admin"])
    permissions.ensure_can_edit_places(world.users["leader"])
    assert pending_audit() == []
    for role in ("teacher", "resource_person", "sfo_staff"):
        with pytest.raises(Forbidden):
            permissions.ensure_can_edit_places(world.users[role])
        entries = audit.take_pending(succeeded=False)
        assert [(e.action, e.outcome, e.resource_type) for e in entries] == [
            ("denied", "denied", "incident_places")
        ], role


def test_an_own_school_student_without_a_class_makes_no_teacher_a_worker(session, world):
    # A student who has left every class: only leaders and resource persons work the case.
    loose = make_student(session, world.school, given_name="Lis")
    cls = make_class(session, world.school, name="5.C", grade=5)
    teacher = make_user(session, world.school, "teacher")
    attach_staff(session, cls, teacher)
    case = make_incident(session, world, students=[(loose, "target")])
    assert permissions.is_worker(session, teacher, case) is False
    assert permissions.is_worker(session, world.users["resource_person"], case) is True
