"""Installable and offline-safe: the manifest and icons, the service worker's shell cache, no child data cached."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.e2e.helpers import login, wait_for_service_worker

pytestmark = pytest.mark.e2e


def test_manifest_and_icons_make_the_app_installable(page, live_server) -> None:
    page.goto("/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    with urllib.request.urlopen(live_server.url + href) as resp:
        manifest = json.loads(resp.read())
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone" and manifest["lang"] == "da"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        with urllib.request.urlopen(live_server.url + icon["src"]) as resp:
            assert resp.status == 200 and resp.headers["Content-Type"].startswith("image/")


def test_service_worker_caches_the_shell_but_never_the_api(page, context, live_server) -> None:
    login(page, "teacher")
    wait_for_service_worker(page)
    page.get_by_role("link", name="Legemakkere").click()  # some API traffic while the worker is in control
    page.get_by_role("heading", level=1).wait_for()
    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    assert "/" in cached and any(u.startswith("/assets/") and u.endswith(".js") for u in cached)
    assert not [u for u in cached if u.startswith("/api/")], cached

    context.set_offline(True)
    page.reload()
    # The shell, the lazily loaded screen and the session survive offline; the data needs the network.
    page.get_by_role("heading", name="Legemakker-aftaler i dag", level=1).wait_for()
    page.get_by_text("Du er offline").wait_for()
    page.get_by_role("alert").filter(has_text="Kræver netforbindelse").wait_for()
    context.set_offline(False)
