"""Steps of the quick-log browser tests (test_quicklog.py, test_outbox.py): tapping, logging, the receipt."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.helpers import (
    incident_ids,
    login,
    require,
    teacher_students,
    wait_for_roster,
    wait_for_service_worker,
)

NEEDS = (
    ("/api/v1/classes", "get"),
    ("/api/v1/students", "get"),
    ("/api/v1/incidents", "post"),
    ("/api/v1/incidents", "get"),
)


class Taps:
    """Counts what the user taps and types; a tap on something outside the screen counts as a scroll too."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.count = 0
        self.keys = 0
        self.scrolls = 0

    def __call__(self, locator: Any) -> None:
        if not in_view(self.page, locator):
            self.scrolls += 1
        locator.click()
        self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)


def in_view(page: Any, locator: Any) -> bool:
    """Whether the element is wholly on screen and not under the sticky header or save bar."""
    return locator.evaluate(
        """(el) => {
            const r = el.getBoundingClientRect();
            const top = document.querySelector('header.top')?.getBoundingClientRect().bottom ?? 0;
            const bar = document.querySelector('.save-bar');
            const bottom = bar && !bar.contains(el) ? bar.getBoundingClientRect().top : window.innerHeight;
            return r.top >= top && r.bottom <= bottom;
        }"""
    )


def student_button(page: Any, name: str) -> Any:
    return page.get_by_role("button", name=re.compile("^" + re.escape(name)))


def role_button(page: Any, name: str, role: str) -> Any:
    return page.get_by_role("group", name=f"Rolle for {name}").get_by_role("button", name=role, exact=True)


def log_incident(page: Any, name: str, what: str, taps: Taps, role: str | None = None) -> None:
    """Type two letters of the name into the (already focused) name field, pick the student, the kind, save."""
    taps.type(name[:2])
    taps(student_button(page, name).first)
    if role:
        taps(role_button(page, name, role))
    taps(page.get_by_role("button", name=what, exact=True))
    taps(page.get_by_role("button", name="Gem", exact=True))


def badge(page: Any) -> Any:
    return page.get_by_role("link", name=re.compile(r"\d+ venter"))


def receipt(page: Any) -> Any:
    return page.locator(".save-bar [role=status]")


def newest_incident(live_server: Any, before: set[int]) -> dict[str, Any]:
    [new] = incident_ids(live_server) - before
    return live_server.request("GET", f"/api/v1/incidents/{new}", role="leader")


def start_observation(page: Any, live_server: Any) -> dict[str, Any]:
    """As the demo teacher: pick one of their students in the quick log and choose "Observation"."""
    [student] = teacher_students(live_server, 1)
    login(page, "teacher")
    wait_for_roster(page)
    page.keyboard.type(student["display_name"][:2])
    student_button(page, student["display_name"]).first.click()
    page.get_by_role("button", name="Observation", exact=True).click()
    return student


def offline_teacher(page: Any, context: Any, live_server: Any) -> tuple[dict[str, Any], set[int]]:
    """The demo teacher logged in with the app installed and the roster on the phone, then offline: one of
    their students, and the incidents the server had before."""
    require(live_server, *NEEDS)
    [student] = teacher_students(live_server, 1)
    before = incident_ids(live_server)
    login(page, "teacher")
    wait_for_service_worker(page)
    wait_for_roster(page)
    context.set_offline(True)
    return student, before
