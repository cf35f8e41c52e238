"""Case work: a leader is told of every established bullying case and works it from the phone or laptop."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import (
    assert_no_axe_violations,
    established_case,
    login,
    logout,
    require,
    screenshot,
    teacher_students,
)

pytestmark = pytest.mark.e2e


def test_leader_sees_notification_of_established_bullying_and_opens_the_case(
    page, live_server, screenshot_dir
) -> None:
    require(
        live_server,
        ("/api/v1/incidents", "post"),
        ("/api/v1/incidents/{incident_id}/establish", "post"),
        ("/api/v1/notifications", "get"),
        ("/api/v1/classes", "get"),
        ("/api/v1/students", "get"),
    )
    [student, other] = teacher_students(live_server, 2)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {
            "classification": "bullying",
            "place": "schoolyard",
            "description": "Holdes udenfor i frikvarteret igen",
            "students": [
                {"student_id": student["id"], "role": "target"},
                {"student_id": other["id"], "role": "actor"},
            ],
        },
        role="teacher",
    )
    live_server.request("POST", f"/api/v1/incidents/{incident['id']}/establish", {}, role="resource_person")

    login(page, "leader")
    page.get_by_role("heading", name="Beskeder", level=1).wait_for()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Åbn sag")).first
    card.wait_for()
    assert_no_axe_violations(page, "notifications")
    screenshot(page, "07-leader-notifications")

    page.locator(f"a[href='#/cases/{incident['id']}']").first.click()
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    page.get_by_role("heading", name="De fem parter").wait_for()
    audiences = page.get_by_role("region", name="De fem parter")
    assert audiences.get_by_role("heading", level=3).count() == 5  # the five audiences
    page.get_by_text(
        re.compile(r"Frist: .*uge \d+")
    ).first.wait_for()  # the action plan's deadline, with week
    assert_no_axe_violations(page, "case")
    screenshot(page, "08-leader-case")

    # Tick an audience action and save it (ETag / If-Match round trip).
    page.get_by_text("Henter …").first.wait_for(state="detached")
    students = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="De involverede elever")
    )
    students.get_by_role("button", name="Samtale").click()
    # The save's answer, not the heading (already on the page), says the PATCH has landed.
    with page.expect_response(
        lambda r: "/audiences/" in r.url and r.request.method == "PATCH", timeout=15_000
    ) as answer:
        students.get_by_role("button", name="Gem").click()
    assert answer.value.status == 200
    page.get_by_role("heading", name="De involverede elever").wait_for()
    saved = live_server.request("GET", f"/api/v1/incidents/{incident['id']}", role="leader")
    audience = next(a for a in saved["audiences"] if a["audience"] == "students")
    assert audience["actions"] == ["talk"]

    page.goto("/#/cases")
    page.get_by_role("heading", name="Sager", level=1).wait_for()
    page.get_by_text("Henter …").wait_for(state="detached")
    assert_no_axe_violations(page, "cases")
    screenshot(page, "09-leader-cases")


def test_reporter_sees_the_course_of_their_case_but_not_the_case_work(page, live_server) -> None:
    require(live_server, ("/api/v1/incidents/{incident_id}/timeline", "get"))
    incident = established_case(live_server, "Skubbet i garderoben")
    login(page, "teacher")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    page.get_by_role("heading", name="Sagens forløb").wait_for()
    page.locator("ol.timeline").get_by_text("Indberettet").wait_for()
    view = live_server.request("GET", f"/api/v1/incidents/{incident['id']}", role="teacher")["view"]
    if view == "reporter":
        assert page.get_by_role("heading", name="Eksterne samarbejdspartnere").count() == 0
        assert page.get_by_role("heading", name="Elevens perspektiv").count() == 0
    assert_no_axe_violations(page, "case as its reporter")


def _status_buttons(page) -> list[str]:
    """The labels of the case's status buttons ("Skift status til …")."""
    return page.get_by_role("button", name=re.compile(r"^Skift status til ")).all_inner_texts()


