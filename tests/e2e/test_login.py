"""Login for every demo role: the right first screen and only the navigation the role may use."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import assert_no_axe_violations, login, logout, screenshot

pytestmark = pytest.mark.e2e

# (role, first screen heading, nav links it must have, nav links it must not have)
ROLES = [
    ("teacher", "Hvad skete der?", ["Hurtig registrering", "Legemakkere", "Sager"], ["Brugere"]),
    ("pedagogue", "Hvad skete der?", ["Hurtig registrering", "Observationer", "Sager"], ["Brugere"]),
    ("sfo_staff", "Hvad skete der?", ["Hurtig registrering", "Legemakkere", "Sager"], ["Brugere"]),
    ("resource_person", "Beskeder", ["Sager", "Hurtig registrering"], ["Brugere"]),
    ("leader", "Beskeder", ["Sager", "Beskeder"], ["Brugere"]),
    ("admin", "Brugere", ["Brugere", "Import af elever"], ["Hurtig registrering", "Sager"]),
]


def test_login_screen_is_accessible(page, screenshot_dir) -> None:
    page.goto("/")
    page.get_by_role("heading", name="Log ind").wait_for()
    assert_no_axe_violations(page, "login")
    screenshot(page, "01-login")


def test_wrong_password_is_told(page) -> None:
    page.goto("/")
    page.get_by_label("E-mail").fill("laerer@vestrup.example")
    page.get_by_label("Adgangskode").fill("not-the-password")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("alert").filter(has_text="Forkert e-mail eller adgangskode").wait_for()


@pytest.mark.parametrize(("role", "heading", "has", "has_not"), ROLES, ids=[r[0] for r in ROLES])
def test_login_each_role(page, role: str, heading: str, has: list[str], has_not: list[str]) -> None:
    login(page, role)
    page.get_by_role("heading", name=heading, level=1).wait_for()
    nav = page.get_by_role("navigation", name="Menu")
    for name in has:
        assert nav.get_by_role("link", name=name, exact=True).count() == 1, f"{role} should see {name}"
    for name in has_not:
        assert nav.get_by_role("link", name=name, exact=True).count() == 0, f"{role} should not see {name}"
    # The session survives a reload (cookies + remembered user), and logout returns to the login screen.
    page.reload()
    page.get_by_role("heading", name=heading, level=1).wait_for()
    logout(page)
    page.get_by_role("heading", name="Log ind").wait_for()
    assert page.evaluate("() => localStorage.getItem('trivsel.user')") is None
