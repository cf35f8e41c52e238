"""Students: admins add and change them, ETags guard updates, no CPR, leaving archives them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.core.audit import AuditEntry
from api.core.timeutil import local_date
from tests.factories import auth, make_class, make_school, make_student, make_user


def setup(app, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    teacher = make_user(session, school, "teacher")
    cls = make_class(session, school, name="4.A", grade=4)
    return school, auth(app, admin), auth(app, teacher), cls


def test_admin_adds_a_student_and_teachers_find_them(app, client, session):
    _school, admin, teacher, cls = setup(app, session)
    resp = client.post(
        "/api/v1/students",
        json={"given_name": " Søren ", "family_name": "Kjær", "class_id": cls.id, "external_id": "X1"},
        headers=admin,
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["given_name"] == "Søren" and resp.json["class_name"] == "4.A" and resp.json["grade"] == 4
    assert resp.headers["ETag"] and resp.headers["Location"].endswith(f"/students/{resp.json['id']}")
    found = client.get("/api/v1/students", query_string={"q": "sør"}, headers=teacher).json["items"]
    assert [s["id"] for s in found] == [resp.json["id"]]
    one = client.get(f"/api/v1/students/{resp.json['id']}", headers=teacher)
    assert one.status_code == 200 and one.json["display_name"] == "Søren Kjær"


def test_cpr_and_other_unknown_fields_are_refused(app, client, session):
    _school, admin, _teacher, _cls = setup(app, session)
    resp = client.post(
        "/api/v1/students",
        json={"given_name": "A", "family_name": "B", "cpr": "010101-1234"},
        headers=admin,
    )
    assert resp.status_code == 422 and "cpr" in str(resp.json["errors"])
    student = make_student(session, _school)
    etag = client.get(f"/api/v1/students/{student.id}", headers=admin).headers["ETag"]
    resp = client.patch(
        f"/api/v1/students/{student.id}", json={"cpr": "x"}, headers={**admin, "If-Match": etag}
    )
    assert resp.status_code == 422


def test_teacher_cannot_add_or_change_students(app, client, session):
    school, _admin, teacher, _cls = setup(app, session)
    assert (
        client.post(
            "/api/v1/students", json={"given_name": "A", "family_name": "B"}, headers=teacher
        ).status_code
        == 403
    )
    student = make_student(session, school)
    resp = client.patch(
        f"/api/v1/students/{student.id}", json={"given_name": "C"}, headers={**teacher, "If-Match": "*"}
    )
    assert resp.status_code == 403


def test_update_needs_the_current_etag(app, client, session):
    school, admin, _teacher, cls = setup(app, session)
    student = make_student(session, school, given_name="Ida")
    url = f"/api/v1/students/{student.id}"
    assert client.patch(url, json={"given_name": "Idun"}, headers=admin).status_code == 428
    etag = client.get(url, headers=admin).headers["ETag"]
    first = client.patch(
        url, json={"given_name": "Idun", "class_id": cls.id}, headers={**admin, "If-Match": etag}
    )
    assert first.status_code == 200 and first.json["class_name"] == "4.A"
    stale = client.patch(url, json={"given_name": "Iben"}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(url, headers=admin).json["given_name"] == "Idun"


def test_external_id_is_unique_and_classes_must_be_the_schools(app, client, session):
    school, admin, _teacher, _cls = setup(app, session)
    make_student(session, school, external_id="UNI1")
    dup = client.post(
        "/api/v1/students", json={"given_name": "A", "family_name": "B", "external_id": "UNI1"}, headers=admin
    )
    assert dup.status_code == 409
    other_class = make_class(session, make_school(session))
    resp = client.post(
        "/api/v1/students",
        json={"given_name": "A", "family_name": "B", "class_id": other_class.id},
        headers=admin,
    )
    assert resp.status_code == 422 and "class_id" in resp.json["errors"]


def test_leaving_archives_the_student_and_coming_back_restores(app, client, session):
    school, admin, teacher, _cls = setup(app, session)
    student = make_student(session, school, given_name="Vilma", family_name="Skov")
    url = f"/api/v1/students/{student.id}"
    etag = client.get(url, headers=admin).headers["ETag"]
    future = (local_date() + timedelta(days=3)).isoformat()
    assert client.patch(url, json={"left_on": future}, headers={**admin, "If-Match": etag}).status_code == 422
    today = local_date().isoformat()
    resp = client.patch(url, json={"left_on": today}, headers={**admin, "If-Match": etag})
    assert resp.status_code == 200 and resp.json["active"] is False and resp.json["left_on"] == today
    assert client.get("/api/v1/students", query_string={"q": "vil"}, headers=teacher).json["total"] == 0
    listed = client.get(
        "/api/v1/students", query_string={"q": "vil", "include_inactive": "true"}, headers=teacher
    )
    assert listed.json["total"] == 1
    # the record stays
    assert client.get(url, headers=teacher).status_code == 200
    back = client.patch(url, json={"left_on": None}, headers={**admin, "If-Match": resp.headers["ETag"]})
    assert back.json["active"] is True and back.json["left_on"] is None
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.student_id == student.id)).all()
    assert "student_left" in actions and "student_viewed" in actions


def test_another_schools_student_is_404(app, client, session):
    _school, admin, teacher, _cls = setup(app, session)
    foreign = make_student(session, make_school(session))
    assert client.get(f"/api/v1/students/{foreign.id}", headers=teacher).status_code == 404
    resp = client.patch(
        f"/api/v1/students/{foreign.id}", json={"given_name": "X"}, headers={**admin, "If-Match": "*"}
    )
    assert resp.status_code == 404
    denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "cross_school_access")).all()
    assert denied and all(e.outcome == "denied" for e in denied)


def test_ids_beyond_the_integer_range_are_404_not_500(app, client, session):
    _school, admin, _teacher, _cls = setup(app, session)
    for url in (
        "/api/v1/students/6770287391",
        "/api/v1/classes/6770287391",
        "/api/v1/students/1/guardians/9999999999",
    ):
        assert client.get(url, headers=admin).status_code == 404, url
