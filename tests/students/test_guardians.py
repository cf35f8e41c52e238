"""Guardians: seen by the roles that contact parents, every read audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user
from tests.students.factories import make_guardian


@pytest.fixture
def family(app, session):
    school = make_school(session)
    cls = make_class(session, school, name="2.A", grade=2)
    other_cls = make_class(session, school, name="2.B", grade=2)
    student = make_student(session, school, cls, given_name="Alma")
    users = {role: make_user(session, school, role) for role in ("admin", "leader", "resource_person")}
    users["class_teacher"] = make_user(session, school, "teacher")
    users["class_pedagogue"] = make_user(session, school, "pedagogue")
    users["other_teacher"] = make_user(session, school, "teacher")
    users["sfo_staff"] = make_user(session, school, "sfo_staff")
    attach_staff(session, cls, users["class_teacher"], "class_teacher")
    attach_staff(session, cls, users["class_pedagogue"], "pedagogue")
    attach_staff(session, other_cls, users["other_teacher"], "class_teacher")
    mother = make_guardian(session, student, name="Mette Hansen", has_custody=True)
    make_guardian(session, student, name="Henrik Hansen", relation="father", has_custody=False)
    return {"school": school, "student": student, "users": users, "mother": mother}


def test_who_sees_guardians(app, client, family):
    url = f"/api/v1/students/{family['student'].id}/guardians"
    seen = {name: client.get(url, headers=auth(app, u)).status_code for name, u in family["users"].items()}
    assert seen == {
        "admin": 200,
        "leader": 200,
        "resource_person": 200,
        "class_teacher": 200,
        "class_pedagogue": 200,
        "other_teacher": 403,
        "sfo_staff": 403,
    }


def test_guardian_list_custodial_first_and_every_read_audited(app, client, session, family):
    student = family["student"]
    headers = auth(app, family["users"]["class_teacher"])
    resp = client.get(f"/api/v1/students/{student.id}/guardians", headers=headers)
    assert [g["name"] for g in resp.json["items"]] == ["Mette Hansen", "Henrik Hansen"]
    assert resp.json["items"][0]["has_custody"] is True and resp.json["items"][1]["has_custody"] is False
    one = client.get(f"/api/v1/students/{student.id}/guardians/{family['mother'].id}", headers=headers)
    assert one.status_code == 200 and one.json["phone"] == "+45 12 34 56 78"
    client.get(
        f"/api/v1/students/{student.id}/guardians", headers=auth(app, family["users"]["other_teacher"])
    )
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.student_id == student.id).order_by(AuditEntry.id)
    ).all()
    assert [(r.action, r.outcome) for r in rows if r.action in ("guardians_viewed", "denied")] == [
        ("guardians_viewed", "allowed"),
        ("guardians_viewed", "allowed"),
        ("denied", "denied"),
    ]


def test_class_teacher_edits_guardians_but_pedagogue_does_not(app, client, family):
    student = family["student"]
    base = f"/api/v1/students/{student.id}/guardians"
    teacher = auth(app, family["users"]["class_teacher"])
    pedagogue = auth(app, family["users"]["class_pedagogue"])
    body = {
        "name": "Bodil Hansen",
        "relation": "grandparent",
        "phone": "+45 11 22 33 44",
        "has_custody": False,
    }
    assert client.post(base, json=body, headers=pedagogue).status_code == 403
    created = client.post(base, json=body, headers=teacher)
    assert created.status_code == 201, created.json
    gid = created.json["id"]
    assert client.post(base, json={**body, "phone": "call me"}, headers=teacher).status_code == 422
    assert client.post(base, json={**body, "cpr": "1"}, headers=teacher).status_code == 422
    url = f"{base}/{gid}"
    assert client.patch(url, json={"phone": "+45 99"}, headers=teacher).status_code == 428
    changed = client.patch(
        url, json={"email": "bodil@example.dk"}, headers={**teacher, "If-Match": created.headers["ETag"]}
    )
    assert changed.status_code == 200 and changed.json["email"] == "bodil@example.dk"
    assert (
        client.patch(
            url, json={"email": None}, headers={**teacher, "If-Match": created.headers["ETag"]}
        ).status_code
        == 412
    )
    assert client.delete(url, headers=pedagogue).status_code == 403
    assert client.delete(url, headers=teacher).status_code == 204
    assert client.get(url, headers=teacher).status_code == 404


def test_guardian_of_another_student_or_school_is_404(app, client, session, family):
    admin = auth(app, family["users"]["admin"])
    sibling = make_student(session, family["school"])
    assert (
        client.get(
            f"/api/v1/students/{sibling.id}/guardians/{family['mother'].id}", headers=admin
        ).status_code
        == 404
    )
    foreign = make_student(session, make_school(session))
    foreign_guardian = make_guardian(session, foreign)
    assert client.get(f"/api/v1/students/{foreign.id}/guardians", headers=admin).status_code == 404
    url = f"/api/v1/students/{family['student'].id}/guardians/{foreign_guardian.id}"
    assert client.get(url, headers=admin).status_code == 404
