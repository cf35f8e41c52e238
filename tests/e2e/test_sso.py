"""Signing in with Unilogin in Chromium, against a real OpenID provider (oidc-provider) on 127.0.0.1: the button,
the provider's login page, landing logged in; a pupil refused with a Danish explanation; the step-up to two
factors for case work; logout that ends the provider's session too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_axe_violations, login, logout, user_menu
from tests.sso.harness import CLIENT_ID, CLIENT_SECRET, OpenIDProvider

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def unilogin(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The provider, set up for the demo school by its admin, with the demo teacher's uniid linked."""
    provider = OpenIDProvider(
        redirect_uris=[f"{live_server.url}/api/v1/auth/sso/providers/{n}/callback" for n in range(1, 21)],
        post_logout_redirect_uris=[f"{live_server.url}/"],
    )
    provider.start(tmp_path_factory.mktemp("oidc-e2e"))
    created = None
    try:
        created = live_server.request(
            "POST",
            "/api/v1/sso/providers",
            {
                "preset": "unilogin",
                "name": "Unilogin",
                "issuer": provider.issuer,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "scopes": "openid unilogin",
            },
            role="admin",
        )
        teacher = live_server.request("GET", "/api/v1/users?q=laerer%40vestrup", role="admin")["items"][0]
        live_server.request(
            "POST",
            "/api/v1/sso/links",
            {"provider_id": created["id"], "user_id": teacher["id"], "subject": "uni-laerer-1"},
            role="admin",
        )
        yield {"provider": provider, "id": created["id"]}
    finally:
        if created is not None:
            live_server.request("DELETE", f"/api/v1/sso/providers/{created['id']}", role="admin")
        provider.stop()


def _two_factor_for_cases(live_server: Any, on: bool) -> None:
    _, headers = live_server.exchange("GET", "/api/v1/schools/current", role="admin")
    live_server.request(
        "PATCH",
        "/api/v1/schools/current",
        {"case_work_requires_two_factor": on},
        role="admin",
        headers={"If-Match": headers["ETag"]},
    )


def _at_provider(page: Any, login: str, *, two_factor: bool = False) -> None:
    page.get_by_role("heading", name="Test-Unilogin").wait_for()
    page.get_by_label("Brugernavn").fill(login)
    if two_factor:
        page.get_by_label("Anden faktor (MitID)").check()
    page.get_by_role("button", name="Log ind").click()


def test_a_teacher_signs_in_with_unilogin_and_logs_out_of_unilogin_too(page: Any, unilogin: dict) -> None:
    page.goto("/")
    page.get_by_role("link", name="Log ind med Unilogin").click()
    _at_provider(page, "laerer")
    page.get_by_role("heading", name="Hvad skete der?", level=1).wait_for()
    assert "sso=ok" not in page.url  # the app tidied its address

    user_menu(page).click()
    page.get_by_role("button", name="Log ud").click()
    # The provider asks to confirm ending its session, then sends the browser back to the app.
    page.get_by_role("button", name="Yes, sign me out").click()
    page.get_by_role("heading", name="Log ind", level=1).wait_for()

    # The provider's session is gone: signing in again asks for the login.
    page.get_by_role("link", name="Log ind med Unilogin").click()
    page.get_by_role("heading", name="Test-Unilogin").wait_for()


def test_a_pupil_is_told_in_danish_why_not(page: Any, unilogin: dict) -> None:
    page.goto("/")
    page.get_by_role("link", name="Log ind med Unilogin").click()
    _at_provider(page, "elev")
    alert = page.get_by_role("alert").filter(has_text="Du blev ikke logget ind")
    alert.wait_for()
    assert "Elever kan ikke logge ind" in alert.inner_text()
    assert "sso_error" not in page.url
    page.get_by_role("link", name="Log ind med Unilogin").wait_for()
    assert_no_axe_violations(page, "login-sso-refused")


