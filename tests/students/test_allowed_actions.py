"""The student's page and the class list say what the reader may do from them, by the same rules the writes
check: each flag is held to what the API then accepts, for every role and an API client."""

from __future__ import annotations

from tests.factories import auth, make_class, make_student
from tests.matrix import statuses, tenant


def test_the_student_read_offers_the_access_export_to_exactly_whom_it_serves(app, client, session):
    a = tenant(session, "A", with_client=True)
    student = make_student(session, a.school, make_class(session, a.school))
    url = f"/api/v1/students/{student.id}"
    exported = statuses(app, client, a.users, "GET", f"{url}/access-export?format=json")
    for caller, user in a.users.items():
        read = client.get(url, headers=auth(app, user))
        assert read.status_code == 200, caller
        offered = "export_access" in read.json["allowed_actions"]
        assert offered == (exported[caller] == 200), caller
    assert exported["leader"] == 200 and exported["teacher"] == 403


def test_the_class_list_says_who_manages_classes(app, client, session):
    a = tenant(session, "A", with_client=True)
    made = statuses(
        app,
        client,
        a.users,
        "POST",
        "/api/v1/classes",
        json={"name": "9Z", "grade": 9, "school_year": "2026/27"},
    )
    for caller, user in a.users.items():
        page = client.get("/api/v1/classes", headers=auth(app, user))
        assert page.status_code == 200, caller
        assert page.json["can_manage"] == (made[caller] == 201), (caller, made[caller])
    assert made["admin"] == 201 and made["leader"] == 403
