"""Fixtures of the SSO tests: one real OpenID provider (oidc-provider, behind the relay) per test session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import auth, make_school, make_user
from tests.sso.harness import CLIENT_ID, CLIENT_SECRET, OpenIDProvider, browser_sign_in

APP_HOST = "http://localhost"  # the Flask test client's address


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenIDProvider]:
    """The provider, with Trivsel registered as a client for the first few provider ids of a test."""
    provider = OpenIDProvider(
        redirect_uris=[f"{APP_HOST}/api/v1/auth/sso/providers/{n}/callback" for n in range(1, 9)],
        post_logout_redirect_uris=[f"{APP_HOST}/"],
    )
    provider.start(tmp_path_factory.mktemp("oidc"))
    try:
        yield provider
    finally:
        provider.stop()


class Sso:
    """A school with an admin and a Unilogin-like provider set up through the API, and sign-in helpers."""

    def __init__(self, app: Any, client: Any, session: Any, provider: OpenIDProvider) -> None:
        self.app, self.client, self.session, self.provider = app, client, session, provider
        self.school = make_school(session)
        self.admin = make_user(session, self.school, "admin")
        self.admin_headers = auth(app, self.admin)
        self.provider_id = self.add_provider()

    def add_provider(self, **settings: Any) -> int:
        body = {
            "preset": "unilogin",
            "name": "Unilogin",
            "issuer": self.provider.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": "openid unilogin",
            **settings,
        }
        resp = self.client.post("/api/v1/sso/providers", json=body, headers=self.admin_headers)
        assert resp.status_code == 201, resp.json
        return resp.json["id"]

    def link(self, user: Any, subject: str, provider_id: int | None = None) -> Any:
        body = {"provider_id": provider_id or self.provider_id, "user_id": user.id, "subject": subject}
        return self.client.post("/api/v1/sso/links", json=body, headers=self.admin_headers)

    def start(self, provider_id: int | None = None, **query: Any) -> str:
        """Begin a sign-in: the authorization URL the app sends the browser to."""
        resp = self.client.get(
            f"/api/v1/auth/sso/providers/{provider_id or self.provider_id}/login", query_string=query
        )
        assert resp.status_code == 302, resp.data
        return resp.headers["Location"]

    def sign_in(self, login: str, *, two_factor: bool = False, provider_id: int | None = None, **query: Any):
        """A whole sign-in: returns the app's answer to the provider's redirect back (the callback)."""
        url = browser_sign_in(
            self.start(provider_id, **query), login, two_factor=two_factor, app_host=APP_HOST
        )
        return self.client.get(url.removeprefix(APP_HOST))


def csrf(client: Any) -> dict[str, str]:
    """The double-submit header a browser's write sends with the session cookies."""
    return {"X-CSRF-TOKEN": client.get_cookie("csrf_access_token").value}


def audited(session: Any, action: str) -> list[Any]:
    """The audit rows of an action, oldest first."""
    from sqlalchemy import select

    from api.core.audit import AuditEntry

    session.expire_all()
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )


def refusal(resp: Any) -> str | None:
    """The reason a sign-in page names, from the callback's redirect."""
    assert resp.status_code == 302, resp.data
    return parse_qs(urlsplit(resp.headers["Location"]).query).get("sso_error", [None])[0]


@pytest.fixture
def sso(app: Any, client: Any, session: Any, oidc_provider: OpenIDProvider) -> Sso:
    """The school, its admin and its Unilogin provider."""
    return Sso(app, client, session, oidc_provider)
