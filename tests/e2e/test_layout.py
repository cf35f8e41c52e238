"""Issue 11 items 4, 5, 6 and 9: SFO staff see Observation first, who is logged in, accessibility, the laptop case page."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import (
    NAMES,
    assert_no_axe_violations,
    assert_one_hand_friendly,
    login,
    logout,
    require,
    screenshot,
    teacher_students,
    user_menu,
    wait_for_roster,
    wait_for_service_worker,
)

pytestmark = pytest.mark.e2e

SMALL = {"width": 320, "height": 640}
LAPTOP = {"width": 1280, "height": 800}


def _context(browser: Any, live_server: Any, viewport: dict[str, int], **kw: Any) -> Any:
    ctx = browser.new_context(
        viewport=viewport, base_url=live_server.url, locale="da-DK", timezone_id="Europe/Copenhagen", **kw
    )
    ctx.set_default_timeout(10_000)
    return ctx


def _in_viewport(locator: Any) -> bool:
    return locator.evaluate(
        "(el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight"
        " && r.left >= 0 && r.right <= innerWidth; }"
    )


def test_sfo_staff_see_observation_first_and_nothing_scrolls_sideways_at_320(browser, live_server) -> None:
    """Item 4: Observation is SFO staff's first choice, above the fold at 320 px; "Ny observation" opens it."""
    ctx = _context(browser, live_server, SMALL)
    try:
        page = ctx.new_page()
        login(page, "sfo_staff")
        page.get_by_role("heading", name="Hvad skete der?", level=1).wait_for()
        first = page.locator(".what-grid button.what").first
        assert first.inner_text() == "Observation"
        assert _in_viewport(first), "Observation is above the fold at 320 px"
        assert_one_hand_friendly(page, "sfo quick log at 320 px")
        assert_no_axe_violations(page, "sfo quick log at 320 px")
        screenshot(page, "21-sfo-quicklog-320")
        page.goto("/#/observations")
        page.get_by_role("link", name="Ny observation").click()
        page.get_by_role("heading", name="Hvad skete der?", level=1).wait_for()
        assert (
            page.get_by_role("button", name="Observation", exact=True).get_attribute("aria-pressed") == "true"
        )
    finally:
        ctx.close()


def test_header_with_the_outbox_badge_fits_320_px(browser, live_server) -> None:
    """Item 4: the waiting badge, who is logged in and the menu do not overlap or push the page sideways."""
    require(live_server, ("/api/v1/incidents", "post"))
    [student] = teacher_students(live_server, 1)
    ctx = _context(browser, live_server, SMALL)
    try:
        page = ctx.new_page()
        login(page, "teacher")
        wait_for_service_worker(page)
        wait_for_roster(page)
        ctx.set_offline(True)
        page.keyboard.type(student["display_name"][:2])
        page.get_by_role("button", name=re.compile("^" + re.escape(student["display_name"]))).first.click()
        page.get_by_role("button", name="Mobning", exact=True).click()
        page.get_by_role("button", name="Gem", exact=True).click()
        page.get_by_role("link", name="1 venter").wait_for()
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('header.top > *')].map((e) => { const r = e.getBoundingClientRect();"
            " return [r.left, r.right]; })"
        )
        for (_, right), (left, _) in itertools.pairwise(boxes):
            assert right <= left + 0.5, f"header items overlap: {boxes}"
        assert boxes[-1][1] <= SMALL["width"]
        assert_one_hand_friendly(page, "quick log at 320 px with the badge")
        screenshot(page, "22-header-badge-320")
        ctx.set_offline(False)
        page.get_by_role("link", name="1 venter").wait_for(state="detached", timeout=15_000)
    finally:
        ctx.close()


def test_who_is_logged_in_shows_in_the_header_and_the_email_is_kept(page) -> None:
    """Item 5: school phones are shared: the header names the adult; after logout the e-mail stays filled in."""
    login(page, "pedagogue")
    assert user_menu(page).inner_text().startswith(NAMES["pedagogue"])
    user_menu(page).click()
    page.get_by_text(f"Logget ind som {NAMES['pedagogue']}").wait_for()
    assert_no_axe_violations(page, "user menu open")
    page.keyboard.press("Escape")
    logout(page)
    assert page.get_by_label("E-mail").input_value() == "paedagog@vestrup.example"
    assert page.evaluate("() => localStorage.getItem('trivsel.user')") is None


def test_text_follows_the_phones_font_size_setting(page) -> None:
    """Item 6: body text is in rem, so a larger default font size (the phone's setting) makes it larger."""
    login(page, "teacher")
    base = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 24}})
    page.wait_for_timeout(200)
    larger = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert base == pytest.approx(17, abs=0.1) and larger == pytest.approx(24 * 17 / 16, abs=0.1), (
        base,
        larger,
    )


