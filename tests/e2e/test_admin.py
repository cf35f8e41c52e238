"""Administration: the roster import shows a dry-run preview before anything is saved."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import assert_no_axe_violations, login, require, screenshot

pytestmark = pytest.mark.e2e

CSV = "elev_id;fornavn;efternavn;klasse\nE2E-0001;Testa;Importsen;3.A\nE2E-0002;Uden;;3.A\n"
CSV_OK = "elev_id;fornavn;efternavn;klasse\nE2E-0001;Testa;Importsen;3.A\n"


def test_roster_import_preview_then_import(page, live_server, tmp_path, screenshot_dir) -> None:
    require(live_server, ("/api/v1/students/import", "post"), ("/api/v1/students", "get"))
    bad = tmp_path / "elever-fejl.csv"
    bad.write_text(CSV, encoding="utf-8")
    good = tmp_path / "elever.csv"
    good.write_text(CSV_OK, encoding="utf-8")

    login(page, "admin")
    page.goto("/#/admin/import")
    page.get_by_role("heading", name="Import af elever", level=1).wait_for()
    # Whether students missing from the file leave the school is a choice made every time, never a default.
    assert page.get_by_role("button", name="Vis forhåndsvisning").is_disabled()
    page.get_by_label("Lad dem være").check()  # a partial file: nobody else leaves the school

    page.get_by_label("CSV-fil med elever").set_input_files(str(bad))
    assert not page.get_by_label("Meld dem ud").is_checked()
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    page.get_by_text("Forhåndsvisning – intet er gemt endnu.").wait_for()
    page.get_by_text("Linje 3").wait_for()
    assert page.get_by_role("button", name="Importér").is_disabled()  # not with errors in the file
    assert_no_axe_violations(page, "import preview")
    screenshot(page, "12-admin-import-preview")
    assert live_server.request("GET", "/api/v1/students?q=Importsen", role="admin")["total"] == 0

    page.get_by_label("CSV-fil med elever").set_input_files(str(good))
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    page.get_by_text("Nye: 1").wait_for()
    page.get_by_role("button", name="Importér").click()
    page.get_by_text("Importen er gennemført.").wait_for()
    found = live_server.request("GET", "/api/v1/students?q=Importsen", role="admin")["items"]
    assert [s["display_name"] for s in found] == ["Testa Importsen"]


def test_an_import_that_would_unenrol_students_says_how_many_and_asks_first(
    page, live_server, tmp_path
) -> None:
    """Item 8: a one-line file with "meld dem ud" previews the leavers and asks before it unenrols anyone."""
    require(live_server, ("/api/v1/students/import", "post"), ("/api/v1/students", "get"))
    one = tmp_path / "en-elev.csv"
    one.write_text("elev_id;fornavn;efternavn;klasse\nE2E-0099;Enlig;Eleven;3.A\n", encoding="utf-8")
    active = live_server.request("GET", "/api/v1/students?page_size=1", role="admin")["total"]
    login(page, "admin")
    page.goto("/#/admin/import")
    page.get_by_label("CSV-fil med elever").set_input_files(str(one))
    page.get_by_label("Meld dem ud").check()
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    left = page.get_by_text(re.compile(r"^Udmeldte: [1-9]\d*$"))
    left.wait_for()
    n = int(left.inner_text().split(": ")[1])
    page.get_by_role("button", name="Importér").click()
    dialog = page.get_by_role("dialog", name="Meld elever ud?")
    dialog.get_by_text(f"{n} elever står ikke i filen").wait_for()
    assert_no_axe_violations(page, "confirm an import that unenrols")
    screenshot(page, "26-confirm-import")
    dialog.get_by_role("button", name="Annuller").click()
    assert live_server.request("GET", "/api/v1/students?page_size=1", role="admin")["total"] == active
    assert live_server.request("GET", "/api/v1/students?q=Enlig", role="admin")["total"] == 0


def test_removing_staff_from_a_class_asks_first(page, live_server) -> None:
    """Item 8: removing an adult from a class says what they lose, and "Annuller" keeps them."""
    require(live_server, ("/api/v1/classes", "get"))
    classes = live_server.all_items("/api/v1/classes", "admin")
    c = next((c for c in classes if c["staff"]), None)
    if c is None:
        pytest.skip("no class with staff in the demo school")
    s = c["staff"][0]
    login(page, "admin")
    page.goto("/#/admin/classes")
    page.get_by_role("button", name=f"Fjern {s['name']} fra {c['name']}").click()
    dialog = page.get_by_role("dialog", name=f"Fjern {s['name']} fra {c['name']}?")
    dialog.get_by_role("button", name="Annuller").click()
    after = next(x for x in live_server.all_items("/api/v1/classes", "admin") if x["id"] == c["id"])
    assert s["user_id"] in [x["user_id"] for x in after["staff"]]


def test_field_errors_are_danish_and_next_to_their_field(page, live_server) -> None:
    """Item 10: the one error shape is shown in Danish per field, never as raw JSON in English."""
    require(live_server, ("/api/v1/users", "post"))
    login(page, "admin")
    page.get_by_role("button", name="Ny bruger").click()
    form = page.locator("form.card")
    form.get_by_label("Navn").fill("Lise Dobbelt")
    form.get_by_label("E-mail").fill("laerer@vestrup.example")  # already a user
    form.get_by_label("Adgangskode").fill("en-lang-adgangskode")
    form.get_by_role("button", name="Gem").click()
    field = form.locator("label.field").filter(has_text="E-mail")
    field.get_by_text("Er allerede i brug.").wait_for()
    text = form.inner_text()
    assert "{" not in text and "already" not in text.lower(), text
    assert_no_axe_violations(page, "new user with a field error")
    screenshot(page, "27-field-error")


def test_admin_creates_a_user_then_changes_their_roles_and_deactivates_them(page, live_server) -> None:
    """The new-user form saves a user the API stores; editing saves roles and the active flag (with the ETag)."""
    require(live_server, ("/api/v1/users", "post"), ("/api/v1/users/{user_id}", "patch"))
    email = "aase.afloser@vestrup.example"
    login(page, "admin")
    page.get_by_role("button", name="Ny bruger").click()
    form = page.locator("form.card")
    form.get_by_label("Navn").fill("Aase Afløser")
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Adgangskode").fill("en-lang-adgangskode")
    roles = form.get_by_role("group", name="Roller")
    roles.get_by_role("button", name="Lærer", exact=True).click()  # on by default: off
    roles.get_by_role("button", name="Pædagog", exact=True).click()
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/users") and r.request.method == "POST"
    ) as sent:
        form.get_by_role("button", name="Gem").click()
    assert sent.value.status == 201
    form.get_by_role("status").filter(has_text="Brugeren er oprettet.").wait_for()
    [user] = live_server.request("GET", f"/api/v1/users?q={email}", role="admin")["items"]
    assert (user["name"], user["roles"], user["active"]) == ("Aase Afløser", ["pedagogue"], True)

    page.get_by_role("button", name="Rediger: Aase Afløser").click()
    edit = page.locator("li.card").filter(has=page.get_by_role("group", name="Roller: Aase Afløser"))
    edit.get_by_role("button", name="SFO-medarbejder", exact=True).click()
    edit.get_by_label("Aktiv").uncheck()
    with page.expect_response(
        lambda r: r.url.endswith(f"/api/v1/users/{user['id']}") and r.request.method == "PATCH"
    ) as patched:
        edit.get_by_role("button", name="Gem").click()
    assert patched.value.status == 200
    page.locator("li.card").filter(has_text=email).get_by_text("Aktiv: Nej").wait_for()
    saved = live_server.request("GET", f"/api/v1/users/{user['id']}", role="admin")
    assert (sorted(saved["roles"]), saved["active"]) == (["pedagogue", "sfo_staff"], False)


def test_admin_attaches_an_adult_to_a_class_and_removes_them_again(page, live_server) -> None:
    """Both class-staff writes from the class card: attach with a role, then remove after the question."""
    require(live_server, ("/api/v1/classes/{class_id}/staff", "post"))
    user = live_server.request(
        "POST",
        "/api/v1/users",
        {
            "email": "vikar.vagn@vestrup.example",
            "name": "Vagn Vikar",
            "password": "en-lang-adgangskode",
            "roles": ["teacher"],
        },
        role="admin",
    )
    c = live_server.all_items("/api/v1/classes", "admin")[0]
    card = page.locator("li.card").filter(has=page.get_by_role("heading", name=c["name"], exact=True))

    def staff() -> dict[int, str]:
        found = next(x for x in live_server.all_items("/api/v1/classes", "admin") if x["id"] == c["id"])
        return {s["user_id"]: s["role"] for s in found["staff"]}

    login(page, "admin")
    page.goto("/#/admin/classes")
    card.get_by_label(f"Tilknyt voksen til {c['name']}").select_option(label="Vagn Vikar")
    card.get_by_label("Rolle i klassen").select_option(label="Pædagog")
    card.get_by_role("button", name="Tilføj", exact=True).click()
    remove = card.get_by_role("button", name=f"Fjern Vagn Vikar fra {c['name']}")
    remove.wait_for()
    assert staff().get(user["id"]) == "pedagogue"

    remove.click()
    dialog = page.get_by_role("dialog", name=f"Fjern Vagn Vikar fra {c['name']}?")
    dialog.get_by_role("button", name="Fjern").click()
    remove.wait_for(state="detached")
    assert user["id"] not in staff()
