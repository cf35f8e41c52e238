"""Case work: a leader is told of every established bullying case and works it from the phone or laptop."""

from __future__ import annotations

import re

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
    page.get_by_role("heading", name="Beskeder", level=1).wait_for()
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


def _established_case(live_server, description: str) -> dict:
    [student, other] = teacher_students(live_server, 2)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {
            "classification": "bullying",
            "description": description,
            "students": [
                {"student_id": student["id"], "role": "target"},
                {"student_id": other["id"], "role": "actor"},
            ],
        },
        role="teacher",
    )
    live_server.request("POST", f"/api/v1/incidents/{incident['id']}/establish", {}, role="resource_person")
    return incident


def test_pupil_perspective_referrals_and_timeline(page, live_server, screenshot_dir) -> None:
    require(
        live_server,
        ("/api/v1/incidents/{incident_id}/timeline", "get"),
        ("/api/v1/incidents/{incident_id}/referrals", "post"),
        ("/api/v1/incidents/{incident_id}/referrals/{referral_id}", "patch"),
    )
    incident = _established_case(live_server, "Bliver kaldt navne på Snapchat")
    case_path = f"/api/v1/incidents/{incident['id']}"

    login(page, "resource_person")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()

    # The pupil's perspective, saved on the case with its ETag.
    perspective = page.get_by_label("Hvordan oplever eleven det selv?")
    perspective.fill("Jeg tør ikke gå ud i frikvarteret.")
    page.get_by_role("button", name="Gem elevens perspektiv").click()
    page.get_by_role("status").filter(has_text="Gemt.").wait_for()
    assert live_server.request("GET", case_path, role="leader")["pupil_perspective"] == (
        "Jeg tør ikke gå ud i frikvarteret."
    )

    # Someone else changes the case meanwhile: the next save is refused, not silently overwritten.
    _, headers = live_server.exchange("GET", case_path, role="leader")
    live_server.request(
        "PATCH",
        case_path,
        {"pupil_perspective": "Ændret af lederen"},
        role="leader",
        headers={"If-Match": headers["ETag"]},
    )
    perspective.fill("Min version")
    page.get_by_role("button", name="Gem elevens perspektiv").click()
    page.get_by_role("alert").filter(has_text="Nogen har ændret dette imens").wait_for()
    assert live_server.request("GET", case_path, role="leader")["pupil_perspective"] == "Ændret af lederen"
    page.reload()
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    assert page.get_by_label("Hvordan oplever eleven det selv?").input_value() == "Ændret af lederen"

    # Refer the case to SSP, then mark the referral as sent (PATCH with the referral's own ETag).
    page.get_by_text("Ny henvisning").click()
    page.get_by_label("Samarbejdspartner").select_option("ssp")
    page.get_by_label("Navn (kontaktperson eller partner)").fill("SSP Vest, Lone")
    page.get_by_role("button", name="Henvis", exact=True).click()
    card = page.get_by_role("listitem").filter(has_text="SSP: SSP Vest, Lone")
    card.wait_for()
    referral = live_server.request("GET", case_path, role="leader")["referrals"][0]
    assert (referral["partner"], referral["partner_name"], referral["status"]) == (
        "ssp",
        "SSP Vest, Lone",
        "planned",
    )
    card.get_by_label("Status for SSP").select_option("sent")
    card.get_by_role("button", name="Gem status").click()
    # The card's own status line, not its select (whose options always include "Sendt").
    saved_card = page.get_by_role("listitem").filter(has_text="SSP: SSP Vest, Lone")
    saved_card.locator("span.muted").filter(has_text="Sendt").wait_for()
    assert live_server.request("GET", case_path, role="leader")["referrals"][0]["status"] == "sent"

    # The timeline, newest first, tells the case's course in Danish.
    page.get_by_role("heading", name="Sagens forløb").scroll_into_view_if_needed()
    timeline = page.locator("ol.timeline")
    timeline.get_by_text("Henvisning opdateret").wait_for()
    first = timeline.locator("li").first
    assert "Henvisning opdateret" in first.inner_text() and "Planlagt → Sendt" in first.inner_text()
    assert timeline.get_by_text("Mobning konstateret").count() == 1
    assert_no_axe_violations(page, "case with referrals and timeline")
    assert_one_hand_friendly(page, "case")
    screenshot(page, "13-case-timeline")
    page.get_by_role("heading", name="Eksterne samarbejdspartnere").scroll_into_view_if_needed()
    screenshot(page, "14-case-referrals")


