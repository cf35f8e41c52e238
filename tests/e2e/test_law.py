"""The law's screens as a leader uses them: the strategy and its versions, the information duty and a complaint on
the case page, and the access export on the student page; each screen clean under axe."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.e2e.helpers import (
    assert_no_axe_violations,
    established_case,
    login,
    require,
    screenshot,
    teacher_students,
)

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


def test_a_teacher_reads_the_strategy_without_the_form_for_a_new_version(page, live_server) -> None:
    """The API says who may record a new version (can_add_version); a teacher reads the strategy only."""
    login(page, "teacher")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/strategy/review")) as review:
        page.goto("/#/strategy")
    assert review.value.json()["can_add_version"] is False
    page.get_by_role("heading", name="Digital mobning").wait_for()
    assert page.get_by_role("button", name="Tilføj ny version").count() == 0


def test_leader_records_a_new_version_the_board_adopted(page, live_server) -> None:
    """The new version's form, filled from the version in force, saves a version the API numbers next."""
    require(live_server, ("/api/v1/strategy/versions", "post"))
    before = live_server.all_items("/api/v1/strategy/versions", "leader")
    today = date.today()
    applies = today.replace(year=today.year + 1, day=1)  # later: the version in force stays in force here
    login(page, "leader")
    page.goto("/#/strategy")
    page.get_by_role("button", name="Tilføj ny version").click()
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Ny version", level=2))
    form.get_by_label("Titel").fill("Antimobbestrategi for Vestrup Skole, revideret")
    form.get_by_label("Digital mobning").fill("Vi taler med klasserne om god tone på nettet hvert efterår.")
    form.get_by_label("Vedtaget af").fill("Skolebestyrelsen")
    form.get_by_label("Vedtaget den").fill(today.isoformat())
    form.get_by_label("Gælder fra").fill(applies.isoformat())
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/strategy/versions") and r.request.method == "POST"
    ) as sent:
        form.get_by_role("button", name="Gem version").click()
    assert sent.value.status == 201
    form.wait_for(state="detached")
    after = live_server.all_items("/api/v1/strategy/versions", "leader")
    [new] = [v for v in after if v["id"] not in {b["id"] for b in before}]
    saved = live_server.request("GET", f"/api/v1/strategy/versions/{new['id']}", role="leader")
    assert (saved["number"], saved["title"], saved["adopted_by"], saved["applies_from"]) == (
        max(v["number"] for v in before) + 1,
        "Antimobbestrategi for Vestrup Skole, revideret",
        "Skolebestyrelsen",
        applies.isoformat(),
    )
    assert saved["digital_bullying"] == "Vi taler med klasserne om god tone på nettet hvert efterår."
    page.get_by_role("button", name=re.compile(rf"^Version {saved['number']}: ")).wait_for()


def _established_case(live_server) -> dict:
    return established_case(live_server, "Skubbet i skolegården igen", by="leader")


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
    [stored] = live_server.request("GET", f"/api/v1/incidents/{incident['id']}/complaints", role="leader")[
        "items"
    ]
    assert (stored["complainant_name"], stored["complaint_text"], stored["status"]) == (
        "Forælder Jensen",
        "Skolen greb ikke ind i tide.",
        "received",
    )
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


def test_a_teacher_is_not_offered_the_access_export(page, live_server) -> None:
    """The student's read says who may produce the export (a leader); the page offers it by that alone."""
    [student] = teacher_students(live_server, 1)
    assert (
        live_server.request("GET", f"/api/v1/students/{student['id']}", role="teacher")["allowed_actions"]
        == []
    )
    login(page, "teacher")
    page.goto(f"/#/students/{student['id']}")
    page.get_by_role("heading", name=student["display_name"], level=1).wait_for()
    page.get_by_role("heading", name="Forældre og værger").wait_for()
    assert page.get_by_role("link", name="Hent indsigt (PDF)").count() == 0


def _guardian_complains(live_server, incident: dict, name: str, text: str) -> dict:
    """A guardian's complaint about the case, received today, recorded by the leader."""
    return live_server.request(
        "POST",
        f"/api/v1/incidents/{incident['id']}/complaints",
        {
            "student_id": incident["students"][0]["id"],
            "complainant_kind": "guardian",
            "complainant_name": name,
            "received_on": date.today().isoformat(),
            "complaint_text": text,
        },
        role="leader",
    )