def test_status_buttons_follow_what_the_api_allows_this_user(page, live_server) -> None:
    """Class staff who work a case may move it (open → investigating); its reporter alone may not."""
    [student, other] = teacher_students(live_server, 2)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {
            "classification": "bullying",
            "description": "Gemmer en andens madpakke i SFO",
            "students": [
                {"student_id": student["id"], "role": "target"},
                {"student_id": other["id"], "role": "actor"},
            ],
        },
        role="sfo_staff",
    )
    case_path = f"/api/v1/incidents/{incident['id']}"
    heading = re.compile(rf"Sag #{incident['id']}")

    # The class teacher works the case: exactly the moves the API lists, and no owner action.
    as_teacher = live_server.request("GET", case_path, role="teacher")
    assert as_teacher["view"] == "full"
    assert "investigating" in as_teacher["allowed_transitions"]
    login(page, "teacher")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=heading, level=1).wait_for()
    group = page.get_by_role("group", name="Skift status")
    group.get_by_role("button", name="Skift status til Undersøges").wait_for()
    labels = {"open": "Åben", "investigating": "Undersøges", "action_plan": "Handlingsplan"}
    labels |= {"monitoring": "Følges", "closed": "Lukket"}
    expected = sorted(f"Skift status til {labels[s]}" for s in as_teacher["allowed_transitions"])
    assert sorted(_status_buttons(page)) == expected
    assert page.get_by_role("button", name="Konstatér mobning").count() == 0

    group.get_by_role("button", name="Skift status til Undersøges").click()
    page.locator(".pill").filter(has_text="Undersøges").wait_for()
    after = live_server.request("GET", case_path, role="teacher")
    assert after["status"] == "investigating"
    page.get_by_role("button", name="Skift status til Undersøges").wait_for(state="detached")
    expected = sorted(f"Skift status til {labels[s]}" for s in after["allowed_transitions"])
    assert sorted(_status_buttons(page)) == expected
    assert "Skift status til Handlingsplan" not in expected  # owners only
    assert_no_axe_violations(page, "case worked by class staff")

    # The SFO colleague only reported it: the course of the case, but no status buttons.
    logout(page)
    as_reporter = live_server.request("GET", case_path, role="sfo_staff")
    assert (as_reporter["view"], as_reporter["allowed_transitions"]) == ("reporter", [])
    login(page, "sfo_staff")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=heading, level=1).wait_for()
    page.get_by_role("heading", name="Sagens forløb").wait_for()
    assert _status_buttons(page) == []
    assert page.get_by_role("group", name="Skift status").count() == 0


def test_teachers_have_cases_with_their_own_reports_first(page, live_server) -> None:
    """Item 7: a teacher reaches the cases the API lets them see, their own reports under "Mine registreringer"."""
    [student, other] = teacher_students(live_server, 2)
    mine = live_server.request(
        "POST",
        "/api/v1/incidents",
        {"classification": "exclusion", "students": [{"student_id": student["id"], "role": "target"}]},
        role="teacher",
    )
    theirs = live_server.request(
        "POST",
        "/api/v1/incidents",
        {"classification": "conflict", "students": [{"student_id": other["id"], "role": "actor"}]},
        role="sfo_staff",
    )
    login(page, "teacher")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sager", exact=True).click()
    page.get_by_role("heading", name="Sager", level=1).wait_for()
    page.get_by_role("heading", name="Mine registreringer", level=2).wait_for()
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings[0] == "Mine registreringer", headings
    own = page.get_by_role("region", name="Mine registreringer")
    card = own.get_by_role("listitem").filter(has=page.locator(f"a[href='#/cases/{mine['id']}']"))
    card.locator(".pill").filter(has_text="Åben").wait_for()
    # The SFO colleague's case about a child of the teacher's class: visible to her, but not among her own.
    seen = {i["id"] for i in live_server.all_items("/api/v1/incidents", "teacher")}
    if theirs["id"] in seen:
        page.get_by_role("region", name="Andre sager, du arbejder med").locator(
            f"a[href='#/cases/{theirs['id']}']"
        ).wait_for()
        assert own.locator(f"a[href='#/cases/{theirs['id']}']").count() == 0
    assert_no_axe_violations(page, "teacher's cases")
    screenshot(page, "24-teacher-cases")


def test_establishing_bullying_and_closing_a_case_ask_first(page, live_server) -> None:
    """Item 8: "Konstatér mobning" and closing say what will happen, and nothing happens on "Annuller"."""
    require(live_server, ("/api/v1/incidents/{incident_id}/establish", "post"))
    [student, other] = teacher_students(live_server, 2)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {
            "classification": "bullying",
            "students": [
                {"student_id": student["id"], "role": "target"},
                {"student_id": other["id"], "role": "actor"},
            ],
        },
        role="teacher",
    )
    case_path = f"/api/v1/incidents/{incident['id']}"
    login(page, "resource_person")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("heading", name=re.compile(rf"Sag #{incident['id']}"), level=1).wait_for()
    page.get_by_role("button", name="Konstatér mobning").click()
    dialog = page.get_by_role("dialog", name="Konstatér mobning?")
    dialog.get_by_text("10 arbejdsdage").wait_for()
    assert "ledere får besked" in dialog.inner_text()
    assert_no_axe_violations(page, "confirm establishing bullying")
    screenshot(page, "25-confirm-establish")
    dialog.get_by_role("button", name="Annuller").click()
    assert live_server.request("GET", case_path, role="leader")["established_at"] is None
    page.get_by_role("button", name="Konstatér mobning").click()
    page.get_by_role("dialog").get_by_role("button", name="Konstatér mobning").click()
    page.get_by_role("status").filter(has_text="Mobning er konstateret").wait_for()
    assert live_server.request("GET", case_path, role="leader")["established_at"] is not None

    # Closing asks too (a case without established bullying, which a class teacher may close).
    fresh = live_server.request(
        "POST",
        "/api/v1/incidents",
        {"classification": "conflict", "students": [{"student_id": student["id"], "role": "actor"}]},
        role="teacher",
    )
    page.goto(f"/#/cases/{fresh['id']}")
    page.get_by_role("heading", name=re.compile(rf"Sag #{fresh['id']}"), level=1).wait_for()
    page.get_by_role("button", name="Skift status til Lukket").click()
    dialog = page.get_by_role("dialog", name="Luk sagen?")
    dialog.get_by_role("button", name="Annuller").click()
    assert live_server.request("GET", f"/api/v1/incidents/{fresh['id']}", role="leader")["status"] == "open"
    page.get_by_role("button", name="Skift status til Lukket").click()
    page.get_by_role("dialog").get_by_role("button", name="Luk sagen").click()
    page.locator(".pill").filter(has_text="Lukket").first.wait_for()
    assert live_server.request("GET", f"/api/v1/incidents/{fresh['id']}", role="leader")["status"] == "closed"


