"""Case work: a leader is told of every established bullying case and works it from the phone or laptop."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import assert_no_axe_violations, login, require, screenshot, teacher_students

pytestmark = pytest.mark.e2e


def test_leader_sees_notification_of_established_bullying_and_opens_the_case(
    page, live_server, screenshot_dir
) -> None:
    require(
        live_server,
        ("/api/v1/incidents", "post"),
        ("/api/v1/incidents/{incident_id}/establish", "post"),
        ("/api/v1/notifications", "get"),
        ("/api/v1/classes", "get"),
        ("/api/v1/students", "get"),
    )
    [student, other] = teacher_students(live_server, 2)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {
            "classification": "bullying",
            "place": "schoolyard",
            "description": "Holdes udenfor i frikvarteret igen",
            "students": [
                {"student_id": student["id"], "role": "target"},
                {"student_id": other["id"], "role": "actor"},
            ],
        },
        role="teacher",
    )
    live_server.request("POST", f"/api/v1/incidents/{incident['id']}/establish", {}, role="resource_person")

    login(page, "leader")
    page.get_by_role("heading", name="Notifikationer", level=1).wait_for()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Åbn sag")).first
    card.wait_for()
    assert_no_axe_violations(page, "notifications")
    screenshot(page, "07-leader-notifications")

    page.locator(f"a[href='#/cases/{incident['id']}']").first.click()
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    page.get_by_role("heading", name="De fem parter").wait_for()
    assert page.get_by_role("heading", level=3).count() == 5  # the five audiences
    page.get_by_text(
        re.compile(r"Frist: .*uge \d+")
    ).first.wait_for()  # the action plan's deadline, with week
    assert_no_axe_violations(page, "case")
    screenshot(page, "08-leader-case")

    # Tick an audience action and save it (ETag / If-Match round trip).
    students = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="De involverede elever")
    )
    students.get_by_role("button", name="Samtale").click()
    students.get_by_role("button", name="Gem").click()
    page.get_by_role("heading", name="De involverede elever").wait_for()
    saved = live_server.request("GET", f"/api/v1/incidents/{incident['id']}", role="leader")
    audience = next(a for a in saved["audiences"] if a["audience"] == "students")
    assert audience["actions"] == ["talk"]

    page.goto("/#/cases")
    page.get_by_role("heading", name="Sager", level=1).wait_for()
    page.get_by_text("Henter …").wait_for(state="detached")
    assert_no_axe_violations(page, "cases")
    screenshot(page, "09-leader-cases")
