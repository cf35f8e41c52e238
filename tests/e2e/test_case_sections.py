"""The case's own sections, each saved from its form and checked against what the API stored: the pupil's
perspective and the action plan (a draft kept when someone else saves meanwhile), referrals and the timeline, the
acute measure, the follow-up meeting, and a note sent once however often it is tapped."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.e2e.helpers import (
    assert_no_axe_violations,
    assert_one_hand_friendly,
    established_case,
    login,
    require,
    screenshot,
)

pytestmark = pytest.mark.e2e


def _leader_writes_perspective(live_server, case_path: str, text: str) -> None:
    """Another adult (the leader) saves the pupil's perspective, with the case's current ETag."""
    _, headers = live_server.exchange("GET", case_path, role="leader")
    live_server.request(
        "PATCH", case_path, {"pupil_perspective": text}, role="leader", headers={"If-Match": headers["ETag"]}
    )


def test_pupil_perspective_referrals_and_timeline(page, live_server, screenshot_dir) -> None:
    require(
        live_server,
        ("/api/v1/incidents/{incident_id}/timeline", "get"),
        ("/api/v1/incidents/{incident_id}/referrals", "post"),
        ("/api/v1/incidents/{incident_id}/referrals/{referral_id}", "patch"),
    )
    incident = established_case(live_server, "Bliver kaldt navne på Snapchat")
    case_path = f"/api/v1/incidents/{incident['id']}"

    login(page, "resource_person")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()

    # The pupil's perspective, saved on the case with its ETag.
    perspective = page.get_by_label("Hvordan oplever eleven det selv?")
    perspective.fill("Jeg tør ikke gå ud i frikvarteret.")
    # The save reloads the case; that read must land before the leader's change below, or the screen would
    # rightly show the leader's version (and its ETag) before "Min version" is typed.
    with page.expect_response(
        lambda r: r.url.endswith(case_path) and r.request.method == "GET", timeout=15_000
    ):
        page.get_by_role("button", name="Gem elevens perspektiv").click()
    page.get_by_role("status").filter(has_text="Gemt.").wait_for()
    assert live_server.request("GET", case_path, role="leader")["pupil_perspective"] == (
        "Jeg tør ikke gå ud i frikvarteret."
    )

    # Someone else changes the text meanwhile: the next save is refused, not silently overwritten, and what the
    # user typed stays in the field beside the other text once the case is read again.
    _leader_writes_perspective(live_server, case_path, "Ændret af lederen")
    perspective.fill("Min version")
    page.get_by_role("button", name="Gem elevens perspektiv").click()
    changed = page.get_by_role("alert").filter(has_text="En anden har gemt en ændring")
    changed.wait_for()
    assert "Ændret af lederen" in changed.inner_text()
    assert perspective.input_value() == "Min version"
    assert live_server.request("GET", case_path, role="leader")["pupil_perspective"] == "Ændret af lederen"
    # Taking the saved text puts it in the field; the next reload shows it too.
    changed.get_by_role("button", name="Brug den gemte udgave").click()
    assert perspective.input_value() == "Ændret af lederen"
    page.reload()
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    assert page.get_by_label("Hvordan oplever eleven det selv?").input_value() == "Ændret af lederen"

    # A reload for another reason (a note added) while the user types, after someone else saved a new text: the
    # draft is kept, not replaced by the reloaded text; "keep my text" then saves it over the text now shown.
    perspective.fill("Eleven siger, det er blevet bedre.")
    _leader_writes_perspective(live_server, case_path, "Lederens anden tekst")
    notes = page.get_by_role("region", name="Noter")
    notes.get_by_label("Note", exact=True).fill("Talt med eleven")
    notes.get_by_role("button", name="Tilføj note").click()
    changed.filter(has_text="Lederens anden tekst").wait_for()
    assert perspective.input_value() == "Eleven siger, det er blevet bedre."
    assert page.get_by_role("button", name="Gem elevens perspektiv").is_disabled()  # the user chooses first
    changed.get_by_role("button", name="Behold min udgave").click()
    page.get_by_role("button", name="Gem elevens perspektiv").click()
    page.get_by_role("status").filter(has_text="Gemt.").wait_for()
    assert live_server.request("GET", case_path, role="leader")["pupil_perspective"] == (
        "Eleven siger, det er blevet bedre."
    )

    # Refer the case to SSP, then mark the referral as sent (PATCH with the referral's own ETag).
    page.get_by_text("Ny henvisning").click()
    page.get_by_label(re.compile("^Samarbejdspartner")).select_option("ssp")
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


def test_action_plan_draft_survives_a_plan_saved_meanwhile(page, live_server) -> None:
    """The action plan's editor: a plan is saved; while a second version is typed, someone else saves another
    plan and the case is read again (a note added): the typed plan stays, the other one is shown beside it,
    and nothing is saved until the user chooses."""
    incident = established_case(live_server, "Bliver holdt udenfor i frikvarteret")
    case_path = f"/api/v1/incidents/{incident['id']}"
    plan_path = f"{case_path}/action-plan"
    follow_up = (date.today() + timedelta(days=14)).isoformat()

    login(page, "resource_person")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    plan = page.get_by_role("region", name="Handlingsplan")
    measure = plan.get_by_label("Tiltag", exact=True)
    measure.fill("Daglig kontakt med klasselæreren")
    # Who carries out the measure: the API refuses a measure without.
    plan.get_by_label("Hvem gør det?").fill("Klasselæreren")
    plan.get_by_label("Opfølgning senest").fill(follow_up)
    # The save reloads the case; that read lands before the leader's change below.
    with page.expect_response(
        lambda r: r.url.endswith(case_path) and r.request.method == "GET", timeout=15_000
    ):
        plan.get_by_role("button", name="Gem handlingsplan").click()
    saved_plan = live_server.request("GET", case_path, role="leader")["action_plan"]
    assert [(m["description"], m["responsible"]) for m in saved_plan["measures"]] == [
        ("Daglig kontakt med klasselæreren", "Klasselæreren")
    ]

    # The second version is being typed when the leader saves another plan over the first.
    measure.fill("Ugentlig samtale med AKT-læreren")
    live_server.request(
        "PUT",
        plan_path,
        {
            "measures": [{"description": "Lederens tiltag", "responsible": "Skolelederen"}],
            "follow_up_on": follow_up,
        },
        role="leader",
        headers={"If-Match": saved_plan["etag"]},
    )
    notes = page.get_by_role("region", name="Noter")
    notes.get_by_label("Note", exact=True).fill("Talt med forældrene")
    notes.get_by_role("button", name="Tilføj note").click()
    changed = plan.get_by_role("alert").filter(has_text="En anden har gemt en ændring")
    changed.wait_for()
    assert "Lederens tiltag (Skolelederen)" in changed.inner_text()
    assert measure.input_value() == "Ugentlig samtale med AKT-læreren"
    assert plan.get_by_role("button", name="Gem handlingsplan").is_disabled()
    assert_no_axe_violations(page, "action plan saved meanwhile")
    assert [
        m["description"]
        for m in live_server.request("GET", case_path, role="leader")["action_plan"]["measures"]
    ] == ["Lederens tiltag"]

    # Keeping the typed plan saves it over the leader's, now that the user has seen it.
    changed.get_by_role("button", name="Behold min udgave").click()
    with page.expect_response(lambda r: r.url.endswith(plan_path) and r.request.method == "PUT") as put:
        plan.get_by_role("button", name="Gem handlingsplan").click()
    assert put.value.status == 200
    measures = live_server.request("GET", case_path, role="leader")["action_plan"]["measures"]
    assert [(m["description"], m["responsible"]) for m in measures] == [
        ("Ugentlig samtale med AKT-læreren", "Klasselæreren")
    ]
    assert plan.get_by_role("alert").count() == 0


def test_acute_measure_and_follow_up_recorded_from_the_case(page, live_server) -> None:
    """The acute measure and the follow-up meeting, each written from its section of the case (neither had a
    browser test that saved one)."""
    incident = established_case(live_server, "Bliver skubbet i garderoben")
    case_path = f"/api/v1/incidents/{incident['id']}"
    follow_up = (date.today() + timedelta(days=7)).isoformat()
    live_server.request(
        "PUT",
        f"{case_path}/action-plan",
        {
            "measures": [{"description": "Voksen i garderoben", "responsible": "Klasselæreren"}],
            "follow_up_on": follow_up,
        },
        role="resource_person",
    )

    login(page, "resource_person")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    acute = page.get_by_role("region", name="Akutte tiltag")
    acute.get_by_label("Tilføj akut tiltag").fill("Eleverne skilt ad i frikvarteret")
    acute.get_by_role("button", name="Tilføj", exact=True).click()
    acute.get_by_text("Eleverne skilt ad i frikvarteret").wait_for()
    assert [
        a["description"] for a in live_server.request("GET", case_path, role="leader")["acute_measures"]
    ] == ["Eleverne skilt ad i frikvarteret"]

    followups = page.get_by_role("region", name="Opfølgning", exact=True)
    followups.get_by_role("button", name="Aftaget").click()
    followups.get_by_label("Referat").fill("Færre episoder ifølge eleven")
    followups.get_by_role("button", name="Registrér opfølgning").click()
    followups.locator("li.card").filter(has_text="Aftaget").wait_for()
    saved = live_server.request("GET", case_path, role="leader")["follow_ups"]
    assert [(f["outcome"], f["summary"]) for f in saved] == [("decreased", "Færre episoder ifølge eleven")]


def test_a_lost_answer_and_a_second_tap_add_one_note(page, live_server) -> None:
    """Issue 10 item 9: the note form's Idempotency-Key is fixed when it opens, not minted per send."""
    incident = established_case(live_server, "Skubbet på trappen")
    notes_path = f"/api/v1/incidents/{incident['id']}/notes"
    login(page, "resource_person")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    lost: list[str] = []

    def lose_the_first_answer(route) -> None:
        if route.request.method != "POST" or lost:
            route.continue_()
            return
        lost.append(route.request.headers.get("idempotency-key", ""))
        route.fetch()  # the server records the note...
        route.abort()  # ...but the phone never hears back

    page.route(f"**{notes_path}", lose_the_first_answer)
    notes = page.get_by_role("region", name="Noter")
    notes.get_by_label("Note", exact=True).fill("Talt med eleven i frikvarteret")
    notes.get_by_role("button", name="Tilføj note").click()
    notes.get_by_role("alert").filter(has_text="Kræver netforbindelse").wait_for()
    notes.get_by_role("button", name="Tilføj note").click()  # the second tap
    notes.get_by_text("Talt med eleven i frikvarteret").wait_for()
    page.unroute(f"**{notes_path}")
    saved = live_server.request("GET", notes_path, role="leader")["items"]
    assert [n["body"] for n in saved].count("Talt med eleven i frikvarteret") == 1, saved
    assert lost and lost[0]