def test_notifications_are_put_into_danish_from_their_kind(page, live_server) -> None:
    """Item 10: "Beskeder", each said in Danish from its kind (and parameters): never the server's sentence."""
    require(
        live_server, ("/api/v1/notifications", "get"), ("/api/v1/incidents/{incident_id}/establish", "post")
    )
    incident = established_case(live_server, "Drillet på vej hjem")
    items = live_server.request("GET", "/api/v1/notifications?page_size=100", role="leader")["items"]
    ours = [n for n in items if n["incident_id"] == incident["id"] and n["kind"] == "bullying_established"]
    assert ours, "the leader is told of established bullying"
    login(page, "leader")
    page.get_by_role("heading", name="Beskeder", level=1).wait_for()
    card = page.get_by_role("listitem").filter(has=page.locator(f"a[href='#/cases/{incident['id']}']")).first
    text = card.inner_text()
    assert f"er konstateret (sag #{incident['id']})" in text, text
    english = ours[0].get("message")
    if english:
        assert english not in text
    if "params" in ours[0]:  # once notifications carry their parameters (branch audit-cases)
        assert text.startswith("Ulæst\nMobning er konstateret") or "Mobning er konstateret" in text
        assert "Handlingsplanen skal foreligge senest" in text


def test_a_status_change_uses_the_version_the_user_read(page, live_server) -> None:
    """Issue 10 item 9: changing status sends the ETag read with the page, so a change made meanwhile is not lost."""
    [student] = teacher_students(live_server, 1)
    incident = live_server.request(
        "POST",
        "/api/v1/incidents",
        {"classification": "conflict", "students": [{"student_id": student["id"], "role": "actor"}]},
        role="teacher",
    )
    case_path = f"/api/v1/incidents/{incident['id']}"
    login(page, "teacher")
    page.goto(f"/#/cases/{incident['id']}")
    page.get_by_role("button", name="Skift status til Undersøges").wait_for()
    _, headers = live_server.exchange("GET", case_path, role="leader")
    live_server.request(
        "PATCH",
        case_path,
        {"description": "Ændret imens"},
        role="leader",
        headers={"If-Match": headers["ETag"]},
    )
    page.get_by_role("button", name="Skift status til Undersøges").click()
    page.get_by_role("alert").filter(has_text="Nogen har ændret dette imens").wait_for()
    assert live_server.request("GET", case_path, role="leader")["status"] == "open"


def test_a_notification_is_marked_read(page, live_server) -> None:
    """The "Markér som læst" button stores the reading (the notification's read_at), and the card is no longer
    unread; a refused write says so."""
    require(live_server, ("/api/v1/notifications/{notification_id}/read", "post"))
    incident = established_case(live_server, "Låst inde på toilettet")
    items = live_server.all_items("/api/v1/notifications", "leader")
    [ours] = [n for n in items if n["incident_id"] == incident["id"] and n["kind"] == "bullying_established"]
    assert ours["read_at"] is None
    login(page, "leader")
    card = page.get_by_role("listitem").filter(has_text=f"er konstateret (sag #{incident['id']})")
    card.get_by_text("Ulæst").wait_for()
    # A refused write says so, and the card stays unread.
    read_path = f"**/api/v1/notifications/{ours['id']}/read"
    page.route(read_path, lambda route: route.fulfill(status=503, body="{}"))
    card.get_by_role("button", name="Markér som læst").click()
    page.get_by_role("alert").wait_for()
    page.unroute(read_path)
    assert card.get_by_text("Ulæst").count() == 1
    with page.expect_response(
        lambda r: r.url.endswith(f"/notifications/{ours['id']}/read") and r.request.method == "POST"
    ) as sent:
        card.get_by_role("button", name="Markér som læst").click()
    assert sent.value.status == 200
    card.get_by_role("button", name="Markér som læst").wait_for(state="detached")
    assert card.get_by_text("Ulæst").count() == 0
    assert page.get_by_role("alert").count() == 0
    items = live_server.all_items("/api/v1/notifications", "leader")
    assert next(n for n in items if n["id"] == ours["id"])["read_at"] is not None