def _complaint(live_server, incident_id: int) -> dict:
    [complaint] = live_server.request("GET", f"/api/v1/incidents/{incident_id}/complaints", role="leader")[
        "items"
    ]
    return complaint


def _step(page, complaints, button: str, path: str) -> None:
    """Press a complaint step's button and wait for its write (and the list read after it)."""
    with page.expect_response(lambda r: r.url.endswith(path) and r.request.method == "POST") as sent:
        complaints.get_by_role("button", name=button).click()
    assert sent.value.status == 200, sent.value.text()


def test_a_complaint_is_decided_answered_forwarded_and_closed(page, live_server) -> None:
    """Every step of a complaint from its case: the municipality's decision, the complainant's answer, the
    forwarding to the national body (named on the form when the deployment names none), and closing."""
    require(live_server, ("/api/v1/complaints/{complaint_id}/forward", "post"))
    incident = _established_case(live_server)
    _guardian_complains(live_server, incident, "Forælder Hansen", "Mobningen fortsætter.")
    cid = _complaint(live_server, incident["id"])["id"]
    login(page, "leader")
    page.goto(f"/#/cases/{incident['id']}")
    complaints = page.get_by_role("region", name="Klager")
    complaints.get_by_label("Kommunens afgørelse").select_option(label="Delvis medhold")
    complaints.get_by_label("Afgørelsen").fill("Skolen laver en ny handlingsplan.")
    _step(page, complaints, "Registrér afgørelse", f"/complaints/{cid}/decision")
    stored = _complaint(live_server, incident["id"])
    assert (stored["status"], stored["decision_outcome"], stored["decision_text"]) == (
        "decided",
        "partly_upheld",
        "Skolen laver en ny handlingsplan.",
    )

    complaints.get_by_label("Klagerens bemærkninger").fill("Vi er ikke enige.")
    _step(page, complaints, "Registrér bemærkninger", f"/complaints/{cid}/answer")
    stored = _complaint(live_server, incident["id"])
    assert (stored["status"], stored["complainant_satisfied"], stored["complainant_answer"]) == (
        "answered",
        False,
        "Vi er ikke enige.",
    )

    complaints.get_by_label("Klageinstans (navn)").fill("Børne- og Undervisningsministeriet")
    _step(page, complaints, "Videresend klagen", f"/complaints/{cid}/forward")
    stored = _complaint(live_server, incident["id"])
    assert (stored["status"], stored["forwarded_to"]) == ("forwarded", "Børne- og Undervisningsministeriet")
    complaints.get_by_text("Videresendt til Børne- og Undervisningsministeriet").wait_for()

    _step(page, complaints, "Afslut klagen", f"/complaints/{cid}/close")
    assert _complaint(live_server, incident["id"])["status"] == "closed"
    complaints.get_by_role("button", name="Afslut klagen").wait_for(state="detached")
    assert_no_axe_violations(page, "complaint closed")


def test_a_satisfied_complainant_is_not_offered_forwarding(page, live_server) -> None:
    """Once the complainant is satisfied, the API offers closing only, and so does the case page."""
    incident = _established_case(live_server)
    complaint = _guardian_complains(live_server, incident, "Forælder Berg", "Vi blev ikke orienteret.")
    live_server.request(
        "POST",
        f"/api/v1/complaints/{complaint['id']}/decision",
        {
            "decision_outcome": "upheld",
            "decision_text": "Klagen gives medhold.",
            "decided_on": date.today().isoformat(),
        },
        role="leader",
    )
    login(page, "leader")
    page.goto(f"/#/cases/{incident['id']}")
    complaints = page.get_by_role("region", name="Klager")
    complaints.get_by_label("Klageren er tilfreds med afgørelsen").check()
    _step(page, complaints, "Registrér bemærkninger", f"/complaints/{complaint['id']}/answer")
    stored = _complaint(live_server, incident["id"])
    assert (stored["status"], stored["complainant_satisfied"], stored["allowed_steps"]) == (
        "answered",
        True,
        ["closed"],
    )
    complaints.get_by_role("button", name="Afslut klagen").wait_for()
    assert complaints.get_by_role("button", name="Videresend klagen").count() == 0
    _step(page, complaints, "Afslut klagen", f"/complaints/{complaint['id']}/close")
    assert _complaint(live_server, incident["id"])["status"] == "closed"
