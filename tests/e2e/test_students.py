"""The student screen: found by name, the student log (all of it for the student's adults, own entries for
others, paged by cursor) and the guardians for those the API serves them to."""

from __future__ import annotations

import urllib.error
from typing import Any

import pytest

from tests.e2e.helpers import (
    assert_no_axe_violations,
    assert_one_hand_friendly,
    login,
    logout,
    require,
    screenshot,
    teacher_students,
)

pytestmark = pytest.mark.e2e

NEEDS = (
    ("/api/v1/students", "get"),
    ("/api/v1/students/{student_id}/log", "get"),
    ("/api/v1/students/{student_id}/guardians", "get"),
)


def _open_student(page: Any, student: dict[str, Any]) -> None:
    """Search by two letters from the Elever tab and tap the student."""
    page.get_by_role("link", name="Elever", exact=True).click()
    page.get_by_role("heading", name="Find en elev", level=1).wait_for()
    page.get_by_label("Skriv 2 bogstaver af navnet").fill(student["display_name"][:2])
    page.locator(f"a[href='#/students/{student['id']}']").click()
    page.get_by_role("heading", name=student["display_name"], level=1).wait_for()
    page.get_by_role("heading", name="Elevlog").wait_for()
    page.get_by_text("Henter …").wait_for(state="detached")


def _guardians_status(live_server: Any, student_id: int, role: str) -> int:
    try:
        live_server.request("GET", f"/api/v1/students/{student_id}/guardians", role=role)
        return 200
    except urllib.error.HTTPError as e:
        return e.code


def _student_outside_teachers_classes(live_server: Any) -> dict[str, Any]:
    mine = {c["id"] for c in live_server.all_items("/api/v1/classes?mine=true", "teacher")}
    for s in live_server.all_items("/api/v1/students", "leader"):
        if s["class_id"] not in mine and s["class_id"] is not None:
            return s
    pytest.skip("the demo school has no student outside the demo teacher's classes")


def test_teacher_finds_a_student_of_their_class_with_log_and_guardians(page, live_server) -> None:
    require(live_server, *NEEDS)
    [student] = teacher_students(live_server, 1)
    live_server.request(
        "POST",
        "/api/v1/observations",
        {"student_ids": [student["id"]], "mood": 2, "note": "Sad alene på bænken"},
        role="pedagogue",
    )
    live_server.request(
        "POST",
        "/api/v1/incidents",
        {"classification": "teasing", "students": [{"student_id": student["id"], "role": "target"}]},
        role="teacher",
    )
    assert _guardians_status(live_server, student["id"], "teacher") == 200

    login(page, "teacher")
    _open_student(page, student)
    timeline = page.locator("ol.timeline")
    timeline.get_by_text("Observation").first.wait_for()
    # Each entry is a Danish sentence from the entry's detail, not the API's English summary.
    timeline.get_by_role("link", name="Drilleri indberettet. Elevens rolle: udsat.").first.wait_for()
    timeline.get_by_text("Humør: ked af det (2/5).").first.wait_for()
    timeline.locator("p.log-note", has_text="Sad alene på bænken").first.wait_for()
    assert timeline.locator("[lang=en]").count() == 0
    assert page.get_by_text("Du er ikke blandt elevens nærmeste voksne").count() == 0
    page.get_by_role("heading", name="Forældre og værger").wait_for()
    guardians = live_server.request("GET", f"/api/v1/students/{student['id']}/guardians", role="teacher")
    for g in guardians["items"]:
        page.get_by_text(g["name"], exact=True).wait_for()
    assert_no_axe_violations(page, "student, teacher of the class")
    assert_one_hand_friendly(page, "student")
    screenshot(page, "15-student")
    page.get_by_role("heading", name="Forældre og værger").scroll_into_view_if_needed()
    screenshot(page, "16-student-guardians")

    page.goto("/#/students")
    page.get_by_label("Skriv 2 bogstaver af navnet").fill(student["display_name"][:2])
    page.locator(f"a[href='#/students/{student['id']}']").wait_for()
    assert_no_axe_violations(page, "student search")
    assert_one_hand_friendly(page, "student search")
    screenshot(page, "17-student-search")


def test_other_teacher_sees_only_own_entries_and_no_guardians(page, live_server) -> None:
    require(live_server, *NEEDS)
    student = _student_outside_teachers_classes(live_server)
    # The API decides: a teacher outside the student's class gets own entries only and no guardians.
    log = live_server.request("GET", f"/api/v1/students/{student['id']}/log", role="teacher")
    assert log["scope"] == "own_entries"
    assert _guardians_status(live_server, student["id"], "teacher") == 403
    live_server.request(
        "POST",
        "/api/v1/observations",
        {"student_ids": [student["id"]], "mood": 4, "note": "Hjalp en yngre elev"},
        role="teacher",
    )

    login(page, "teacher")
    _open_student(page, student)
    page.get_by_text("Du er ikke blandt elevens nærmeste voksne").wait_for()
    page.locator("ol.timeline").get_by_text("Observation").first.wait_for()
    assert page.get_by_role("heading", name="Forældre og værger").count() == 0
    assert_no_axe_violations(page, "student, own entries only")
    screenshot(page, "18-student-own-entries")

    # The leader sees the same student's guardians (served to them by the API).
    assert _guardians_status(live_server, student["id"], "leader") == 200
    logout(page)
    login(page, "leader")
    page.goto(f"/#/students/{student['id']}")
    page.get_by_role("heading", name="Forældre og værger").wait_for()
    assert page.get_by_text("Du er ikke blandt elevens nærmeste voksne").count() == 0


def test_student_log_pages_with_the_cursor(page, live_server) -> None:
    require(live_server, *NEEDS, ("/api/v1/observations", "post"))
    [_, student] = teacher_students(live_server, 2)
    same_moment = "2026-01-05T09:30:00Z"  # entries sharing one timestamp must be neither skipped nor repeated
    for i in range(30):
        live_server.request(
            "POST",
            "/api/v1/observations",
            {"student_ids": [student["id"]], "mood": 3, "note": f"Runde {i}", "observed_at": same_moment},
            role="teacher",
        )
    expected = []
    before: dict[str, str] = {}
    while True:
        query = "&".join(f"{k}={v}" for k, v in before.items())
        data = live_server.request(
            "GET", f"/api/v1/students/{student['id']}/log?limit=100&{query}", role="teacher"
        )
        expected += data["items"]
        if not data["has_more"]:
            break
        before = {"before": data["next_before"], "before_key": data["next_before_key"]}

    login(page, "teacher")
    page.goto(f"/#/students/{student['id']}")
    entries = page.locator("ol.timeline > li")
    entries.first.wait_for()
    assert entries.count() == 25
    more = page.get_by_role("button", name="Vis flere")
    while more.count():
        shown = entries.count()
        more.click()
        page.wait_for_function(
            f"() => document.querySelectorAll('ol.timeline > li').length > {shown}", timeout=10_000
        )
    assert len(expected) >= 30  # more than one page of 25
    assert entries.count() == len(expected)  # every entry once: none skipped or repeated across pages
