"""What becomes of a log after "Gem": the outbox keeps it on the phone offline, across a reload and a logout, and
sends each log once; "Fortryd" deletes it from the phone or withdraws it from the server; a lapsed login is
refreshed. Issue 11 items 3 and 5."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import (
    assert_no_axe_violations,
    incident_ids,
    login,
    logout,
    outbox_count,
    require,
    screenshot,
    teacher_students,
    wait_for_roster,
    wait_for_service_worker,
)
from tests.e2e.quicklog_steps import (
    NEEDS,
    Taps,
    badge,
    log_incident,
    offline_teacher,
    receipt,
    start_observation,
)

pytestmark = pytest.mark.e2e


def test_receipt_says_sent_even_when_an_older_log_is_backing_off(page, live_server) -> None:
    """Item 3: one failed send no longer holds up the queue: a new log online is sent at once and says so."""
    require(live_server, *NEEDS)
    first, second = teacher_students(live_server, 2)
    login(page, "teacher")
    wait_for_roster(page)
    # The server is down for the first log: it backs off on the phone.
    page.route(
        "**/api/v1/incidents",
        lambda route: (
            route.fulfill(status=503, body="{}") if route.request.method == "POST" else route.continue_()
        ),
    )
    log_incident(page, first["display_name"], "Mobning", Taps(page))
    receipt(page).filter(has_text="Gemt på telefonen").wait_for()
    page.unroute("**/api/v1/incidents")
    before = incident_ids(live_server)
    log_incident(page, second["display_name"], "Mistrivsel", Taps(page))
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    assert second["display_name"] in receipt(page).inner_text()
    # (The first one may follow meanwhile, on its backoff timer.)
    new = [
        live_server.request("GET", f"/api/v1/incidents/{i}", role="leader")
        for i in incident_ids(live_server) - before
    ]
    assert second["id"] in [i["students"][0]["id"] for i in new]


def test_fortryd_removes_a_log_still_on_the_phone_and_puts_it_back_in_the_form(
    page, context, live_server
) -> None:
    """Item 3: "Fortryd" for about 10 seconds; a log still in the outbox is removed, nothing reaches the server."""
    student, before = offline_teacher(page, context, live_server)
    log_incident(page, student["display_name"], "Mobning", Taps(page))
    receipt(page).filter(has_text="Gemt på telefonen").wait_for()
    assert outbox_count(page) == 1
    page.get_by_role("button", name="Fortryd").click()
    receipt(page).filter(has_text="Fortrudt").wait_for()
    assert outbox_count(page) == 0
    # The log is back in the form for correcting.
    page.get_by_text(student["display_name"], exact=True).wait_for()
    assert page.get_by_role("button", name="Mobning", exact=True).get_attribute("aria-pressed") == "true"
    context.set_offline(False)
    page.wait_for_timeout(1000)
    assert incident_ids(live_server) == before
    # Saved again, it is sent; the offer to undo lasts about ten seconds.
    page.get_by_role("button", name="Gem", exact=True).click()
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    page.get_by_role("button", name="Fortryd").wait_for()
    page.get_by_role("button", name="Fortryd").wait_for(state="detached", timeout=12_000)


def test_fortryd_withdraws_a_log_already_sent(page, live_server) -> None:
    """Item 3: a log already sent is withdrawn through the API; its case shows who withdrew it."""
    require(live_server, *NEEDS, ("/api/v1/incidents/{incident_id}/withdraw", "post"))
    [student] = teacher_students(live_server, 1)
    before = incident_ids(live_server)
    login(page, "teacher")
    wait_for_roster(page)
    log_incident(page, student["display_name"], "Mobning", Taps(page))
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    [new] = incident_ids(live_server) - before
    page.get_by_role("button", name="Fortryd").click()
    receipt(page).filter(has_text="Fortrudt: trukket tilbage").wait_for()
    timeline = live_server.request("GET", f"/api/v1/incidents/{new}/timeline", role="leader")["items"]
    assert any(e["kind"] == "withdrawn" for e in timeline)


def test_fortryd_withdraws_an_observation_already_sent(page, live_server) -> None:
    """Item 3 for observations: "Fortryd" withdraws the sent observation; the API keeps who withdrew it."""
    require(live_server, ("/api/v1/observations/{observation_id}/withdraw", "post"))
    start_observation(page, live_server)
    page.get_by_role("button", name="3: Neutral").click()
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/observations") and r.request.method == "POST"
    ) as sent:
        page.get_by_role("button", name="Gem", exact=True).click()
    observation_id = sent.value.json()["id"]
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    with page.expect_response(
        lambda r: r.url.endswith(f"/observations/{observation_id}/withdraw") and r.request.method == "POST"
    ) as withdrawn:
        page.get_by_role("button", name="Fortryd").click()
    assert withdrawn.value.status == 200
    receipt(page).filter(has_text="Fortrudt: trukket tilbage").wait_for()
    stored = live_server.request("GET", f"/api/v1/observations/{observation_id}", role="teacher")
    assert stored["withdrawn_at"] is not None and stored["withdrawn_by"]["name"] == "Tina Lærer"


def test_offline_then_reload_then_online_records_each_log_once(
    page, context, live_server, screenshot_dir
) -> None:
    """360 px, teacher, offline, two more, reload, online: three incidents, once each."""
    require(live_server, *NEEDS)
    students = teacher_students(live_server, 3)
    before = incident_ids(live_server)
    login(page, "teacher")
    wait_for_service_worker(page)
    wait_for_roster(page)

    log_incident(page, students[0]["display_name"], "Mobning", Taps(page))
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()

    context.set_offline(True)
    page.get_by_text("Du er offline").wait_for()
    log_incident(page, students[1]["display_name"], "Konflikt", Taps(page), role="Udøver")
    receipt(page).filter(has_text="Gemt på telefonen").wait_for()
    log_incident(page, students[2]["display_name"], "Udelukkelse", Taps(page))
    badge(page).filter(has_text="2 venter").wait_for()
    screenshot(page, "04-quicklog-offline")

    page.reload()  # still offline: the service worker serves the shell, IndexedDB still has the outbox
    page.get_by_role("heading", name="Hvad skete der?").wait_for()
    badge(page).filter(has_text="2 venter").wait_for()
    assert len(incident_ids(live_server) - before) == 1

    context.set_offline(False)
    badge(page).wait_for(state="detached", timeout=15_000)
    assert outbox_count(page) == 0
    new = incident_ids(live_server) - before
    assert len(new) == 3, f"expected three incidents, got {len(new)}"
    got = sorted(
        (live_server.request("GET", f"/api/v1/incidents/{i}", role="leader") for i in new),
        key=lambda i: i["id"],
    )
    assert [(i["classification"], i["students"][0]["id"], i["students"][0]["role"]) for i in got] == [
        ("bullying", students[0]["id"], "target"),
        ("conflict", students[1]["id"], "actor"),
        ("exclusion", students[2]["id"], "target"),
    ]


def test_unsent_logs_are_counted_not_named_after_logout_and_sent_after_login(
    page, context, live_server
) -> None:
    """Item 5: after logout the e-mail is kept, and unsent logs show as a count with no child's name."""
    student, before = offline_teacher(page, context, live_server)
    log_incident(page, student["display_name"], "Mistrivsel", Taps(page))
    badge(page).filter(has_text="1 venter").wait_for()
    logout(page)
    pending = page.get_by_role("region", name="Ikke sendt endnu")
    pending.get_by_text("Der er 1 registrering på telefonen, som ikke er sendt endnu").wait_for()
    assert student["display_name"] not in page.locator("body").inner_text()
    assert page.get_by_label("E-mail").input_value() == "laerer@vestrup.example"
    assert_no_axe_violations(page, "login with unsent logs")
    screenshot(page, "05-logout-unsent")
    context.set_offline(False)
    # The logout made offline ends the server session once the network is back.
    for _ in range(50):
        if page.evaluate("() => fetch('/api/v1/auth/me').then((r) => r.status)") == 401:
            break
        page.wait_for_timeout(200)
    assert page.evaluate("() => fetch('/api/v1/auth/me').then((r) => r.status)") == 401
    page.get_by_label("Adgangskode").fill("trivsel-demo")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", name="Hvad skete der?").wait_for()
    page.wait_for_function("() => !document.querySelector('.badge')")
    for _ in range(50):  # the outbox empties once the server has accepted the log
        if outbox_count(page) == 0:
            break
        page.wait_for_timeout(200)
    assert outbox_count(page) == 0
    assert len(incident_ids(live_server) - before) == 1


def test_expired_access_token_is_refreshed_and_the_log_sent(page, context, live_server) -> None:
    require(live_server, *NEEDS)
    [student] = teacher_students(live_server, 1)
    before = incident_ids(live_server)
    login(page, "teacher")
    wait_for_roster(page)
    context.clear_cookies(name="access_token_cookie")  # as when the 15-minute access token has run out
    log_incident(page, student["display_name"], "Konflikt", Taps(page), role="Udsat")
    receipt(page).filter(has_text="Gemt og sendt.").wait_for()
    assert len(incident_ids(live_server) - before) == 1
