"""Administration of API clients: register one with scopes, see its secret once, rotate it, revoke it; the
secrets work at the token endpoint exactly as the screen says."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.e2e.helpers import assert_no_axe_violations, login, require, screenshot

pytestmark = pytest.mark.e2e


def _token_status(live_server, client_id: str, secret: str) -> int:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    req = urllib.request.Request(
        live_server.url + "/oauth/token",
        data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        method="POST",
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert json.loads(resp.read())["token_type"] == "Bearer"
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_register_rotate_and_revoke_an_api_client(page, live_server) -> None:
    require(live_server, ("/api/v1/api-clients", "post"), ("/api/v1/api-clients/{client_id}/revoke", "post"))
    login(page, "admin")
    page.get_by_role("link", name="API-klienter").click()
    page.get_by_role("heading", name="API-klienter", level=1).wait_for()
    page.get_by_role("button", name="Ny API-klient").click()
    form = page.locator("form.card")
    form.get_by_label("Navn").fill("Kommunens dashboard")
    register = form.get_by_role("button", name="Registrér")
    assert register.is_disabled()  # no scope chosen yet
    form.get_by_role("button", name="Elever, klasser og forældre").click()
    form.get_by_role("button", name="Hændelser og sagsforløb (uden fritekst)").click()
    register.click()

    page.get_by_text("Kopiér hemmeligheden nu – den vises kun denne ene gang.").wait_for()
    client_id = page.get_by_label("Klient-id (client_id)").input_value()
    secret = page.get_by_label("Hemmelighed (client_secret)").input_value()
    assert client_id.startswith("trvc_") and secret.startswith("trvs_")
    assert_no_axe_violations(page, "api client secret shown once")
    screenshot(page, "40-api-client-secret")
    assert _token_status(live_server, client_id, secret) == 200
    # shown once: the list and the API never show it again
    page.get_by_role("button", name="Jeg har kopieret den").click()
    assert page.get_by_label("Hemmelighed (client_secret)").count() == 0
    card = page.locator("li.card").filter(has_text="Kommunens dashboard")
    card.get_by_text("Aktiv").wait_for()
    card.get_by_text("Elever, klasser og forældre, Hændelser og sagsforløb (uden fritekst)").wait_for()
    listed = live_server.request("GET", "/api/v1/api-clients", role="admin")["items"]
    assert all("client_secret" not in c for c in listed)

    # rotate: the new secret is shown once, the old one keeps working for the grace period
    card.get_by_role("button", name="Ny hemmelighed").click()
    page.get_by_role("dialog", name="Ny hemmelighed til Kommunens dashboard?").get_by_role(
        "button", name="Ny hemmelighed"
    ).click()
    page.get_by_text("Kopiér hemmeligheden nu – den vises kun denne ene gang.").wait_for()
    new_secret = page.get_by_label("Hemmelighed (client_secret)").input_value()
    assert new_secret != secret
    assert _token_status(live_server, client_id, new_secret) == 200
    assert _token_status(live_server, client_id, secret) == 200
    page.get_by_role("button", name="Jeg har kopieret den").click()

    # revoke: asked first, then it stops at once
    card.get_by_role("button", name="Tilbagekald").click()
    dialog = page.get_by_role("dialog", name="Tilbagekald Kommunens dashboard?")
    assert_no_axe_violations(page, "confirm revoking an api client")
    dialog.get_by_role("button", name="Tilbagekald").click()
    card.get_by_text("Tilbagekaldt").wait_for()
    assert card.get_by_role("button", name="Tilbagekald").count() == 0
    assert _token_status(live_server, client_id, new_secret) == 401
