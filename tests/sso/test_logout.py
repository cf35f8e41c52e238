"""Logout ends an SSO login as it ends a password one (tokens revoked, cookies gone), and ends the provider's
session too through its end_session_endpoint (RP-initiated logout)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from tests.factories import make_user
from tests.sso.conftest import APP_HOST, csrf, refusal
from tests.sso.harness import CLIENT_ID


def test_logout_revokes_the_session_and_hands_the_browser_the_providers_end_session_url(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    sso.link(teacher, "uni-laerer-1")
    assert refusal(sso.sign_in("laerer")) is None
    id_token = sso.provider.relay.seen_id_tokens[-1]
    refresh_csrf = sso.client.get_cookie("csrf_refresh_token").value
    refresh_cookie = sso.client.get_cookie("refresh_token_cookie", path="/api/v1/auth/").value

    resp = sso.client.post("/api/v1/auth/sso/logout", headers=csrf(sso.client))

    assert resp.status_code == 200
    url = urlsplit(resp.json["end_session_url"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}" == sso.provider.issuer and url.path == "/session/end"
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [f"{APP_HOST}/"] and query["client_id"] == [CLIENT_ID]
    assert sso.client.get_cookie("access_token_cookie") is None
    assert sso.client.get("/api/v1/auth/me").status_code == 401
    sso.client.set_cookie("refresh_token_cookie", refresh_cookie, path="/api/v1/auth/")
    again = sso.client.post("/api/v1/auth/refresh", headers={"X-CSRF-TOKEN": refresh_csrf})
    assert again.status_code == 401  # the refresh token died with the login


def test_the_provider_session_ends_so_the_next_sign_in_asks_for_the_login_again(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    sso.link(teacher, "uni-laerer-1")
    browser = requests.Session()  # one browser at the provider for the whole test

    def sign_in_with(browser):
        resp = browser.get(sso.start(), allow_redirects=False, timeout=20)
        while "Location" in resp.headers and not resp.headers["Location"].startswith(APP_HOST):
            resp = browser.get(urljoin(resp.url, resp.headers["Location"]), allow_redirects=False, timeout=20)
        if "Location" in resp.headers:
            return resp.headers["Location"]  # straight back: the provider remembered the person
        action = re.search(r'action="([^"]+)"', resp.text).group(1)
        resp = browser.post(
            urljoin(resp.url, action), data={"login": "laerer"}, allow_redirects=False, timeout=20
        )
        while not resp.headers["Location"].startswith(APP_HOST):
            resp = browser.get(urljoin(resp.url, resp.headers["Location"]), allow_redirects=False, timeout=20)
        return None

    assert sign_in_with(browser) is None  # asked to log in
    back = sign_in_with(browser)
    assert back is not None  # the provider's session is still there: no login page
    assert refusal(sso.client.get(back.removeprefix(APP_HOST))) is None

    end = sso.client.post("/api/v1/auth/sso/logout", headers=csrf(sso.client)).json["end_session_url"]
    page = browser.get(end, timeout=20)  # the provider asks to confirm; the form confirms
    form = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text)
    done = browser.post(
        urljoin(page.url, form.group(1)), data={"xsrf": xsrf.group(1), "logout": "yes"}, allow_redirects=False
    )
    assert done.headers["Location"].startswith(f"{APP_HOST}/")

    assert sign_in_with(browser) is None  # the provider asks for the login again


def test_a_password_login_logs_out_with_nothing_more_to_do(sso):
    from tests.factories import PASSWORD

    teacher = make_user(sso.session, sso.school, "teacher")
    resp = sso.client.post(
        "/api/v1/auth/login", json={"email": teacher.email, "password": PASSWORD, "use_cookies": True}
    )
    assert resp.status_code == 200
    out = sso.client.post("/api/v1/auth/sso/logout", headers=csrf(sso.client))
    assert out.status_code == 200 and out.json == {"end_session_url": None}
    assert sso.client.get("/api/v1/auth/me").status_code == 401
