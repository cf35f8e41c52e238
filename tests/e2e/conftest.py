"""Browser tests: the real app (Flask + the built frontend) in a background thread, driven by Debian's Chromium."""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("TRIVSEL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
DEMO_PASSWORD = "trivsel-demo"
DEMO = {
    "admin": "admin@vestrup.example",
    "leader": "leder@vestrup.example",
    "teacher": "laerer@vestrup.example",
    "pedagogue": "paedagog@vestrup.example",
    "sfo_staff": "sfo@vestrup.example",
    "resource_person": "akt@vestrup.example",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a built frontend the browser tests cannot run: skip locally, fail in CI."""
    if (DIST / "index.html").is_file() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(
        reason="frontend/dist/index.html is missing: run `npm run build` in frontend/ (make does)"
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


class LiveServer:
    """The app served on a free port, plus helpers that talk to its API like an integration would."""

    def __init__(self, app: Any, url: str) -> None:
        self.app = app
        self.url = url
        self._tokens: dict[str, str] = {}

    def has_path(self, path: str, method: str = "get") -> bool:
        """Whether the running API documents this operation (used to skip tests for missing backend parts)."""
        with self.app.app_context():
            spec = self.app.extensions["trivsel_api"].spec.to_dict()
        return method in spec.get("paths", {}).get(path, {})

    def token(self, role: str) -> str:
        if role not in self._tokens:
            body = self.request(
                "POST", "/api/v1/auth/login", {"email": DEMO[role], "password": DEMO_PASSWORD}
            )
            self._tokens[role] = body["access_token"]
        return self._tokens[role]

    def forget_token(self, role: str) -> None:
        """Log in again for this role's next request (a test that ended the role's sessions calls this)."""
        self._tokens.pop(role, None)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        role: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        return self.exchange(method, path, body, role, headers)[0]

    def exchange(
        self,
        method: str,
        path: str,
        body: Any = None,
        role: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[Any, Any]:
        """The response body and headers (for an ETag to send back as If-Match)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if role:
            req.add_header("Authorization", "Bearer " + self.token(role))
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return (json.loads(raw) if raw else None), resp.headers

    def all_items(self, path: str, role: str) -> list[dict[str, Any]]:
        """Every item of a paginated list."""
        items: list[dict[str, Any]] = []
        page = 1
        sep = "&" if "?" in path else "?"
        while True:
            data = self.request("GET", f"{path}{sep}page={page}&page_size=100", role=role)
            items += data["items"]
            if page * data["page_size"] >= data["total"]:
                return items
            page += 1


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app with the demo school, on 127.0.0.1 and a free port, for the whole session."""
    from werkzeug.serving import make_server

    from api import create_app, discovery
    from api.core import audit
    from api.core.db import Base, db
    from api.demo import load_demo

    if not (DIST / "index.html").is_file():
        pytest.fail(
            "frontend/dist/index.html is missing: build the frontend (`npm run build` in frontend/) first"
        )
    tmp = tmp_path_factory.mktemp("e2e")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'e2e.db'}",
            "TESTING": True,
            "ARGON2_PARAMS": (1, 8, 1),  # fast hashing; production uses argon2id defaults
            "LOGIN_RATE_LIMIT": "1000 per minute",  # the suite logs in more often than a person would
            "FRONTEND_DIST": str(DIST),
        }
    )
    discovery.load_models()
    with app.app_context():
        Base.metadata.create_all(db.engine)
        load_demo(db.session)
        audit.flush_pending(db.session)
        db.session.commit()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        message = f"no Chromium at {CHROMIUM} (install Debian's chromium, or set TRIVSEL_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh phone-sized browser profile (own cookies, IndexedDB, service worker)."""
    ctx = browser.new_context(
        viewport=PHONE, base_url=live_server.url, locale="da-DK", timezone_id="Europe/Copenhagen"
    )
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A page that fails the test on a CSP violation or an uncaught script error."""
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on(
        "console",
        lambda msg: (
            problems.append(f"console: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    yield pg
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
