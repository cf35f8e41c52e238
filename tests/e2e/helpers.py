"""Shared steps of the browser tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.conftest import AXE, DEMO, DEMO_PASSWORD, SCREENSHOTS

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# The demo users' names (api/demo.py), shown in the header once logged in.
NAMES = {
    "admin": "Anne Administrator",
    "leader": "Lars Skoleleder",
    "teacher": "Tina Lærer",
    "pedagogue": "Peter Pædagog",
    "sfo_staff": "Sofie SFO",
    "resource_person": "Rikke AKT-vejleder",
}


def login(page: Any, role: str) -> None:
    """Log in through the login screen as a demo user and wait for the header to name them."""
    page.goto("/")
    page.get_by_label("E-mail").fill(DEMO[role])
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    user_menu(page).wait_for()


def user_menu(page: Any) -> Any:
    """The header's button naming who is logged in (it opens language and logout)."""
    return page.locator("header .user-button")


def logout(page: Any) -> None:
    """Log out through the header's user menu and wait for the login screen."""
    user_menu(page).click()
    page.get_by_role("button", name="Log ud").click()
    page.get_by_role("heading", name="Log ind", level=1).wait_for()


def assert_no_axe_violations(page: Any, screen: str) -> None:
    """Run axe-core against the page for WCAG 2.1 A and AA; fail listing every violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # page.add_script_tag would inline the script, which the app's strict CSP (script-src 'self') rightly
        # blocks; evaluating through the DevTools protocol is not subject to CSP, so the real headers stay on.
        page.evaluate("() => {\n" + _axe_source() + "\n}")
    result = page.evaluate(
        "async (tags) => (await axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations"
        ".map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }))",
        WCAG_TAGS,
    )
    assert result == [], f"axe violations on {screen}:\n" + json.dumps(result, indent=2, ensure_ascii=False)


_AXE_SOURCE: list[str] = []


def _axe_source() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE.read_text(encoding="utf-8"))
    return _AXE_SOURCE[0]


def screenshot(page: Any, name: str) -> Path:
    """A screenshot of what the 360 x 740 phone shows into tests/e2e/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def wait_for_service_worker(page: Any) -> None:
    """Wait until the service worker controls the page (so the shell is cached for offline use)."""
    page.evaluate("() => navigator.serviceWorker.ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)


def wait_for_roster(page: Any, timeout_ms: int = 10_000) -> None:
    """Wait until the phone has stored the teacher's classes for offline name search."""
    count_js = """() => new Promise((resolve) => {
        const open = indexedDB.open('trivsel');
        open.onsuccess = () => {
            const count = open.result.transaction('roster').objectStore('roster').count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => resolve(0);
        };
        open.onerror = () => resolve(0);
    })"""
    # Polled from Python: wait_for_function would take the returned promise itself as truthy.
    for _ in range(timeout_ms // 100):
        if page.evaluate(count_js) > 0:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the roster of my classes was not stored on the phone")


def outbox_count(page: Any) -> int:
    """How many logs wait in the phone's outbox."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('trivsel');
            open.onsuccess = () => {
                const count = open.result.transaction('outbox').objectStore('outbox').count();
                count.onsuccess = () => resolve(count.result);
                count.onerror = () => reject(count.error);
            };
            open.onerror = () => reject(open.error);
        })"""
    )


def require(live_server: Any, *operations: tuple[str, str]) -> None:
    """Skip, naming the missing backend piece, when the running API does not have these operations yet."""
    missing = [
        f"{method.upper()} {path}" for path, method in operations if not live_server.has_path(path, method)
    ]
    if missing:
        import pytest

        pytest.skip("backend piece not there yet: " + ", ".join(missing))


def teacher_students(live_server: Any, count: int) -> list[dict[str, Any]]:
    """Students from the demo teacher's own classes, with distinct two-letter prefixes where possible."""
    import pytest

    classes = live_server.all_items("/api/v1/classes?mine=true", "teacher")
    students: list[dict[str, Any]] = []
    for c in classes:
        students += live_server.all_items(f"/api/v1/students?class_id={c['id']}", "teacher")
    if len(students) < count:
        pytest.skip(
            f"the demo teacher needs at least {count} students in their classes (found {len(students)})"
        )
    chosen: list[dict[str, Any]] = []
    seen: set[str] = set()
    for s in students:
        prefix = s["display_name"][:2].lower()
        if prefix not in seen:
            seen.add(prefix)
            chosen.append(s)
    for s in students:  # top up if the names share prefixes
        if len(chosen) >= count:
            break
        if s not in chosen:
            chosen.append(s)
    return chosen[:count]


def established_case(live_server: Any, description: str, *, by: str = "resource_person") -> dict[str, Any]:
    """A bullying case the demo teacher reported about two of their students, established by `by` (a role)."""
    [student, other] = teacher_students(live_server, 2)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {
            "classification": "bullying",
            "description": description,
            "students": [
                {"student_id": student["id"], "role": "target"},
                {"student_id": other["id"], "role": "actor"},
            ],
        },
        role="teacher",
    )
    live_server.request("POST", f"/api/v1/incidents/{incident['id']}/establish", {}, role=by)
    return incident


def incident_ids(live_server: Any) -> set[int]:
    """The ids of every incident the demo leader can see."""
    return {i["id"] for i in live_server.all_items("/api/v1/incidents", "leader")}


_ERGONOMICS_JS = """() => {
    const small = [];
    const seen = new Set();
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [role=button]')) {
        if (el.closest('.skip')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;  // not rendered
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden') continue;
        // A checkbox counts with its label, which is the target a thumb hits.
        const target = (el.type === 'checkbox' || el.type === 'radio') && el.closest('label') ? el.closest('label') : el;
        const t = target.getBoundingClientRect();
        if (t.height < 43.5 || t.width < 43.5) {
            const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.tagName).trim().slice(0, 40);
            const key = el.tagName + ':' + name;
            if (!seen.has(key)) { seen.add(key); small.push(`${key} ${Math.round(t.width)}x${Math.round(t.height)}`); }
        }
    }
    const doc = document.documentElement;
    const overflow = doc.scrollWidth > doc.clientWidth + 1
        ? [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1
            && !e.closest('.tabs') && !e.closest('.table-wrap')).map((e) => e.tagName + '.' + e.className).slice(0, 5)
        : [];
    return { small, overflow };
}"""


def assert_one_hand_friendly(page: Any, screen: str) -> None:
    """Every tap target at least 44 x 44 px, and nothing wider than the 360 px screen (no sideways scrolling)."""
    result = page.evaluate(_ERGONOMICS_JS)
    assert result == {"small": [], "overflow": []}, f"{screen}: " + json.dumps(result, ensure_ascii=False)
