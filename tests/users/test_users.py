"""User management: admins of a school manage that school's users, and nobody else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.users.models import User
from tests.factories import auth, make_school, make_user
from tests.matrix import ROLES, statuses, tenant


@pytest.fixture
def world(app, session):
    a = tenant(session, "A")
    b = tenant(session, "B")
    return a, b


def test_admin_creates_lists_updates_and_deactivates(app, client, session, world):
    a, _b = world
    h = auth(app, a.users["admin"])
    created = client.post(
        "/api/v1/users",
        headers=h,
        json={
            "email": "Ny.Laerer@Example.dk",
            "name": "Ny Lærer",
            "roles": ["teacher"],
            "password": "long-enough-pw",
        },
    )
    assert created.status_code == 201, created.json
    assert created.json["email"] == "ny.laerer@example.dk" and "password" not in created.json
    assert created.headers["Location"].endswith(f"/api/v1/users/{created.json['id']}")
    listing = client.get("/api/v1/users?role=teacher&page_size=100", headers=h).json
    assert "ny.laerer@example.dk" in [u["email"] for u in listing["items"]]
    assert all(u["school"]["id"] == a.school.id for u in listing["items"])
    uid = created.json["id"]
    etag = client.get(f"/api/v1/users/{uid}", headers=h).headers["ETag"]
    upd = client.patch(
        f"/api/v1/users/{uid}",
        headers={**h, "If-Match": etag},
        json={"active": False, "roles": ["teacher", "pedagogue"]},
    )
    assert (
        upd.status_code == 200
        and upd.json["active"] is False
        and upd.json["roles"] == ["pedagogue", "teacher"]
    )
    logged = client.post(
        "/api/v1/auth/login", json={"email": "ny.laerer@example.dk", "password": "long-enough-pw"}
    )
    assert logged.status_code == 401


def test_duplicate_email_is_409(app, client, world):
    a, b = world
    h = auth(app, a.users["admin"])
    body = {
        "email": b.users["teacher"].email,
        "name": "X",
        "roles": ["teacher"],
        "password": "long-enough-pw",
    }
    assert client.post("/api/v1/users", headers=h, json=body).status_code == 409


def test_other_schools_user_is_404_and_audited(app, client, session, world):
    a, b = world
    h = auth(app, a.users["admin"])
    other = b.users["teacher"]
    assert client.get(f"/api/v1/users/{other.id}", headers=h).status_code == 404
    assert (
        client.patch(
            f"/api/v1/users/{other.id}", headers={**h, "If-Match": "*"}, json={"name": "hacked"}
        ).status_code
        == 404
    )
    assert client.get("/api/v1/users/999999", headers=h).status_code == 404
    session.expire_all()
    assert session.get(User, other.id).name != "hacked"
    denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "cross_school_access")).all()
    assert len(denied) == 2 and all(e.outcome == "denied" for e in denied)


def test_role_matrix_for_user_routes(app, client, world):
    a, b = world
    target = a.users["teacher"]
    expected_admin_only = {role: (200 if role == "admin" else 403) for role in ROLES}
    assert statuses(app, client, a.users, "GET", "/api/v1/users") == expected_admin_only
    got = statuses(app, client, a.users, "GET", f"/api/v1/users/{target.id}")
    assert got == {role: (200 if role in ("admin", "teacher") else 403) for role in ROLES}
    got = statuses(
        app,
        client,
        a.users,
        "POST",
        "/api/v1/users",
        json={"email": "x@example.dk", "name": "X", "roles": ["teacher"], "password": "long-enough-pw"},
    )
    assert got["admin"] == 201 and all(got[r] == 403 for r in ROLES if r != "admin")
    got = statuses(
        app,
        client,
        a.users,
        "PATCH",
        f"/api/v1/users/{target.id}",
        json={"name": "Y"},
        headers={"If-Match": "*"},
    )
    assert got["admin"] == 200 and all(got[r] == 403 for r in ROLES if r not in ("admin",))
    # Every role of school B gets 404 for school A's user.
    got = statuses(app, client, b.users, "GET", f"/api/v1/users/{target.id}")
    assert set(got.values()) == {404}


def test_teacher_on_admin_routes_is_403_and_audited(app, client, session, world):
    a, _ = world
    resp = client.get("/api/v1/users", headers=auth(app, a.users["teacher"]))
    assert resp.status_code == 403 and resp.json["code"] == 403
    row = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).first()
    assert row is not None and row.user_id == a.users["teacher"].id


@pytest.mark.parametrize(
    "field",
    [
        {"school_id": 999},
        {"id": 5},
        {"password_hash": "x"},
        {"is_superuser": True},
        {"created_at": "2020-01-01T00:00:00Z"},
    ],
)
def test_mass_assignment_is_422_and_changes_nothing(app, client, session, world, field):
    a, _ = world
    h = auth(app, a.users["admin"])
    target = a.users["teacher"]
    etag = client.get(f"/api/v1/users/{target.id}", headers=h).headers["ETag"]
    resp = client.patch(
        f"/api/v1/users/{target.id}", headers={**h, "If-Match": etag}, json={"name": "Changed", **field}
    )
    assert resp.status_code == 422
    assert set(field) <= set(resp.json["errors"]["json"])
    session.expire_all()
    fresh = session.get(User, target.id)
    assert fresh.name == target.name and fresh.school_id == a.school.id
    create = client.post(
        "/api/v1/users",
        headers=h,
        json={
            "email": "m@example.dk",
            "name": "M",
            "roles": ["teacher"],
            "password": "long-enough-pw",
            **field,
        },
    )
    assert create.status_code == 422
    assert session.scalar(select(User).where(User.email == "m@example.dk")) is None


def test_nobody_gives_themselves_a_role_or_deactivates_themselves(app, client, session, world):
    a, _ = world
    admin = a.users["admin"]
    h = auth(app, admin)
    etag = client.get(f"/api/v1/users/{admin.id}", headers=h).headers["ETag"]
    r = client.patch(
        f"/api/v1/users/{admin.id}", headers={**h, "If-Match": etag}, json={"roles": ["admin", "leader"]}
    )
    assert r.status_code == 403
    r = client.patch(f"/api/v1/users/{admin.id}", headers={**h, "If-Match": etag}, json={"active": False})
    assert r.status_code == 403
    # A teacher cannot edit themselves into an admin either.
    teacher = a.users["teacher"]
    r = client.patch(
        f"/api/v1/users/{teacher.id}",
        headers={**auth(app, teacher), "If-Match": "*"},
        json={"roles": ["admin"]},
    )
    assert r.status_code == 403
    session.expire_all()
    assert session.get(User, teacher.id).roles == ["teacher"]


def test_patch_needs_if_match_and_a_current_one(app, client, world):
    a, _ = world
    h = auth(app, a.users["admin"])
    uid = a.users["teacher"].id
    assert client.patch(f"/api/v1/users/{uid}", headers=h, json={"name": "A"}).status_code == 428
    etag = client.get(f"/api/v1/users/{uid}", headers=h).headers["ETag"]
    assert (
        client.patch(f"/api/v1/users/{uid}", headers={**h, "If-Match": etag}, json={"name": "A"}).status_code
        == 200
    )
    stale = client.patch(f"/api/v1/users/{uid}", headers={**h, "If-Match": etag}, json={"name": "B"})
    assert stale.status_code == 412
    assert client.get(f"/api/v1/users/{uid}", headers=h).json["name"] == "A"


def test_bad_input_is_422_in_the_error_shape(app, client, world):
    a, _ = world
    h = auth(app, a.users["admin"])
    resp = client.post(
        "/api/v1/users",
        headers=h,
        json={"email": "not-an-email", "name": "", "roles": ["king"], "password": "short"},
    )
    assert resp.status_code == 422
    assert set(resp.json["errors"]["json"]) == {"email", "name", "roles", "password"}
    assert client.get("/api/v1/users?page_size=1000", headers=h).status_code == 422


def test_user_search_and_pagination_is_stable(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin", name="Aaa Admin")
    for i in range(7):
        make_user(session, school, "teacher", name=f"Lærer {i:02d}")
    h = auth(app, admin)
    pages = [client.get(f"/api/v1/users?q=lærer&page={p}&page_size=3", headers=h).json for p in (1, 2, 3)]
    assert pages[0]["total"] == 7
    names = [u["name"] for page in pages for u in page["items"]]
    assert names == [f"Lærer {i:02d}" for i in range(7)]


def test_role_change_moves_the_etag_so_a_stale_if_match_is_refused(app, client, session, world):
    a, _ = world
    first_admin, second_admin = a.users["admin"], make_user(session, a.school, "admin")
    target = a.users["teacher"]
    h1, h2 = auth(app, first_admin), auth(app, second_admin)
    read_by_both = client.get(f"/api/v1/users/{target.id}", headers=h1).headers["ETag"]
    assert client.get(f"/api/v1/users/{target.id}", headers=h2).headers["ETag"] == read_by_both
    changed = client.patch(
        f"/api/v1/users/{target.id}", headers={**h1, "If-Match": read_by_both}, json={"roles": ["leader"]}
    )
    assert changed.status_code == 200 and changed.json["roles"] == ["leader"]
    assert changed.headers["ETag"] != read_by_both
    assert client.get(f"/api/v1/users/{target.id}", headers=h2).headers["ETag"] == changed.headers["ETag"]
    # The second admin still holds the old tag: her change would silently undo the first one.
    stale = client.patch(
        f"/api/v1/users/{target.id}",
        headers={**h2, "If-Match": read_by_both},
        json={"roles": ["teacher", "pedagogue"]},
    )
    assert stale.status_code == 412
    assert client.get(f"/api/v1/users/{target.id}", headers=h1).json["roles"] == ["leader"]
    # Setting the roles it already has changes nothing, so the tag stays.
    same = client.patch(
        f"/api/v1/users/{target.id}",
        headers={**h1, "If-Match": changed.headers["ETag"]},
        json={"roles": ["leader"]},
    )
    assert same.status_code == 200 and same.headers["ETag"] == changed.headers["ETag"]
