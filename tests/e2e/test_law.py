"""The law's screens as a leader uses them: the strategy and its versions, the information duty and a complaint on
the case page, and the access export on the student page; each screen clean under axe."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import assert_no_axe_violations, login, require, screenshot, teacher_students

pytestmark = pytest.mark.e2e


def test_leader_sees_the_strategy_and_can_add_a_version(page, live_server, screenshot_dir) -> None:
    require(live_server, ("/api/v1/strategy/versions", "get"))
    login(page, "leader")
    page.goto("/#/strategy")
    page.get_by_role("heading", name="Antimobbestrategi", level=1).wait_for()
    page.get_by_role(
        "heading", name=re.compile(r"Antimobbestrategi for Vestrup Skole \(Version 1\)")
    ).wait_for()
    page.get_by_role("heading", name="Digital mobning").wait_for()
    assert page.get_by_role("link", name="Udskriv til forældremødet").get_attribute("href").endswith("/print")
    assert_no_axe_violations(page, "strategy")
    screenshot(page, "30-leader-strategy")
    page.get_by_role("button", name="Tilføj ny version").click()
    page.get_by_role("heading", name="Ny version", level=2).wait_for()
    assert_no_axe_violations(page, "strategy-new-version")


def _established_case(live_server) -> dict:
    [student, other] = teacher_students(live_server, 2)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {
            "classification": "bullying",
            "description": "Skubbet i skolegården igen",
            "students": [
                {"student_id": student["id"], "role": "target"},
                {"student_id": other["id"], "role": "actor"},
            ],
        },
        role="teacher",
    )
    live_server.request("POST", f"/api/v1/incidents/{incident['id']}/establish", {}, role="leader")
    return incident


def test_leader_records_who_was_informed_and_a_complaint(page, live_server, screenshot_dir) -> None:
    require(
        live_server,
        ("/api/v1/incidents/{incident_id}/information", "get"),
        ("/api/v1/incidents/{incident_id}/complaints", "post"),
    )
    incident = _established_case(live_server)
    login(page, "leader")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    info = page.get_by_role("region", name="Orientering")
    info.get_by_text(re.compile(r"er endnu ikke orienteret")).wait_for()
    info.get_by_label("Hvem blev orienteret").select_option(index=1)
    info.get_by_label("Hvordan").select_option("phone")
    info.get_by_label("Kort note").fill("Ringede efter skoletid")
    info.get_by_role("button", name="Registrér orientering").click()
    info.get_by_text("Ringede efter skoletid").wait_for()
    duty = live_server.request("GET", f"/api/v1/incidents/{incident['id']}/information", role="leader")
    assert [p["informed"] for p in duty["people"]].count(True) == 1

    complaints = page.get_by_role("region", name="Klager")
    complaints.get_by_text("Ingen klager over sagen.").wait_for()
    complaints.get_by_label("Klager (navn)").fill("Forælder Jensen")
    complaints.get_by_label("Klagen", exact=True).fill("Skolen greb ikke ind i tide.")
    complaints.get_by_role("button", name="Registrér klage").click()
    complaints.get_by_role("link", name="Hent sagsakt (PDF)").wait_for()
    complaints.get_by_role("button", name="Registrér afgørelse").wait_for()
    assert_no_axe_violations(page, "case-law")
    screenshot(page, "31-leader-case-information-complaint")


def test_leader_finds_the_access_export_on_the_student_page(page, live_server, screenshot_dir) -> None:
    require(live_server, ("/api/v1/students/{student_id}/access-export", "get"))
    [student] = teacher_students(live_server, 1)
    login(page, "leader")
    page.goto(f"/#/students/{student['id']}")
    page.get_by_role("heading", name=student["display_name"], level=1).wait_for()
    link = page.get_by_role("link", name="Hent indsigt (PDF)")
    link.wait_for()
    assert link.get_attribute("href") == f"/api/v1/students/{student['id']}/access-export?format=pdf"
    assert_no_axe_violations(page, "student-access-export")