def test_case_work_asks_a_one_factor_login_to_step_up(page: Any, unilogin: dict, live_server: Any) -> None:
    _two_factor_for_cases(live_server, True)
    try:
        page.goto("/")
        page.get_by_role("link", name="Log ind med Unilogin").click()
        _at_provider(page, "laerer")
        page.get_by_role("heading", name="Hvad skete der?", level=1).wait_for()

        page.goto("/#/cases")
        page.get_by_role("heading", name="Sager kræver login med to faktorer").wait_for()
        page.get_by_role("link", name="Log ind med to faktorer (Unilogin)").click()
        _at_provider(page, "laerer", two_factor=True)
        page.get_by_role("heading", name="Sager", level=1).wait_for()
        assert page.url.endswith("#/cases")
        assert page.get_by_role("heading", name="Sager kræver login med to faktorer").count() == 0
    finally:
        _two_factor_for_cases(live_server, False)


def test_the_admin_screen_shows_the_provider_and_links_a_uniid(
    page: Any, unilogin: dict, live_server: Any
) -> None:
    leader = live_server.request("GET", "/api/v1/users?q=leder%40vestrup", role="admin")["items"][0]
    login(page, "admin")
    page.get_by_role("link", name="Log ind-udbydere").click()
    page.get_by_role("heading", name="Log ind med Unilogin og kommunens login", level=1).wait_for()
    page.get_by_text("Hemmelighed gemt (vises aldrig)").wait_for()
    assert CLIENT_SECRET not in page.content()
    page.get_by_text(f"/api/v1/auth/sso/providers/{unilogin['id']}/callback").wait_for()
    assert_no_axe_violations(page, "sso-admin")

    links = page.get_by_role("region", name="Knyt login til brugere")
    links.locator("select").first.select_option(label=f"{leader['name']} ({leader['email']})")
    page.get_by_label("Id hos udbyderen (Unilogin: UNI-id)").fill("uni-leder-1")
    page.get_by_role("button", name="Knyt", exact=True).click()
    page.get_by_text("uni-leder-1").wait_for()
    logout(page)

    page.get_by_role("link", name="Log ind med Unilogin").click()
    _at_provider(page, "leder")
    page.get_by_role("heading", name="Beskeder", level=1).wait_for()


def _school_rule(live_server: Any) -> bool:
    return live_server.request("GET", "/api/v1/schools/current", role="admin")[
        "case_work_requires_two_factor"
    ]


def test_the_admin_changes_the_schools_login_rules(page: Any, live_server: Any) -> None:
    """Each rule is saved when its box is ticked (PATCH with the school's ETag), and again when cleared."""
    assert _school_rule(live_server) is False
    login(page, "admin")
    page.goto("/#/admin/sso")
    rules = page.get_by_role("region", name="Skolens loginregler")
    box = rules.get_by_label("Kræv to faktorer for sagsarbejde")
    try:
        # The save reloads the school: the second change sends the ETag that reload brought.
        with (
            page.expect_response(
                lambda r: r.url.endswith("/api/v1/schools/current") and r.request.method == "GET"
            ),
            page.expect_response(
                lambda r: r.url.endswith("/api/v1/schools/current") and r.request.method == "PATCH"
            ) as on,
        ):
            box.click()
        assert on.value.status == 200
        rules.get_by_role("status").filter(has_text="Gemt.").wait_for()
        assert _school_rule(live_server) is True
        expect(box).to_be_checked()
        with page.expect_response(
            lambda r: r.url.endswith("/api/v1/schools/current") and r.request.method == "PATCH"
        ) as off:
            box.click()
        assert off.value.status == 200
        assert _school_rule(live_server) is False
        expect(box).not_to_be_checked()
        # A save that does not get through: the box shows what is stored again, and the screen says why.
        page.route(
            "**/api/v1/schools/current",
            lambda route: route.abort() if route.request.method == "PATCH" else route.continue_(),
        )
        box.click()
        rules.get_by_role("alert").wait_for()
        expect(box).not_to_be_checked()
        assert _school_rule(live_server) is False
        page.unroute("**/api/v1/schools/current")
    finally:
        if _school_rule(live_server):
            _two_factor_for_cases(live_server, False)


