"""Issue 15: the leader's overview (Overblik) at a laptop's 1280 px and a phone's 360 px: the attention list
linking to its records, the heat map and the per-class trend with their tables, the CSV downloads, the print
view; axe clean at both sizes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import assert_no_axe_violations, assert_one_hand_friendly, login, screenshot

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1280, "height": 800}


def _context(browser: Any, live_server: Any, viewport: dict[str, int]) -> Any:
    ctx = browser.new_context(
        viewport=viewport, base_url=live_server.url, locale="da-DK", timezone_id="Europe/Copenhagen"
    )
    ctx.set_default_timeout(10_000)
    return ctx


def _open_overview(page: Any) -> None:
    login(page, "leader")
    page.get_by_role("link", name="Overblik").click()
    page.get_by_role("heading", name="Overblik", level=1).wait_for()
    page.get_by_role("heading", name="Kræver opmærksomhed", level=2).wait_for()
    page.get_by_role("heading", name="Hvor og hvornår", level=2).wait_for()
    page.get_by_role("heading", name="Udvikling pr. klasse", level=2).wait_for()


@pytest.mark.parametrize("size", ["1280", "360"])
def test_leader_overview_is_complete_and_accessible(browser, live_server, size) -> None:
    ctx = _context(browser, live_server, LAPTOP if size == "1280" else PHONE)
    try:
        page = ctx.new_page()
        _open_overview(page)
        # the demo school has an overdue action plan: its item links to the case
        overdue = page.get_by_role("heading", name="Handlingsplaner over fristen")
        overdue.wait_for()
        group = page.locator(".attention-group", has=overdue)
        link = group.get_by_role("link").first
        href = link.get_attribute("href")
        assert href and href.startswith("#/cases/")
        # every chart has a table: the heat map is one, the trend line has one beside it
        page.locator("table.heatmap caption").wait_for()
        page.locator("table.trend-table caption").wait_for()
        # uPlot is loaded only here, and draws the trend (the picture hidden from screen readers)
        page.locator(".trend-chart canvas").wait_for()
        assert page.locator(".trend-chart").get_attribute("aria-hidden") == "true"
        # small counts come hidden from the server and are shown as such, never guessed
        assert page.locator("table.heatmap td.heat-s").count() > 0
        assert (
            page.get_by_role("link", name="Hent som CSV (Excel)")
            .first.get_attribute("href")
            .startswith("/api/v1/analytics/heatmap.csv?date_from=")
        )
        assert_no_axe_violations(page, f"overview at {size} px")
        if size == "360":
            assert_one_hand_friendly(page, "overview at 360 px")
        screenshot(page, f"40-leader-overview-{size}")
        page.screenshot(path=str(screenshot(page, f"41-leader-overview-{size}-full")), full_page=True)
        link.click()
        page.wait_for_url(f"**/{href}")
    finally:
        ctx.close()


def test_overview_prints_without_the_app_around_it_and_downloads_csv(browser, live_server) -> None:
    ctx = _context(browser, live_server, LAPTOP)
    try:
        page = ctx.new_page()
        _open_overview(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Hent som CSV (Excel)").first.click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert text.startswith("\ufeffplace;hour;incidents")
        page.emulate_media(media="print")
        assert not page.locator("nav.tabs").is_visible()
        assert not page.get_by_role("button", name="Udskriv til personalemødet").is_visible()
        assert page.locator(".print-only").is_visible()
        assert page.locator("table.heatmap").is_visible()
    finally:
        ctx.close()


def _municipality_user(live_server: Any) -> str:
    """Group the demo school into a municipality and give it an officer (once per session); their e-mail."""
    from sqlalchemy import select

    from api.core import audit
    from api.core.db import db
    from api.municipalities.service import assign_school, by_slug, create_municipality
    from api.schools.models import School
    from api.users.service import create_user_in_school

    email = "kommune@rksk.example"
    with live_server.app.test_request_context():
        if by_slug(db.session, "rksk") is None:
            kommune = create_municipality(db.session, name="Ringkøbing-Skjern Kommune", slug="rksk")
            school = db.session.scalar(select(School).order_by(School.id))
            assign_school(db.session, municipality=kommune, school=school)
            create_user_in_school(
                db.session,
                school_id=school.id,
                email=email,
                name="Kirsten Kommune",
                roles=["municipality"],
                password="trivsel-demo",
            )
            audit.flush_pending(db.session)
            db.session.commit()
    return email


@pytest.mark.parametrize("size", ["1280", "360"])
def test_municipality_user_sees_the_schools_side_by_side_and_nothing_else(browser, live_server, size) -> None:
    email = _municipality_user(live_server)
    ctx = _context(browser, live_server, LAPTOP if size == "1280" else PHONE)
    try:
        page = ctx.new_page()
        page.goto("/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Adgangskode").fill("trivsel-demo")
        page.get_by_role("button", name="Log ind").click()
        page.get_by_role("heading", name="Ringkøbing-Skjern Kommune", level=1).wait_for()
        page.get_by_role("heading", name="Vestrup Skole", level=2).wait_for()
        page.locator("table.heatmap caption").first.wait_for()
        # one tab only: the municipality's schools
        assert page.locator("nav.tabs a").all_inner_texts() == ["Kommunens skoler"]
        assert (
            page.get_by_role("link", name="Hent som CSV (Excel)")
            .first.get_attribute("href")
            .startswith("/api/v1/municipality/analytics/heatmap.csv?")
        )
        assert_no_axe_violations(page, f"municipality at {size} px")
        if size == "360":
            assert_one_hand_friendly(page, "municipality at 360 px")
        screenshot(page, f"42-municipality-{size}")
    finally:
        ctx.close()


def test_marking_the_attention_list_seen_starts_new_reports_from_now(page, live_server) -> None:
    """The "Markér som set" button stores the leader's visit: new reports are counted from that moment on; a
    refused write says so instead of leaving the list silently as it was."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    _open_overview(page)
    start = dt.datetime.now(dt.UTC)
    # A refused write says so, and the list is not marked.
    page.route("**/api/v1/attention/seen", lambda route: route.fulfill(status=503, body="{}"))
    page.get_by_role("button", name="Markér som set").click()
    page.get_by_role("alert").wait_for()
    page.unroute("**/api/v1/attention/seen")
    unmarked = live_server.request("GET", "/api/v1/attention", role="leader")["since"]
    assert dt.datetime.fromisoformat(unmarked) < start
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/attention/seen") and r.request.method == "POST"
    ) as seen:
        page.get_by_role("button", name="Markér som set").click()
    assert seen.value.status == 200
    seen_at = dt.datetime.fromisoformat(seen.value.json()["seen_at"])
    since = dt.datetime.fromisoformat(live_server.request("GET", "/api/v1/attention", role="leader")["since"])
    assert since == seen_at > start
    assert page.get_by_role("alert").count() == 0
    # The list is read again from the new moment (today, in Copenhagen).
    today = seen_at.astimezone(ZoneInfo("Europe/Copenhagen")).day
    page.get_by_text(f"Nyt siden {today}. ").first.wait_for()
