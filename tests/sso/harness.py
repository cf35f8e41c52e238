"""A real OpenID provider for the SSO tests: panva's oidc-provider (tests/sso/provider/server.mjs) on 127.0.0.1,
behind a transparent relay that can, when a test asks, replace the ID token of the next token response: the one
place an attacker between provider and Trivsel could act. Both are stopped by their PID."""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
CLIENT_ID = "trivsel"
CLIENT_SECRET = "test-client-secret-7f3a9c2e41b8d6"
KID = "unilogin-test-key"

# Test accounts, by the name typed on the provider's login page: like Unilogin, no name or institution.
ACCOUNTS = {
    "laerer": {"uniid": "uni-laerer-1", "aktoer_gruppe": "Medarbejder"},
    "leder": {"uniid": "uni-leder-1", "aktoer_gruppe": "Medarbejder"},
    "elev": {"uniid": "uni-elev-1", "aktoer_gruppe": "Elev"},
    "ekstern": {"uniid": "uni-ekstern-1", "aktoer_gruppe": "Ekstern"},
    "ukendt": {"uniid": "uni-ukendt-1", "aktoer_gruppe": "Medarbejder"},
    "inaktiv": {"uniid": "uni-inaktiv-1", "aktoer_gruppe": "Medarbejder"},
    # For the generic preset: a verified e-mail (Entra ID sends one).
    "mail": {
        "uniid": "uni-mail-1",
        "aktoer_gruppe": "Medarbejder",
        "email": "mail.person@example.dk",
        "email_verified": True,
    },
}


def free_port() -> int:
    """A port free on 127.0.0.1 just now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _b64json(part: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class Relay:
    """Forwards every request to the provider unchanged; `forge` (once) rewrites the next token response's
    id_token. It also remembers the ID tokens it saw, so a test can replay an old one."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.forge: Callable[[str], str] | None = None
        self.seen_id_tokens: list[str] = []
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("accept-encoding",)}
                conn = http.client.HTTPConnection("127.0.0.1", relay.upstream_port, timeout=30)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                except OSError:  # not started yet
                    self.send_error(502)
                    return
                upstream = conn.getresponse()
                data = upstream.read()
                if self.path.startswith("/token") and upstream.status == 200:
                    token = json.loads(data)
                    if "id_token" in token:
                        relay.seen_id_tokens.append(token["id_token"])
                        if relay.forge is not None:
                            token["id_token"], relay.forge = relay.forge(token["id_token"]), None
                    data = json.dumps(token).encode()
                self.send_response(upstream.status)
                for name, value in upstream.getheaders():
                    if name.lower() not in (
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "keep-alive",
                    ):
                        self.send_header(name, value)
                # One request per connection (HTTP/1.0): no client may reuse a socket this server closes.
                self.send_header("Connection", "close")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class OpenIDProvider:
    """The running provider: its issuer (the relay's address), its signing key and the relay."""

    def __init__(self, *, redirect_uris: list[str], post_logout_redirect_uris: list[str]) -> None:
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"}, private=True
        )
        self.port = free_port()
        self.relay = Relay(self.port)
        self.issuer = f"http://127.0.0.1:{self.relay.port}"
        self.redirect_uris = redirect_uris
        self.post_logout_redirect_uris = post_logout_redirect_uris
        self.process: subprocess.Popen[str] | None = None

    def start(self, config_dir: Path) -> None:
        """Start node and the relay; returns once the provider answers discovery."""
        config = {
            "issuer": self.issuer,
            "port": self.port,
            "accounts": ACCOUNTS,
            "jwks": {"keys": [self.key.as_dict(private=True)]},
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": self.redirect_uris,
                    "post_logout_redirect_uris": self.post_logout_redirect_uris,
                    "grant_types": ["authorization_code"],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "client_secret_basic",
                }
            ],
        }
        path = config_dir / "provider.json"
        path.write_text(json.dumps(config))
        self.relay.start()
        self.log = config_dir / "provider.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603
                ["node", str(PROVIDER_DIR / "server.mjs"), str(path)],  # noqa: S607
                cwd=PROVIDER_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "NODE_ENV": "test"},
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(self.issuer + "/.well-known/openid-configuration", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the test OpenID provider did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        """Stop node by its PID, and the relay."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.relay.stop()

    # Forgeries, each a function of the genuine ID token

    def claims(self, id_token: str) -> dict[str, Any]:
        """The claims of a token, unverified (the test knows where it came from)."""
        return _b64json(id_token.split(".")[1])

    def resign(self, id_token: str, *, key: RSAKey | None = None, **changes: Any) -> str:
        """The token's claims with `changes`, signed by `key` (default: the provider's own key)."""
        header_part, claims_part, _sig = id_token.split(".")
        claims = {**_b64json(claims_part), **changes}
        header = {"alg": "RS256", "kid": _b64json(header_part).get("kid", KID), "typ": "JWT"}
        return jwt.encode(header, claims, key or self.key)


def browser_sign_in(authorization_url: str, login: str, *, two_factor: bool = False, app_host: str) -> str:
    """Play the person at the provider with a plain HTTP session: open the authorization URL, fill in the login
    page, and follow the provider's redirects until one leads back to the app; returns that URL."""
    browser = requests.Session()
    resp = browser.get(authorization_url, allow_redirects=True, timeout=20)
    resp.raise_for_status()
    action = re.search(r'action="([^"]+)"', resp.text)
    assert action, resp.text[:500]
    form = {"login": login}
    if two_factor:
        form["tofaktor"] = "1"
    resp = browser.post(urljoin(resp.url, action.group(1)), data=form, allow_redirects=False, timeout=20)
    for _ in range(10):
        location = resp.headers.get("Location")
        assert location, (resp.status_code, resp.text[:500])
        url = urljoin(resp.url, location)
        if url.startswith(app_host):
            return url
        resp = browser.get(url, allow_redirects=False, timeout=20)
    raise AssertionError("the provider never sent the browser back")
