"""The screens the app offers each user come from the server (`GET /auth/me`, the login's answer), decided
by each domain's own rules: every role's list, and a screen is offered only where its reads answer 200."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, auth, make_user
from tests.matrix import ROLES, tenant

CHILD_FACING = [
    "log",
    "notifications",
    "cases",
    "students",
    "play_partners",
    "observations",
    "wellbeing_days",
]
EXPECTED = {
    "teacher": [*CHILD_FACING, "strategy"],
    "pedagogue": [*CHILD_FACING, "strategy"],
    "sfo_staff": [*CHILD_FACING, "strategy"],
    "resource_person": ["log", "overview", *CHILD_FACING[1:], "strategy"],
    "leader": ["log", "overview", *CHILD_FACING[1:], "strategy", "classes"],
    "admin": ["notifications", "strategy", "users", "classes", "import", "api_clients", "sso"],
}
HOME = {
    "teacher": "log",
    "pedagogue": "log",
    "sfo_staff": "log",
    "resource_person": "notifications",
    "leader": "notifications",
    "admin": "users",
}
# What each screen reads first: offering a screen whose reads the API refuses would show an error page.
READS = {
    "log": ["/api/v1/observations", "/api/v1/students"],
    "overview": ["/api/v1/attention", "/api/v1/analytics/heatmap", "/api/v1/analytics/class-trend"],
    "notifications": ["/api/v1/notifications"],
    "cases": ["/api/v1/incidents"],
    "students": ["/api/v1/students"],
    "play_partners": ["/api/v1/play-partner-arrangements"],
    "observations": ["/api/v1/observations"],
    "wellbeing_days": ["/api/v1/wellbeing-days"],
    "strategy": ["/api/v1/strategy/review"],
    "users": ["/api/v1/users"],
    "classes": ["/api/v1/classes"],
    "import": ["/api/v1/classes"],
    "municipality": ["/api/v1/municipality"],
    "api_clients": ["/api/v1/api-clients"],
    "sso": ["/api/v1/sso/providers", "/api/v1/sso/links"],
}


def test_every_screen_has_its_reads_listed(app):
    from api.users.screens import SCREEN_NAMES

    assert set(READS) == set(SCREEN_NAMES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_offered_its_screens_and_home(app, client, session, role):
    user = tenant(session).users[role]
    me = client.get("/api/v1/auth/me", headers=auth(app, user)).json
    assert me["screens"] == EXPECTED[role]
    assert me["home"] == HOME[role]
    for screen in me["screens"]:
        for url in READS[screen]:
            assert client.get(url, headers=auth(app, user)).status_code == 200, (role, screen, url)


@pytest.mark.parametrize("role", ROLES)
def test_a_screen_not_offered_for_want_of_permission_is_refused_by_the_api(app, client, session, role):
    """Screens withheld by rule, not by the product's choice: their first read is 403 for this role."""
    user = tenant(session).users[role]
    offered = set(client.get("/api/v1/auth/me", headers=auth(app, user)).json["screens"])
    # Offered to fewer roles than the API serves, by choice: the overview is the case owners' screen (a teacher
    # reads their own attention list through the API), an admin's quick log, cases and students are not
    # offered (they work with rosters), and every staff member may read the class list.
    by_choice = {"overview", "log", "cases", "students", "classes", "import", "notifications"}
    for screen in set(READS) - offered - by_choice - {"municipality"}:
        for url in READS[screen]:
            assert client.get(url, headers=auth(app, user)).status_code == 403, (role, screen, url)


def test_the_login_answer_carries_the_screens(app, client, session):
    school = tenant(session).school
    user = make_user(session, school, "sfo_staff", email="sfo@example.dk")
    body = client.post("/api/v1/auth/login", json={"email": "sfo@example.dk", "password": PASSWORD}).json
    assert body["user"]["id"] == user.id
    assert body["user"]["screens"] == EXPECTED["sfo_staff"] and body["user"]["home"] == "log"


def test_a_municipality_user_is_offered_the_municipality_alone(app, client, session):
    from api.municipalities.service import assign_school, create_municipality

    school = tenant(session).school
    assign_school(
        session, municipality=create_municipality(session, name="Ringkøbing-Skjern", slug="rs"), school=school
    )
    session.commit()
    officer = make_user(session, school, "municipality")
    me = client.get("/api/v1/auth/me", headers=auth(app, officer)).json
    assert me["screens"] == ["municipality"] and me["home"] == "municipality"
    assert client.get("/api/v1/municipality", headers=auth(app, officer)).status_code == 200


def test_a_user_with_two_roles_is_offered_both_roles_screens(app, client, session):
    school = tenant(session).school
    user = make_user(session, school, "teacher", "admin")
    me = client.get("/api/v1/auth/me", headers=auth(app, user)).json
    assert set(me["screens"]) == set(EXPECTED["teacher"]) | set(EXPECTED["admin"])
    assert me["home"] == "log"