def test_class_list_closes_after_picking_and_the_save_bar_covers_nothing(page, live_server) -> None:
    """Item 6: after a pick the class list makes way; scrolled down, no button sits under the sticky bar."""
    login(page, "teacher")
    wait_for_roster(page)
    page.get_by_role("button", name="Mine klasser").click()
    page.locator(".class-grid button.pick").first.click()
    page.locator(".pick-list button.pick").first.click()
    assert page.locator(".class-grid, .pick-list").count() == 0
    # The picked student shows pressed (with its class) in the reopened list: its contrast is checked by axe.
    page.get_by_role("button", name="Lister").click()
    page.get_by_role("button", name="Mine klasser").click()
    page.locator(".class-grid button.pick").first.click()
    page.locator(".pick-list button.pick[aria-pressed=true]").wait_for()
    assert_no_axe_violations(page, "quick log, list reopened after a pick")
    page.get_by_text("Beskrivelse (valgfri)").click()
    page.mouse.wheel(0, 5000)
    page.wait_for_timeout(300)
    covered = page.evaluate(
        """() => {
            const bar = document.querySelector('.save-bar').getBoundingClientRect();
            return [...document.querySelectorAll('main button, main summary, main textarea, main input')]
                .filter((el) => !el.closest('.save-bar') && el.getClientRects().length)
                .filter((el) => { const r = el.getBoundingClientRect(); return r.bottom > bar.top + 1 && r.top < bar.bottom; })
                .map((el) => (el.textContent || el.tagName).trim().slice(0, 30));
        }"""
    )
    assert covered == [], f"under the sticky save bar when scrolled to the end: {covered}"


def test_case_page_on_a_laptop_two_columns_contents_in_view_every_tab_visible(browser, live_server) -> None:
    """Item 9: at 1280 px the tab bar hides no tab; the case shows facts and history beside the work."""
    require(live_server, ("/api/v1/incidents/{incident_id}/establish", "post"))
    student, other = teacher_students(live_server, 2)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {
            "classification": "bullying",
            "description": "Bliver holdt udenfor i frikvarteret",
            "students": [
                {"student_id": student["id"], "role": "target"},
                {"student_id": other["id"], "role": "actor"},
            ],
        },
        role="teacher",
    )
    live_server.request("POST", f"/api/v1/incidents/{incident['id']}/establish", {}, role="resource_person")
    ctx = _context(browser, live_server, LAPTOP)
    try:
        page = ctx.new_page()
        login(page, "leader")
        tabs = page.get_by_role("navigation", name="Menu").get_by_role("link")
        assert tabs.count() >= 8
        for i in range(tabs.count()):
            assert _in_viewport(tabs.nth(i)), f"tab {tabs.nth(i).inner_text()!r} is hidden at 1280 px"
        page.goto(f"/#/cases/{incident['id']}")
        page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
        page.get_by_text("Henter …").first.wait_for(state="detached")
        facts = page.locator(".case-facts").bounding_box()
        work = page.locator(".case-work").bounding_box()
        assert work["x"] >= facts["x"] + facts["width"], (facts, work)
        assert page.get_by_role("heading", name="Sagens forløb").bounding_box()["x"] < work["x"]
        contents = page.get_by_role("navigation", name="På denne side")
        contents.get_by_role("button", name="Opfølgning").click()
        page.wait_for_timeout(400)
        assert _in_viewport(contents), "the table of contents stays in view"
        heading = page.get_by_role("heading", name="Opfølgning", level=2).bounding_box()
        assert heading["y"] >= contents.bounding_box()["y"] + contents.bounding_box()["height"] - 1
        assert_no_axe_violations(page, "case on a laptop")
        screenshot(page, "23-case-laptop")
    finally:
        ctx.close()


def test_phone_case_page_has_its_contents_and_fits_360(browser, live_server) -> None:
    """Item 9: on a phone the case is one column with its table of contents at the top."""
    [student] = teacher_students(live_server, 1)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {"classification": "teasing", "students": [{"student_id": student["id"], "role": "target"}]},
        role="teacher",
    )
    ctx = _context(browser, live_server, PHONE)
    try:
        page = ctx.new_page()
        login(page, "leader")
        page.goto(f"/#/cases/{incident['id']}")
        page.get_by_role("navigation", name="På denne side").wait_for()
        page.get_by_text("Henter …").first.wait_for(state="detached")
        assert_one_hand_friendly(page, "case at 360 px")
    finally:
        ctx.close()
