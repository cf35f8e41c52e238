"""Every screen, as the roles that use it, light and dark, at 320 and 360 px: no WCAG 2.1 A/AA violation (axe-core),
every target 44 px, nothing scrolling sideways; a screenshot of each. The quick log's states (roles asked, an error,
the receipt, observation, the user menu) and the case page are checked the same way."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import (
    assert_no_axe_violations,
    assert_one_hand_friendly,
    login,
    screenshot,
    teacher_students,
    user_menu,
    wait_for_roster,
)

pytestmark = pytest.mark.e2e

# role -> [(hash path, h1 text, operation the screen needs)]
SCREENS = {
    "teacher": [
        ("/log", "Hvad skete der?", None),
        ("/play-partners", "Legemakker-aftaler i dag", ("/api/v1/play-partner-arrangements", "get")),
        ("/observations", "Observationer", ("/api/v1/observations", "get")),
        ("/wellbeing-days", "Trivselsdage", ("/api/v1/wellbeing-days", "get")),
        ("/notifications", "Beskeder", ("/api/v1/notifications", "get")),
        ("/cases", "Sager", ("/api/v1/incidents", "get")),
        ("/students", "Find en elev", ("/api/v1/students", "get")),
        ("/outbox", "Ikke sendt endnu", None),
    ],
    "leader": [
        ("/notifications", "Beskeder", ("/api/v1/notifications", "get")),
        ("/cases", "Sager", ("/api/v1/incidents", "get")),
        ("/admin/classes", "Klasser", ("/api/v1/classes", "get")),
    ],
    "sfo_staff": [
        ("/log", "Hvad skete der?", None),
        ("/cases", "Sager", ("/api/v1/incidents", "get")),
        ("/observations", "Observationer", ("/api/v1/observations", "get")),
    ],
    "resource_person": [
        ("/cases", "Sager", ("/api/v1/incidents", "get")),
    ],
    "admin": [
        ("/admin/users", "Brugere", ("/api/v1/users", "get")),
        ("/admin/classes", "Klasser", ("/api/v1/classes", "get")),
        ("/admin/import", "Import af elever", ("/api/v1/students/import", "post")),
    ],
}


WIDTHS = {"320": {"width": 320, "height": 640}, "360": {"width": 360, "height": 740}}


def _context(browser, live_server, scheme: str, width: str):
    ctx = browser.new_context(
        viewport=WIDTHS[width],
        base_url=live_server.url,
        color_scheme=scheme,
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
    )
    ctx.set_default_timeout(10_000)
    return ctx


def _check_screens(page, live_server, role: str, scheme: str, width: str) -> None:
    login(page, role)
    checked, missing = [], []
    for path, heading, needs in SCREENS[role]:
        if needs and not live_server.has_path(*needs):
            missing.append(f"{needs[1].upper()} {needs[0]}")
            continue
        page.goto("/#" + path)
        page.get_by_role("heading", name=heading, level=1).wait_for()
        page.get_by_text("Henter …").first.wait_for(state="detached")
        where = f"{role} {path} ({scheme}, {width} px)"
        assert_no_axe_violations(page, where)
        assert_one_hand_friendly(page, where)
        screenshot(page, f"screen-{role}-{path.strip('/').replace('/', '-')}-{scheme}-{width}")
        checked.append(path)
    if not checked:
        pytest.skip("backend piece not there yet: " + ", ".join(missing))


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("role", list(SCREENS))
def test_screens_pass_axe(browser, live_server, screenshot_dir, role: str, scheme: str, width: str) -> None:
    ctx = _context(browser, live_server, scheme, width)
    try:
        _check_screens(ctx.new_page(), live_server, role, scheme, width)
    finally:
        ctx.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_quick_log_states_pass_axe(browser, live_server, scheme: str, width: str) -> None:
    """The quick log as it changes: two students without roles, the receipt, an observation, the user menu."""
    first, second = teacher_students(live_server, 2)
    ctx = _context(browser, live_server, scheme, width)
    try:
        page = ctx.new_page()
        login(page, "teacher")
        wait_for_roster(page)
        where = f"({scheme}, {width} px)"
        for s in (first, second):
            page.locator("input[name=student-search]").fill(s["display_name"][:2])
            page.get_by_role("button", name=re.compile("^" + re.escape(s["display_name"]))).first.click()
        page.get_by_role("button", name="Digital mobning", exact=True).click()
        page.get_by_role("button", name="Gem", exact=True).click()
        page.get_by_role("alert").filter(has_text="Vælg hver elevs rolle.").wait_for()
        assert_no_axe_violations(page, f"quick log, roles missing {where}")
        assert_one_hand_friendly(page, f"quick log, roles missing {where}")
        for s, role in ((first, "Udsat"), (second, "Udøver")):
            page.get_by_role("group", name=f"Rolle for {s['display_name']}").get_by_role(
                "button", name=role
            ).click()
        page.get_by_role("button", name="Gem", exact=True).click()
        page.locator(".save-bar [role=status]").filter(has_text="Gemt og sendt.").wait_for()
        assert_no_axe_violations(page, f"quick log, receipt {where}")
        assert_one_hand_friendly(page, f"quick log, receipt {where}")
        screenshot(page, f"state-quicklog-receipt-{scheme}-{width}")
        page.get_by_role("button", name="Observation", exact=True).click()
        page.get_by_text("Beskrivelse (valgfri)").click()
        assert_no_axe_violations(page, f"quick log, observation open {where}")
        assert_one_hand_friendly(page, f"quick log, observation open {where}")
        user_menu(page).click()
        assert_no_axe_violations(page, f"user menu {where}")
        assert_one_hand_friendly(page, f"user menu {where}")
    finally:
        ctx.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_case_page_passes_axe(browser, live_server, scheme: str, width: str) -> None:
    """A worked case (established, plan, notes, timeline) as its owner and as its reporter."""
    first, second = teacher_students(live_server, 2)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {
            "classification": "bullying",
            "students": [
                {"student_id": first["id"], "role": "target"},
                {"student_id": second["id"], "role": "actor"},
            ],
        },
        role="sfo_staff",
    )
    if live_server.has_path("/api/v1/incidents/{incident_id}/establish", "post"):
        live_server.request("POST", f"/api/v1/incidents/{incident['id']}/establish", {}, role="leader")
    for role in ("leader", "sfo_staff"):
        ctx = _context(browser, live_server, scheme, width)
        try:
            page = ctx.new_page()
            login(page, role)
            page.goto(f"/#/cases/{incident['id']}")
            page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
            page.get_by_text("Henter …").first.wait_for(state="detached")
            where = f"case as {role} ({scheme}, {width} px)"
            assert_no_axe_violations(page, where)
            assert_one_hand_friendly(page, where)
            screenshot(page, f"state-case-{role}-{scheme}-{width}")
        finally:
            ctx.close()


def test_english_and_dark_mode(browser, live_server) -> None:
    """English is one tap away and stays chosen; dark mode passes axe too."""
    ctx = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, color_scheme="dark", locale="da-DK"
    )
    try:
        page = ctx.new_page()
        login(page, "teacher")
        user_menu(page).click()
        page.get_by_role("button", name="English").click()
        page.get_by_role("heading", name="What happened?", level=1).wait_for()
        page.keyboard.press("Escape")
        assert page.evaluate("() => document.documentElement.lang") == "en"
        assert_no_axe_violations(page, "quick log, English, dark")
        screenshot(page, "06-quicklog-dark-en")
        page.reload()
        page.get_by_role("heading", name="What happened?", level=1).wait_for()
        user_menu(page).click()
        page.get_by_role("button", name="Dansk").click()
        page.get_by_role("heading", name="Hvad skete der?", level=1).wait_for()
    finally:
        ctx.close()
