"""Each guard of the students domain on its own: another school's student, need-to-know for the log, who sees
and changes guardians, the roster and export roles, and the audit rows of allowed and denied reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.auth.scopes import ClientPrincipal
from api.core import audit
from api.core.audit import AuditEntry
from api.errors import Forbidden
from api.students import permissions
from tests.factories import attach_staff, auth, make_class, make_student, make_user
from tests.matrix import tenant
from tests.students.factories import make_guardian


@pytest.fixture
def world(session):
    a, b = tenant(session, "A"), tenant(session, "B")
    cls = make_class(session, a.school, name="3.A", grade=3)
    other_cls = make_class(session, a.school, name="7.C", grade=7)
    staff = {
        role: make_user(session, a.school, "teacher" if role != "pedagogue" else "pedagogue")
        for role in ("class_teacher", "teacher", "pedagogue", "sfo_contact")
    }
    for role, user in staff.items():
        attach_staff(session, cls, user, role)
    b_cls = make_class(session, b.school, name="3.A", grade=3)
    return {
        "a": a,
        "b": b,
        "staff": staff,
        "student": make_student(session, a.school, cls, given_name="Åse"),
        "elsewhere": make_student(session, a.school, other_cls, given_name="Emil"),
        "classless": make_student(session, a.school, given_name="Ida"),
        "b_student": make_student(session, b.school, b_cls, given_name="Otto"),
        "b_class": b_cls,
    }


def denials() -> list[tuple[str, str, str, int | None]]:
    return [
        (e.outcome, e.resource_type, e.resource_id, e.student_id) for e in audit.take_pending(succeeded=False)
    ]


# --- another school's student ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "leader", "resource_person", "teacher"])
def test_no_role_has_details_or_guardians_of_another_schools_student(session, world, role):
    viewer = world["a"].users[role]
    # even attached to that student's class as its class teacher
    attach_staff(session, world["b_class"], viewer, "class_teacher")
    student = world["b_student"]
    assert permissions.can_view_details(session, viewer, student) is False
    assert permissions.can_view_guardians(session, viewer, student) is False
    assert permissions.can_edit_guardians(session, viewer, student) is False


# --- need-to-know for what happened to a student -------------------------------------------------------------------


def test_details_are_for_school_wide_roles_and_the_staff_of_the_students_class(session, world):
    a, staff = world["a"], world["staff"]
    student, elsewhere, classless = world["student"], world["elsewhere"], world["classless"]
    for role in ("leader", "resource_person"):
        for s in (student, elsewhere, classless):
            assert permissions.can_view_details(session, a.users[role], s) is True, role
    for role in ("admin", "teacher", "pedagogue", "sfo_staff"):  # attached to no class
        assert permissions.can_view_details(session, a.users[role], student) is False, role
    for role, user in staff.items():  # any role in the class
        assert permissions.can_view_details(session, user, student) is True, role
        assert permissions.can_view_details(session, user, elsewhere) is False, role
        assert permissions.can_view_details(session, user, classless) is False, role


# --- guardians ----------------------------------------------------------------------------------------------------


def test_guardians_are_seen_by_school_wide_roles_admins_and_the_class_staff(session, world):
    a, staff = world["a"], world["staff"]
    student, classless = world["student"], world["classless"]
    for role in ("leader", "resource_person", "admin"):
        assert permissions.can_view_guardians(session, a.users[role], student) is True, role
        assert permissions.can_view_guardians(session, a.users[role], classless) is True, role
    for role in ("teacher", "pedagogue", "sfo_staff"):
        assert permissions.can_view_guardians(session, a.users[role], student) is False, role
    for role, user in staff.items():
        assert permissions.can_view_guardians(session, user, student) is True, role
        assert permissions.can_view_guardians(session, user, world["elsewhere"]) is False, role
        assert permissions.can_view_guardians(session, user, classless) is False, role


def test_guardians_are_changed_by_admins_leaders_and_the_class_teacher_only(session, world):
    a, staff = world["a"], world["staff"]
    student = world["student"]
    for role in ("admin", "leader"):
        assert permissions.can_edit_guardians(session, a.users[role], student) is True, role
        assert permissions.can_edit_guardians(session, a.users[role], world["classless"]) is True, role
    for role in ("resource_person", "teacher", "pedagogue", "sfo_staff"):
        assert permissions.can_edit_guardians(session, a.users[role], student) is False, role
    assert permissions.can_edit_guardians(session, staff["class_teacher"], student) is True
    assert permissions.can_edit_guardians(session, staff["class_teacher"], world["elsewhere"]) is False
    assert permissions.can_edit_guardians(session, staff["class_teacher"], world["classless"]) is False
    for role in ("teacher", "pedagogue", "sfo_contact"):
        assert permissions.can_edit_guardians(session, staff[role], student) is False, role


def test_guardian_denials_are_audited_with_the_student(session, world):
    student = world["student"]
    teacher = world["a"].users["teacher"]
    permissions.ensure_can_view_guardians(session, world["staff"]["sfo_contact"], student)
    permissions.ensure_can_edit_guardians(session, world["staff"]["class_teacher"], student)
    assert denials() == []
    with pytest.raises(Forbidden):
        permissions.ensure_can_view_guardians(session, teacher, student)
    assert denials() == [("denied", "guardian", str(student.id), student.id)]
    with pytest.raises(Forbidden):
        permissions.ensure_can_edit_guardians(session, world["staff"]["teacher"], student)
    assert denials() == [("denied", "guardian", str(student.id), student.id)]


def test_reading_guardians_over_http_leaves_an_allowed_and_a_denied_row(app, client, session, world):
    student = world["student"]
    make_guardian(session, student)
    url = f"/api/v1/students/{student.id}/guardians"
    class_teacher = world["staff"]["class_teacher"]
    outsider = world["a"].users["teacher"]
    assert client.get(url, headers=auth(app, class_teacher)).status_code == 200
    assert client.get(url, headers=auth(app, outsider)).status_code == 403
    rows = session.scalars(select(AuditEntry).where(AuditEntry.student_id == student.id)).all()
    assert sorted((r.user_id, r.action, r.outcome) for r in rows) == sorted(
        [(class_teacher.id, "guardians_viewed", "allowed"), (outsider.id, "denied", "denied")]
    )


def test_the_log_of_a_student_is_audited_with_its_scope(app, client, session, world):
    student = world["student"]
    url = f"/api/v1/students/{student.id}/log"
    assert client.get(url, headers=auth(app, world["staff"]["pedagogue"])).status_code == 200
    assert client.get(url, headers=auth(app, world["a"].users["teacher"])).status_code == 200
    rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "student_log_viewed")).all()
    scopes = {r.user_id: (r.detail["scope"], r.student_id, r.outcome) for r in rows}
    assert scopes[world["staff"]["pedagogue"].id][1:] == (student.id, "allowed")
    assert scopes[world["a"].users["teacher"].id][1:] == (student.id, "allowed")
    # the class's pedagogue reads the full log; a teacher of no class only her own entries
    assert scopes[world["staff"]["pedagogue"].id][0] != scopes[world["a"].users["teacher"].id][0]


# --- the roster and its export ------------------------------------------------------------------------------------


def test_only_admins_manage_the_roster_and_a_refusal_is_audited(session, world):
    a = world["a"]
    permissions.ensure_can_manage_roster(a.users["admin"])
    assert denials() == []
    for role in ("leader", "resource_person", "teacher", "pedagogue", "sfo_staff"):
        with pytest.raises(Forbidden):
            permissions.ensure_can_manage_roster(a.users[role], what="add students")
        assert denials() == [("denied", "student", None, None)], role


def test_admins_and_leaders_export_and_a_refusal_is_audited(session, world):
    a = world["a"]
    permissions.ensure_can_export(a.users["admin"])
    permissions.ensure_can_export(a.users["leader"])
    assert denials() == []
    for role in ("resource_person", "teacher", "pedagogue", "sfo_staff"):
        with pytest.raises(Forbidden):
            permissions.ensure_can_export(a.users[role])
        assert denials() == [("denied", "student", None, None)], role


def test_staff_class_ids_are_the_users_own_classes(session, world):
    staff = world["staff"]
    cls_id = world["student"].class_id
    assert permissions.staff_class_ids(session, staff["class_teacher"]) == {cls_id}
    assert permissions.staff_class_ids(session, world["a"].users["teacher"]) == set()


def test_class_teachers_are_found_per_class_and_no_other_role(session, world):
    a = world["a"]
    cls, other_cls = world["student"].class_id, world["elsewhere"].class_id
    both = make_user(session, a.school, "teacher")
    third = make_class(session, a.school, name="9.X", grade=9)
    attach_staff(session, world["student"].school_class, both, "class_teacher")  # a second one of 3.A
    attach_staff(session, world["elsewhere"].school_class, both, "class_teacher")
    attach_staff(session, third, both, "teacher")  # only teaches 9.X
    found = permissions.class_teachers(session, [cls, other_cls, third.id, cls])
    assert found == {world["staff"]["class_teacher"].id: {cls}, both.id: {cls, other_cls}}
    # only the classes asked about
    assert permissions.class_teachers(session, [other_cls]) == {both.id: {other_cls}}
    assert permissions.class_teachers(session, [third.id]) == {}
    assert permissions.class_teachers(session, []) == {}


def test_an_api_client_sees_the_guardians_of_its_schools_students_only(session, world):
    reader = ClientPrincipal(1, "trvc_test", "Elevplan", world["a"].school.id, frozenset({"roster:read"}))
    assert permissions.can_view_guardians(session, reader, world["student"]) is True
    assert permissions.can_view_guardians(session, reader, world["classless"]) is True
    assert permissions.can_view_guardians(session, reader, world["b_student"]) is False
    # what happened to a student is not opened to it, nor is a change of guardians
    assert permissions.can_view_details(session, reader, world["student"]) is False
    assert permissions.can_edit_guardians(session, reader, world["student"]) is False


def test_staff_class_ids_are_remembered_per_user_within_a_request(app, session, world):
    staff = world["staff"]
    cls_id = world["student"].class_id
    with app.test_request_context():
        assert permissions.staff_class_ids(session, staff["class_teacher"]) == {cls_id}
        assert permissions.staff_class_ids(session, world["a"].users["teacher"]) == set()
        assert permissions.staff_class_ids(session, staff["pedagogue"]) == {cls_id}
