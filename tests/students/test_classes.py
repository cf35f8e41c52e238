"""Classes and the staff attached to them."""

from __future__ import annotations

from tests.factories import attach_staff, auth, make_class, make_school, make_user


def test_admin_creates_and_renames_a_class(app, client, session):
    school = make_school(session)
    admin = auth(app, make_user(session, school, "admin"))
    resp = client.post(
        "/api/v1/classes", json={"name": "Udskoling 8-9", "grade": 8, "school_year": "2026/27"}, headers=admin
    )
    assert resp.status_code == 201, resp.json
    assert resp.json == {
        "id": resp.json["id"],
        "name": "Udskoling 8-9",
        "grade": 8,
        "school_year": "2026/27",
        "staff": [],
        "updated_at": resp.json["updated_at"],
        "etag": resp.headers["ETag"],
    }
    dup = client.post(
        "/api/v1/classes", json={"name": "udskoling 8-9", "grade": 9, "school_year": "2026/27"}, headers=admin
    )
    assert dup.status_code == 409
    other_year = client.post(
        "/api/v1/classes", json={"name": "Udskoling 8-9", "grade": 8, "school_year": "2027/28"}, headers=admin
    )
    assert other_year.status_code == 201
    bad_year = client.post(
        "/api/v1/classes", json={"name": "1.A", "grade": 1, "school_year": "2026/28"}, headers=admin
    )
    assert bad_year.status_code == 422
    url = f"/api/v1/classes/{resp.json['id']}"
    assert client.patch(url, json={"name": "8.X"}, headers=admin).status_code == 428
    renamed = client.patch(url, json={"name": "8.X"}, headers={**admin, "If-Match": resp.headers["ETag"]})
    assert renamed.status_code == 200 and renamed.json["name"] == "8.X"


def test_staff_attach_detach_and_my_classes(app, client, session):
    school = make_school(session)
    admin = auth(app, make_user(session, school, "admin"))
    teacher_user = make_user(session, school, "teacher", name="Tina Lærer")
    teacher = auth(app, teacher_user)
    a = make_class(session, school, name="3.A", grade=3)
    b = make_class(session, school, name="3.B", grade=3)
    make_class(session, school, name="4.A", grade=4)
    resp = client.post(
        f"/api/v1/classes/{a.id}/staff",
        json={"user_id": teacher_user.id, "role": "class_teacher"},
        headers=admin,
    )
    assert resp.status_code == 200 and resp.json["staff"] == [
        {"user_id": teacher_user.id, "name": "Tina Lærer", "role": "class_teacher"}
    ]
    client.post(
        f"/api/v1/classes/{b.id}/staff", json={"user_id": teacher_user.id, "role": "teacher"}, headers=admin
    )
    # attaching again changes the role instead of duplicating
    again = client.post(
        f"/api/v1/classes/{b.id}/staff", json={"user_id": teacher_user.id, "role": "pedagogue"}, headers=admin
    )
    assert again.json["staff"] == [{"user_id": teacher_user.id, "name": "Tina Lærer", "role": "pedagogue"}]
    mine = client.get("/api/v1/classes", query_string={"mine": "true"}, headers=teacher).json
    assert [c["name"] for c in mine["items"]] == ["3.A", "3.B"] and mine["total"] == 2
    everyone = client.get("/api/v1/classes", headers=teacher).json
    assert [c["name"] for c in everyone["items"]] == ["3.A", "3.B", "4.A"]
    assert client.get("/api/v1/classes", query_string={"grade": 4}, headers=teacher).json["total"] == 1
    assert client.delete(f"/api/v1/classes/{b.id}/staff/{teacher_user.id}", headers=admin).status_code == 204
    assert client.delete(f"/api/v1/classes/{b.id}/staff/{teacher_user.id}", headers=admin).status_code == 404
    assert [c["name"] for c in client.get("/api/v1/classes?mine=true", headers=teacher).json["items"]] == [
        "3.A"
    ]


def test_staff_must_be_active_staff_of_the_same_school(app, client, session):
    school = make_school(session)
    admin = auth(app, make_user(session, school, "admin"))
    cls = make_class(session, school)
    stranger = make_user(session, make_school(session), "teacher")
    gone = make_user(session, school, "teacher", active=False)
    for user in (stranger, gone):
        resp = client.post(
            f"/api/v1/classes/{cls.id}/staff", json={"user_id": user.id, "role": "teacher"}, headers=admin
        )
        assert resp.status_code == 422
    assert (
        client.post(
            f"/api/v1/classes/{cls.id}/staff", json={"user_id": 1, "role": "boss"}, headers=admin
        ).status_code
        == 422
    )


def test_non_admins_cannot_change_classes(app, client, session):
    school = make_school(session)
    leader_user = make_user(session, school, "leader")
    leader = auth(app, leader_user)
    cls = make_class(session, school)
    attach_staff(session, cls, leader_user, "teacher")
    assert (
        client.post(
            "/api/v1/classes", json={"name": "1.A", "grade": 1, "school_year": "2026/27"}, headers=leader
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/v1/classes/{cls.id}", json={"name": "Z"}, headers={**leader, "If-Match": "*"}
        ).status_code
        == 403
    )
    assert (
        client.delete(f"/api/v1/classes/{cls.id}/staff/{leader_user.id}", headers=leader).status_code == 403
    )
    foreign = make_class(session, make_school(session))
    assert client.get(f"/api/v1/classes/{foreign.id}", headers=leader).status_code == 404


def test_class_names_are_compared_case_folded_the_same_on_every_database(app, client, session):
    """ "Ærø 8" twice was 500 on SQLite, and "Øst 9" / "øst 9" were both accepted there: SQL lower()
    folds only ASCII on SQLite. Both are one name now, on SQLite and PostgreSQL alike."""
    school = make_school(session)
    admin = auth(app, make_user(session, school, "admin"))

    def create(name):
        return client.post(
            "/api/v1/classes", json={"name": name, "grade": 8, "school_year": "2026/27"}, headers=admin
        )

    assert create("Ærø 8").status_code == 201
    again = create("Ærø 8")
    assert again.status_code == 409 and "name" in again.json["errors"]
    assert create("Øst 9").status_code == 201
    for variant in ("øst 9", "ØST 9", " Øst  9 "):
        resp = create(variant)
        assert resp.status_code == 409 and "name" in resp.json["errors"], variant
    other = create("Vest 9")
    url = f"/api/v1/classes/{other.json['id']}"
    renamed = client.patch(url, json={"name": "øST 9"}, headers={**admin, "If-Match": other.headers["ETag"]})
    assert renamed.status_code == 409 and "name" in renamed.json["errors"]
    # Changing only the case of a class's own name is fine.
    own = client.patch(url, json={"name": "VEST 9"}, headers={**admin, "If-Match": other.headers["ETag"]})
    assert own.status_code == 200 and own.json["name"] == "VEST 9"
