"""Permission matrix: every route of the students domain, for every role, in its own school and against
another school's objects (always 404)."""

from __future__ import annotations

import io

import pytest

from tests.factories import auth, make_class, make_student
from tests.matrix import CALLERS, CLIENT, ROLES, statuses, tenant
from tests.students.factories import csv_bytes, make_guardian

ALL = dict.fromkeys(CALLERS)


def expect(ok: int, allowed: tuple[str, ...], denied: int = 403) -> dict[str, int]:
    return {role: ok if role in allowed else denied for role in CALLERS}


@pytest.fixture
def world(app, session):
    own, other = tenant(session, "A", with_client=True), tenant(session, "B", with_client=True)
    worlds = {}
    for name, t in (("own", own), ("other", other)):
        cls = make_class(session, t.school, name="3.A", grade=3)
        student = make_student(session, t.school, cls, given_name="Åse", family_name="Østergård")
        worlds[name] = {
            "tenant": t,
            "class": cls,
            "student": student,
            "guardian": make_guardian(session, student),
        }
    return worlds


def own_routes(w, session):
    cls, student, guardian = w["class"], w["student"], w["guardian"]
    staff_user = w["tenant"].users["teacher"]
    s = f"/api/v1/students/{student.id}"
    return [
        ("GET", "/api/v1/classes", {}, expect(200, tuple(CALLERS))),
        ("POST", "/api/v1/classes", {"json": {"name": "9.Z", "grade": 9, "school_year": "2026/27"}}, None),
        ("GET", f"/api/v1/classes/{cls.id}", {}, expect(200, tuple(CALLERS))),
        (
            "PATCH",
            f"/api/v1/classes/{cls.id}",
            {"json": {"grade": 3}, "headers": {"If-Match": "*"}},
            expect(200, ("admin",)),
        ),
        (
            "POST",
            f"/api/v1/classes/{cls.id}/staff",
            {"json": {"user_id": staff_user.id, "role": "teacher"}},
            expect(200, ("admin",)),
        ),
        ("DELETE", f"/api/v1/classes/{cls.id}/staff/{staff_user.id}", {}, None),
        ("GET", "/api/v1/students?q=åse", {}, expect(200, tuple(CALLERS))),
        (
            "POST",
            "/api/v1/students",
            {"json": {"given_name": "Ny", "family_name": "Elev"}},
            expect(201, ("admin",)),
        ),
        ("GET", "/api/v1/students/export", {}, expect(200, ("admin", "leader"))),
        ("POST", "/api/v1/students/import?dry_run=true", "import", expect(200, ("admin",))),
        ("GET", s, {}, expect(200, tuple(CALLERS))),
        ("PATCH", s, {"json": {"sfo_enrolled": True}, "headers": {"If-Match": "*"}}, expect(200, ("admin",))),
        ("GET", f"{s}/log", {}, expect(200, tuple(ROLES))),
        ("GET", f"{s}/guardians", {}, expect(200, ("admin", "leader", "resource_person", CLIENT))),
        (
            "POST",
            f"{s}/guardians",
            {"json": {"name": "Far", "relation": "father"}},
            expect(201, ("admin", "leader")),
        ),
        (
            "GET",
            f"{s}/guardians/{guardian.id}",
            {},
            expect(200, ("admin", "leader", "resource_person", CLIENT)),
        ),
        (
            "PATCH",
            f"{s}/guardians/{guardian.id}",
            {"json": {"has_custody": True}, "headers": {"If-Match": "*"}},
            expect(200, ("admin", "leader")),
        ),
        ("DELETE", f"{s}/guardians/{{guardian}}", "per-role guardian", expect(204, ("admin", "leader"))),
    ]


def test_every_route_for_every_role_in_its_own_school(app, client, session, world):
    w = world["own"]
    users = w["tenant"].users
    for method, url, kwargs, expected in own_routes(w, session):
        if url == "/api/v1/classes" and method == "POST":
            # a new class name per role so the admin's 201 is not a 409 for the next
            got = {
                role: client.post(
                    url,
                    json={"name": f"9.{role}", "grade": 9, "school_year": "2026/27"},
                    headers=auth(app, user),
                ).status_code
                for role, user in users.items()
            }
            assert got == expect(201, ("admin",)), got
            continue
        if method == "DELETE" and "/staff/" in url:
            got = {}
            for role, user in users.items():
                client.post(
                    url.rsplit("/", 1)[0],
                    json={"user_id": users["teacher"].id, "role": "teacher"},
                    headers=auth(app, users["admin"]),
                )
                got[role] = client.delete(url, headers=auth(app, user)).status_code
            assert got == expect(204, ("admin",)), got
            client.delete(url, headers=auth(app, users["admin"]))  # the teacher is not class staff again
            continue
        if kwargs == "per-role guardian":
            got = {}
            for role, user in users.items():
                guardian = make_guardian(session, w["student"])
                got[role] = client.delete(
                    url.format(guardian=guardian.id), headers=auth(app, user)
                ).status_code
            assert got == expected, (method, url, got)
            continue
        if kwargs == "import":
            got = {}
            for role, user in users.items():
                data = {
                    "file": (io.BytesIO(csv_bytes("external_id;given_name;family_name", "E1;A;B")), "r.csv")
                }
                got[role] = client.post(
                    url, data=data, headers=auth(app, user), content_type="multipart/form-data"
                ).status_code
            assert got == expected, (method, url, got)
            continue
        got = statuses(app, client, users, method, url, **kwargs)
        assert got == expected, (method, url, got)


