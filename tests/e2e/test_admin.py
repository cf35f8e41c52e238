"""Administration: the roster import shows a dry-run preview before anything is saved."""

from __future__ import annotations

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
    page.get_by_label("Meld elever ud").uncheck()  # a partial file: nobody else leaves the school

    page.get_by_label("CSV-fil med elever").set_input_files(str(bad))
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