def _providers(live_server: Any) -> list[dict[str, Any]]:
    return live_server.request("GET", "/api/v1/sso/providers?page_size=100", role="admin")["items"]


def test_the_admin_sets_up_a_provider_from_the_form(page: Any, live_server: Any) -> None:
    """The new-provider form saves a provider with the chosen preset; its secret is stored, never shown."""
    login(page, "admin")
    page.goto("/#/admin/sso")
    page.get_by_role("heading", name="Log ind med Unilogin og kommunens login", level=1).wait_for()
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Ny udbyder"))
    form.get_by_label("Type").select_option(label="OpenID Connect (Entra ID, AD FS …)")
    form.get_by_label("Navn på knappen").fill("Kommunens login")
    form.get_by_label("Issuer (udsteder-URL)").fill("https://login.example.dk/vestrup/v2.0")
    form.get_by_label("Klient-id").fill("trivsel-vestrup")
    form.get_by_label("Klienthemmelighed").fill("en-hemmelighed-fra-kommunen")
    created = None
    try:
        with page.expect_response(
            lambda r: r.url.endswith("/api/v1/sso/providers") and r.request.method == "POST"
        ) as sent:
            form.get_by_role("button", name="Opret udbyder").click()
        assert sent.value.status == 201
        created = sent.value.json()["id"]
        page.locator("li.card").filter(has_text="Kommunens login").get_by_text(
            "Hemmelighed gemt (vises aldrig)"
        ).wait_for()
        [saved] = [p for p in _providers(live_server) if p["id"] == created]
        assert (saved["preset"], saved["issuer"], saved["client_id"], saved["has_client_secret"]) == (
            "oidc",
            "https://login.example.dk/vestrup/v2.0",
            "trivsel-vestrup",
            True,
        )
        assert "en-hemmelighed-fra-kommunen" not in page.content()
    finally:
        if created is not None:
            live_server.request("DELETE", f"/api/v1/sso/providers/{created}", role="admin")


def test_the_admin_removes_a_users_link(page: Any, live_server: Any) -> None:
    """The link's "Fjern" button deletes the link: that id no longer signs the user in."""
    provider = live_server.request(
        "POST",
        "/api/v1/sso/providers",
        {
            "preset": "oidc",
            "name": "Kommunens AD",
            "issuer": "https://adfs.example.dk/adfs",
            "client_id": "trivsel",
            "client_secret": "en-anden-hemmelighed",
        },
        role="admin",
    )
    try:
        pedagogue = live_server.request("GET", "/api/v1/users?q=paedagog%40vestrup", role="admin")["items"][0]
        link = live_server.request(
            "POST",
            "/api/v1/sso/links",
            {"provider_id": provider["id"], "user_id": pedagogue["id"], "subject": "ad-paedagog-7"},
            role="admin",
        )
        login(page, "admin")
        page.goto("/#/admin/sso")
        card = (
            page.get_by_role("region", name="Knyt login til brugere")
            .locator("li.card")
            .filter(has_text="ad-paedagog-7")
        )
        card.get_by_role("button", name="Fjern koblingen af").click()
        # Removing the link logs the person out at once, so it is asked first.
        dialog = page.get_by_role("dialog")
        assert "bliver logget ud" in dialog.inner_text()
        dialog.get_by_role("button", name="Fjern", exact=True).click()
        card.wait_for(state="detached")
        links = live_server.request("GET", "/api/v1/sso/links?page_size=100", role="admin")["items"]
        assert link["id"] not in [x["id"] for x in links]
    finally:
        # The pedagogue was logged out everywhere: a token an earlier test kept for them no longer works.
        live_server.forget_token("pedagogue")
        live_server.request("DELETE", f"/api/v1/sso/providers/{provider['id']}", role="admin")
