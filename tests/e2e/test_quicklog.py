"""The quick log: a teacher in the schoolyard logs in a few taps, and nothing is recorded twice.

Issue 11 items 1-3 (roles asked, place and time up front, a receipt to trust) and the measured tap count and
double tap live here; what happens to a log after "Gem" (the outbox, "Fortryd") is in test_outbox.py."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.helpers import (
    assert_no_axe_violations,
    incident_ids,
    login,
    outbox_count,
    require,
    screenshot,
    teacher_students,
    wait_for_roster,
)
from tests.e2e.quicklog_steps import (
    NEEDS,
    Taps,
    in_view,
    log_incident,
    newest_incident,
    receipt,
    role_button,
    start_observation,
    student_button,
)

pytestmark = pytest.mark.e2e

CPH = ZoneInfo("Europe/Copenhagen")


def test_quick_log_online_four_taps_and_two_letters(page, live_server, screenshot_dir) -> None:
    """Measured: from an open app to a saved incident with one student, a role, a category and a place."""
    require(live_server, *NEEDS)
    [student] = teacher_students(live_server, 1)
    before = incident_ids(live_server)
    login(page, "teacher")
    page.get_by_role("heading", name="Hvad skete der?").wait_for()
    wait_for_roster(page)
    assert_no_axe_violations(page, "quick log")
    screenshot(page, "02-quicklog")
    taps = Taps(page)
    name = student["display_name"]
    taps.type(name[:2])
    taps(student_button(page, name).first)
    taps(page.get_by_role("button", name="Mobning", exact=True))
    # A lone student in a bullying case is "Udsat", and it shows.
    assert role_button(page, name, "Udsat").get_attribute("aria-pressed") == "true"
    taps(page.get_by_role("button", name="Skolegården", exact=True))
    taps(page.get_by_role("button", name="Gem", exact=True))
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    print(
        f"\nquick log, first log on this phone: {taps.count} taps, {taps.keys} keys, {taps.scrolls} scrolls"
        " (one student, role Udsat, Mobning, Skolegården)"
    )
    assert (taps.count, taps.keys, taps.scrolls) == (4, 2, 0)
    incident = newest_incident(live_server, before)
    assert incident["classification"] == "bullying" and incident["place"] == "schoolyard"
    assert [(s["id"], s["role"]) for s in incident["students"]] == [(student["id"], "target")]
    # The receipt names what was saved and about whom.
    assert f"Mobning: {name} (udsat)" in receipt(page).inner_text()

    # The next log: the place is remembered on the phone, so four taps cover an explicit role too.
    before = incident_ids(live_server)
    assert page.get_by_role("button", name="Skolegården", exact=True).get_attribute("aria-pressed") == "true"
    again = Taps(page)
    log_incident(page, name, "Udelukkelse", again, role="Udøver")
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    print(
        f"quick log, next log (place remembered, role tapped): {again.count} taps, {again.keys} keys, {again.scrolls} scrolls"
    )
    assert (again.count, again.keys, again.scrolls) == (4, 2, 0)
    incident = newest_incident(live_server, before)
    assert incident["place"] == "schoolyard" and incident["students"][0]["role"] == "actor"
    # The student is now one tap away under "Seneste".
    page.get_by_role("button", name="Seneste").click()
    student_button(page, name).wait_for()
    assert_no_axe_violations(page, "quick log, recent")


def test_each_students_role_is_asked_never_guessed_from_tap_order(page, live_server) -> None:
    """Item 1: two students and no roles asks for them; the bully tapped first is recorded as the actor."""
    require(live_server, *NEEDS)
    bully, victim = teacher_students(live_server, 2)
    before = incident_ids(live_server)
    login(page, "teacher")
    wait_for_roster(page)
    for s in (bully, victim):
        page.keyboard.type(s["display_name"][:2])
        student_button(page, s["display_name"]).first.click()
        page.locator("input[name=student-search]").focus()
    page.get_by_role("button", name="Konflikt", exact=True).click()
    page.get_by_role("button", name="Gem", exact=True).click()
    page.get_by_role("alert").filter(has_text="Vælg hver elevs rolle.").wait_for()
    assert incident_ids(live_server) == before
    assert_no_axe_violations(page, "quick log, roles missing")
    screenshot(page, "02b-quicklog-roles-missing")
    for s, role in ((bully, "Udøver"), (victim, "Udsat")):
        button = role_button(page, s["display_name"], role)
        assert button.bounding_box()["height"] >= 44  # large enough to tap
        button.click()
    page.get_by_role("button", name="Gem", exact=True).click()
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    incident = newest_incident(live_server, before)
    roles = {s["id"]: s["role"] for s in incident["students"]}
    assert roles == {bully["id"]: "actor", victim["id"]: "target"}


def test_place_time_how_known_and_platform_come_before_the_fold(page, live_server) -> None:
    """Item 2: place, time and "Hvordan ved du det?" are chips; digital bullying asks which platform.

    The phone's clock is set to 10:25 yesterday, 25 minutes after the demo school's first recess (9.40-10.00)."""
    require(live_server, *NEEDS, ("/api/v1/schools/current", "get"))
    recesses = live_server.request("GET", "/api/v1/schools/current", role="teacher")["recess_times"]
    if {"start": "09:40", "end": "10:00"} not in recesses:
        pytest.skip("the demo school's first recess is not 9.40-10.00")
    yesterday = dt.datetime.now(CPH).date() - dt.timedelta(days=1)
    fake_now = dt.datetime.combine(yesterday, dt.time(10, 25), CPH)
    page.clock.install(time=fake_now)
    [student] = teacher_students(live_server, 1)
    name = student["display_name"]
    login(page, "teacher")
    wait_for_roster(page)
    page.keyboard.type(name[:2])
    student_button(page, name).first.click()
    page.get_by_role("button", name="Digital mobning", exact=True).click()
    when = page.get_by_role("group", name="Hvornår?")
    recess_chip = when.get_by_role("button", name=re.compile(r"^I frikvarteret "))
    # Just after the recess, the recess is the default, with its times on the chip.
    assert recess_chip.get_attribute("aria-pressed") == "true"
    assert "9.40–10.00" in recess_chip.inner_text()
    for chip in (page.get_by_role("button", name="Skolegården", exact=True), recess_chip):
        assert in_view(page, chip), "place and time chips are above the fold"
    page.get_by_role("group", name="Hvilken platform?").get_by_role("button", name="Snapchat").click()
    page.get_by_role("group", name="Hvordan ved du det?").get_by_role(
        "button", name="Eleven fortalte"
    ).click()
    page.get_by_role("button", name="Online", exact=True).click()
    before = incident_ids(live_server)
    page.get_by_role("button", name="Gem", exact=True).click()
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    assert "kl. 9.50" in receipt(page).inner_text()
    incident = newest_incident(live_server, before)
    assert (incident["digital_medium"], incident["knowledge_source"], incident["place"]) == (
        "Snapchat",
        "told_by_student",
        "online",
    )
    occurred = dt.datetime.fromisoformat(incident["occurred_at"]).astimezone(CPH)
    assert (occurred.date(), occurred.strftime("%H:%M")) == (yesterday, "09:50")  # the recess's middle

    # "Tidligere i dag": a time picker; a time after now is refused next to the field.
    before = incident_ids(live_server)
    page.keyboard.type(name[:2])
    student_button(page, name).first.click()
    page.get_by_role("button", name="Mobning", exact=True).click()
    page.get_by_role("button", name="Tidligere i dag").click()
    page.get_by_label("Klokken").fill("11:00")
    page.get_by_role("button", name="Gem", exact=True).click()
    page.get_by_text("Tidspunktet må ikke ligge efter nu.").wait_for()
    assert incident_ids(live_server) == before
    page.get_by_label("Klokken").fill("08:15")
    page.get_by_role("button", name="Gem", exact=True).click()
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    occurred = dt.datetime.fromisoformat(newest_incident(live_server, before)["occurred_at"]).astimezone(CPH)
    assert (occurred.date(), occurred.strftime("%H:%M")) == (yesterday, "08:15")


def test_double_tap_on_gem_gives_one_incident_and_gem_shows_progress(page, live_server) -> None:
    """Item 3: while saving, Gem is disabled and says so; a double tap records one incident."""
    require(live_server, *NEEDS)
    [student] = teacher_students(live_server, 1)
    before = incident_ids(live_server)
    login(page, "teacher")
    wait_for_roster(page)
    held: list[Any] = []
    page.route(
        "**/api/v1/incidents",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    page.keyboard.type(student["display_name"][:2])
    student_button(page, student["display_name"]).first.click()
    page.get_by_role("button", name="Mobning", exact=True).click()
    page.get_by_role("button", name="Gem", exact=True).dblclick()
    saving = page.get_by_role("button", name="Gemmer …")
    saving.wait_for()
    assert saving.is_disabled() and saving.get_attribute("aria-busy") == "true"
    page.wait_for_timeout(300)
    assert len(held) == 1, f"{len(held)} requests for one double tap"
    held[0].continue_()
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    page.wait_for_timeout(500)
    page.unroute("**/api/v1/incidents")
    new = incident_ids(live_server) - before
    print(f"\ndouble tap on Gem: {len(new)} incident(s)")
    assert len(new) == 1 and outbox_count(page) == 0


def test_errors_appear_next_to_what_they_are_about_and_focus_is_never_under_the_bars(
    page, live_server
) -> None:
    """Item 3: "Vælg et humør" right under the faces; every focused control clear of the sticky header and bar."""
    require(live_server, *NEEDS)
    start_observation(page, live_server)
    page.get_by_role("button", name="Gem", exact=True).click()
    error = page.get_by_role("alert").filter(has_text="Vælg et humør.")
    error.wait_for()
    faces = page.get_by_role("group", name="Humør").bounding_box()
    box = error.bounding_box()
    assert 0 <= box["y"] - (faces["y"] + faces["height"]) < 24, (faces, box)
    assert_no_axe_violations(page, "quick log, mood missing")
    screenshot(page, "03b-quicklog-mood-missing")
    under = page.evaluate(
        """async () => {
            const bad = [];
            const header = document.querySelector('header.top');
            const bar = document.querySelector('.save-bar');
            const items = [...document.querySelectorAll('main a[href], main button, main input, main textarea, main summary')]
                .filter((el) => el.getClientRects().length && !bar.contains(el)
                    && (el.tagName === 'SUMMARY' || !el.closest('details:not([open])')));
            for (const el of items) {
                el.focus();
                await new Promise((r) => requestAnimationFrame(r));
                const r = el.getBoundingClientRect();
                if (r.top < header.getBoundingClientRect().bottom - 1 || r.bottom > bar.getBoundingClientRect().top + 1)
                    bad.push((el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 30));
            }
            return bad;
        }"""
    )
    assert under == [], f"focused under the sticky header or save bar: {under}"


def test_observation_with_mood(page, live_server) -> None:
    require(live_server, *NEEDS, ("/api/v1/observations", "post"))
    start_observation(page, live_server)
    page.get_by_role("button", name="4: Glad").click()
    assert_no_axe_violations(page, "quick log, observation")
    screenshot(page, "03-quicklog-observation")
    page.get_by_role("button", name="Gem", exact=True).click()
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