def test_reporter_sees_the_course_of_their_case_but_not_the_case_work(page, live_server) -> None:
    require(live_server, ("/api/v1/incidents/{incident_id}/timeline", "get"))
    incident = _established_case(live_server, "Skubbet i garderoben")
    login(page, "teacher")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    page.get_by_role("heading", name="Sagens forløb").wait_for()
    page.locator("ol.timeline").get_by_text("Indberettet").wait_for()
    view = live_server.request("GET", f"/api/v1/incidents/{incident['id']}", role="teacher")["view"]
    if view == "reporter":
        assert page.get_by_role("heading", name="Eksterne samarbejdspartnere").count() == 0
        assert page.get_by_role("heading", name="Elevens perspektiv").count() == 0
    assert_no_axe_violations(page, "case as its reporter")


def _status_buttons(page) -> list[str]:
    """The labels of the case's status buttons ("Skift status til …")."""
    return page.get_by_role("button", name=re.compile(r"^Skift status til ")).all_inner_texts()


def test_status_buttons_follow_what_the_api_allows_this_user(page, live_server) -> None:
    """Class staff who work a case may move it (open → investigating); its reporter alone may not."""
    [student, other] = teacher_students(live_server, 2)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {
            "classification": "bullying",
            "description": "Gemmer en andens madpakke i SFO",
            "students": [
                {"student_id": student["id"], "role": "target"},
                {"student_id": other["id"], "role": "actor"},
            ],
        },
        role="sfo_staff",
    )
    case_path = f"/api/v1/incidents/{incident['id']}"
    heading = re.compile(rf"Sag #{incident['id']}")

    # The class teacher works the case: exactly the moves the API lists, and no owner action.
    as_teacher = live_server.request("GET", case_path, role="teacher")
    assert as_teacher["view"] == "full"
    assert "investigating" in as_teacher["allowed_transitions"]
    login(page, "teacher")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=heading, level=1).wait_for()
    group = page.get_by_role("group", name="Skift status")
    group.get_by_role("button", name="Skift status til Undersøges").wait_for()
    labels = {"open": "Åben", "investigating": "Undersøges", "action_plan": "Handlingsplan"}
    labels |= {"monitoring": "Følges", "closed": "Lukket"}
    expected = sorted(f"Skift status til {labels[s]}" for s in as_teacher["allowed_transitions"])
    assert sorted(_status_buttons(page)) == expected
    assert page.get_by_role("button", name="Konstatér mobning").count() == 0

    group.get_by_role("button", name="Skift status til Undersøges").click()
    page.locator(".pill").filter(has_text="Undersøges").wait_for()
    after = live_server.request("GET", case_path, role="teacher")
    assert after["status"] == "investigating"
    page.get_by_role("button", name="Skift status til Undersøges").wait_for(state="detached")
    expected = sorted(f"Skift status til {labels[s]}" for s in after["allowed_transitions"])
    assert sorted(_status_buttons(page)) == expected
    assert "Skift status til Handlingsplan" not in expected  # owners only
    assert_no_axe_violations(page, "case worked by class staff")

    # The SFO colleague only reported it: the course of the case, but no status buttons.
    logout(page)
    as_reporter = live_server.request("GET", case_path, role="sfo_staff")
    assert (as_reporter["view"], as_reporter["allowed_transitions"]) == ("reporter", [])
    login(page, "sfo_staff")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=heading, level=1).wait_for()
    page.get_by_role("heading", name="Sagens forløb").wait_for()
    assert _status_buttons(page) == []
    assert page.get_by_role("group", name="Skift status").count() == 0
