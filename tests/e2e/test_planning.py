"""Planning from the app: a play-partner arrangement and a wellbeing day, offered by what the API says."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.helpers import (
    assert_no_axe_violations,
    assert_one_hand_friendly,
    established_case,
    login,
    teacher_students,
)

pytestmark = pytest.mark.e2e

ARRANGEMENTS = "/api/v1/play-partner-arrangements"


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Copenhagen")).date()


def _arrangements_of(live_server: Any, student_ids: list[int]) -> list[dict[str, Any]]:
    """The stored arrangements holding all these students."""
    items = live_server.all_items(f"{ARRANGEMENTS}?student_id={student_ids[0]}", "leader")
    return [a for a in items if set(student_ids) <= {s["id"] for s in a["students"]}]


def _open_arrangement_form(page: Any) -> Any:
    """The play-partner screen as the logged-in user, with "Ny legemakker-aftale" opened (the list said may)."""
    with page.expect_response(
        lambda r: (
            r.url.split("?")[0].endswith(ARRANGEMENTS) and "status=active" in r.url and "date=" not in r.url
        )
    ) as listed:
        page.goto("/#/play-partners")
    assert listed.value.json()["can_create"] is True
    page.get_by_role("button", name="Ny legemakker-aftale").click()
    return page.get_by_role("form", name="Ny legemakker-aftale")


def _pick_students(form: Any, students: list[dict[str, Any]]) -> None:
    for s in students:
        form.get_by_label("Find elev: skriv 2 bogstaver").fill(s["display_name"].split()[0])
        form.get_by_role("button", name=f"Tilføj {s['display_name']}", exact=True).click()
        form.get_by_role("button", name=f"Fjern {s['display_name']}", exact=True).wait_for()


def _fill_plan(form: Any, end: dt.date) -> None:
    form.get_by_role("button", name="Spisefrikvarter").click()
    form.get_by_role("button", name="2. frikvarter").click()
    form.get_by_role("button", name="fredag").click()  # Monday to Friday are on: Friday goes off
    form.get_by_label("Til", exact=True).fill(end.isoformat())


def test_a_teacher_makes_a_play_partner_arrangement(page, live_server) -> None:
    pair = teacher_students(live_server, 6)[4:6]  # not the first ones, which other tests put in open cases
    end = _today() + dt.timedelta(days=30)
    login(page, "teacher")
    form = _open_arrangement_form(page)
    _pick_students(form, pair)
    _fill_plan(form, end)
    responsible = form.get_by_label("Ansvarlig voksen")
    options = responsible.locator("option").all()
    # Someone other than the teacher, when the school's classes list one.
    chosen = (options[1] if len(options) > 1 else options[0]).get_attribute("value")
    responsible.select_option(chosen)
    form.get_by_label("Formål: hvad de voksne skal gøre").fill("Følg dem ud og hjælp legen i gang")
    assert_no_axe_violations(page, "new play-partner arrangement")
    assert_one_hand_friendly(page, "new play-partner arrangement")
    with page.expect_response(lambda r: r.url.endswith(ARRANGEMENTS) and r.request.method == "POST") as sent:
        form.get_by_role("button", name="Gem aftale").click()
    assert sent.value.status == 201
    names = " + ".join(s["display_name"] for s in pair)
    page.get_by_role("status").filter(has_text=f"Aftalen for {names} er gemt.").wait_for()
    page.get_by_role("list", name="Aktive aftaler").get_by_text(names, exact=True).first.wait_for()

    [stored] = _arrangements_of(live_server, [s["id"] for s in pair])
    assert sorted(stored["recesses"]) == ["lunch", "second_recess"]
    assert stored["weekdays"] == [1, 2, 3, 4]
    assert (stored["start_date"], stored["end_date"]) == (_today().isoformat(), end.isoformat())
    assert stored["responsible"]["id"] == int(chosen)
    assert stored["purpose"] == "Følg dem ud og hjælp legen i gang"


def test_an_arrangement_pairing_an_open_case_is_refused_with_the_apis_reason(page, live_server) -> None:
    incident = established_case(live_server, "Holder hinanden udenfor i frikvarteret")
    pair = [{"id": s["id"], "display_name": s["display_name"]} for s in incident["students"]]
    before = _arrangements_of(live_server, [s["id"] for s in pair])
    login(page, "teacher")
    form = _open_arrangement_form(page)
    _pick_students(form, pair)
    _fill_plan(form, _today() + dt.timedelta(days=14))
    with page.expect_response(lambda r: r.url.endswith(ARRANGEMENTS) and r.request.method == "POST") as sent:
        form.get_by_role("button", name="Gem aftale").click()
    assert sent.value.status == 409
    refusal = sent.value.json()["type"]
    assert refusal in ("open_case_separation", "separation_rule")
    shown = {
        "open_case_separation": "To af eleverne er offer og udøver i en åben sag.",
        "separation_rule": "Det kan ikke lade sig gøre. Spørg en leder eller ressourcepersonen.",
    }[refusal]
    form.get_by_role("alert").filter(has_text=shown).wait_for()
    assert _arrangements_of(live_server, [s["id"] for s in pair]) == before


def test_a_leader_plans_a_wellbeing_day_and_lands_on_it(page, live_server) -> None:
    title = f"Trivselsdag i skoven {dt.datetime.now():%H%M%S%f}"
    day = _today() + dt.timedelta(days=21)
    login(page, "leader")
    with page.expect_response(lambda r: "/api/v1/wellbeing-days?" in r.url) as listed:
        page.goto("/#/wellbeing-days")
    assert listed.value.json()["can_create"] is True
    page.get_by_role("button", name="Ny trivselsdag").click()
    form = page.get_by_role("form", name="Ny trivselsdag")
    form.get_by_label("Titel").fill(title)
    form.get_by_label("Dato").fill(day.isoformat())
    form.get_by_label("Slags").select_option(label="Udflugt")
    form.get_by_label("Beskrivelse").fill("Madpakke og regntøj")
    form.get_by_role("group", name="Hele årgange").get_by_role("button", name="2. kl.").click()
    adults = form.get_by_role("group", name="Voksne").get_by_role("button")
    adult_name = adults.first.inner_text()
    adults.first.click()
    assert_no_axe_violations(page, "new wellbeing day")
    assert_one_hand_friendly(page, "new wellbeing day")
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/wellbeing-days") and r.request.method == "POST"
    ) as sent:
        form.get_by_role("button", name="Opret trivselsdag").click()
    assert sent.value.status == 201
    created = sent.value.json()
    page.get_by_role("heading", name=title, level=1).wait_for()
    assert re.search(rf"#/wellbeing-days/{created['id']}$", page.url)

    stored = live_server.request("GET", f"/api/v1/wellbeing-days/{created['id']}", role="leader")
    assert (stored["title"], stored["date"], stored["kind"]) == (title, day.isoformat(), "excursion")
    assert stored["description"] == "Madpakke og regntøj"
    assert stored["grades"] == [2]
    assert [a["name"] for a in stored["adults"]] == [adult_name]


def test_sfo_staff_are_not_offered_a_new_wellbeing_day(page, live_server) -> None:
    """SFO staff take part but do not plan: the list says so (can_create), and the screen offers no form."""
    login(page, "sfo_staff")
    with page.expect_response(lambda r: "/api/v1/wellbeing-days?" in r.url) as listed:
        page.goto("/#/wellbeing-days")
    assert listed.value.json()["can_create"] is False
    page.get_by_role("heading", name="Trivselsdage", level=1).wait_for()
    page.get_by_text("Henter …").wait_for(state="detached")
    assert page.get_by_role("button", name="Ny trivselsdag").count() == 0
    assert page.get_by_role("form", name="Ny trivselsdag").count() == 0