def test_log_scope_per_role(app, client, world):
    w = world["own"]
    url = f"/api/v1/students/{w['student'].id}/log"
    scopes = {
        role: client.get(url, headers=auth(app, user)).json["scope"]
        for role, user in w["tenant"].users.items()
        if role != CLIENT
    }
    assert scopes == {
        role: "full" if role in ("leader", "resource_person") else "own_entries" for role in ROLES
    }


def test_every_route_with_another_schools_object_is_404(app, client, session, world):
    own_users = world["own"]["tenant"].users
    theirs = world["other"]
    cls, student, guardian = theirs["class"], theirs["student"], theirs["guardian"]
    s = f"/api/v1/students/{student.id}"
    staff_user = theirs["tenant"].users["teacher"]
    routes = [
        ("GET", f"/api/v1/classes/{cls.id}", {}),
        ("PATCH", f"/api/v1/classes/{cls.id}", {"json": {"grade": 3}, "headers": {"If-Match": "*"}}),
        ("POST", f"/api/v1/classes/{cls.id}/staff", {"json": {"user_id": staff_user.id, "role": "teacher"}}),
        ("DELETE", f"/api/v1/classes/{cls.id}/staff/{staff_user.id}", {}),
        ("GET", s, {}),
        ("PATCH", s, {"json": {"sfo_enrolled": True}, "headers": {"If-Match": "*"}}),
        ("GET", f"{s}/log", {}),
        ("GET", f"{s}/guardians", {}),
        ("POST", f"{s}/guardians", {"json": {"name": "Far", "relation": "father"}}),
        ("GET", f"{s}/guardians/{guardian.id}", {}),
        (
            "PATCH",
            f"{s}/guardians/{guardian.id}",
            {"json": {"has_custody": True}, "headers": {"If-Match": "*"}},
        ),
        ("DELETE", f"{s}/guardians/{guardian.id}", {}),
        # their guardian through our student
        ("GET", f"/api/v1/students/{world['own']['student'].id}/guardians/{guardian.id}", {}),
    ]
    for method, url, kwargs in routes:
        got = statuses(app, client, own_users, method, url, **kwargs)
        # The client's token opens only its reads; on any other operation it is refused before any lookup
        # (403 whatever the id: nothing about the object is told).
        client_reads = method == "GET" and not url.endswith("/log")
        want = {**dict.fromkeys(ROLES, 404), CLIENT: 404 if client_reads else 403}
        assert got == want, (method, url, got)
    # lists and the export never show another school's students or classes
    for role, user in own_users.items():
        headers = auth(app, user)
        ids = {i["id"] for i in client.get("/api/v1/students?q=åse", headers=headers).json["items"]}
        assert ids == {world["own"]["student"].id}, role
        classes = {c["id"] for c in client.get("/api/v1/classes", headers=headers).json["items"]}
        assert cls.id not in classes, role
    export = client.get(
        "/api/v1/students/export?include_inactive=true", headers=auth(app, own_users["admin"])
    )
    assert export.data.decode("utf-8-sig").count("\r\n") == 2  # header and our one student


def test_unauthenticated_is_401_everywhere(app, client, world):
    w = world["own"]
    s = f"/api/v1/students/{w['student'].id}"
    for method, url in [
        ("GET", "/api/v1/classes"),
        ("POST", "/api/v1/classes"),
        ("GET", f"/api/v1/classes/{w['class'].id}"),
        ("POST", f"/api/v1/classes/{w['class'].id}/staff"),
        ("GET", "/api/v1/students"),
        ("GET", "/api/v1/students/export"),
        ("POST", "/api/v1/students/import"),
        ("GET", s),
        ("GET", f"{s}/log"),
        ("GET", f"{s}/guardians"),
        ("DELETE", f"{s}/guardians/{w['guardian'].id}"),
    ]:
        assert client.open(url, method=method).status_code == 401, (method, url)
