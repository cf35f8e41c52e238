"""Every route of the incidents, notifications and calendar domains, for every role, in the own school and
from another school. A case you may not see is 404 (its existence is not disclosed), an action your role may
not take on a case you see is 403, and another school's case is always 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select

from api.cli import spec_json
from api.core.etag import etag_of
from api.core.timeutil import local_date
from api.incidents.models import DEFAULT_PLACES, IncidentPlace, Referral
from api.incidents.service import places_etag
from api.notifications.models import Notification
from tests.factories import make_api_client, make_user
from tests.incidents.factories import adopt_plan, headers, make_incident, make_world

# Own-school roles: class A's staff work its cases; teacher_b teaches another class; sfo_staff is attached
# to class A as SFO contact (SFO staff see only their own reports); `reporter` (a pedagogue of no class)
# reported the case.
ROLES = [
    "admin",
    "leader",
    "resource_person",
    "teacher",
    "pedagogue",
    "sfo_staff",
    "teacher_b",
    "reporter",
    "client",
]
VIEWERS = {"leader", "resource_person", "teacher", "pedagogue", "reporter"}
WORKERS = {"leader", "resource_person", "teacher", "pedagogue"}
OWNERS = {"leader", "resource_person"}
OTHER_SCHOOL_ROLES = ["admin", "leader", "resource_person", "teacher", "pedagogue", "sfo_staff", "client"]
# The seventh kind of caller, an API client with every read scope: it reads cases (and the places), nothing
# else here; another school's case is 404 for it too.
CLIENT_READS = {
    ("get", "/api/v1/incidents"),
    ("get", "/api/v1/incidents/{incident_id}"),
    ("get", "/api/v1/incidents/{incident_id}/timeline"),
    ("get", "/api/v1/incidents/{incident_id}/notes"),
    ("get", "/api/v1/incident-places"),
}


def client_status(route: tuple[str, str], *, other_school: bool) -> int:
    """What the API client gets: its reads (another school's case 404), 403 not_for_api_clients elsewhere."""
    if route not in CLIENT_READS:
        return 403
    return 404 if other_school and "{incident_id}" in route[1] else 200


def case_rule(allowed: set[str], ok: int, *, viewers_denied: int = 403) -> Callable[[str], int]:
    """Expected status in the own school: ok for `allowed`, 403 for others who see the case, else 404."""
    return lambda role: ok if role in allowed else (viewers_denied if role in VIEWERS else 404)


def everyone(ok: int) -> Callable[[str], int]:
    return lambda role: ok


def roles(ok: int, allowed: set[str], denied: int = 403) -> Callable[[str], int]:
    return lambda role: ok if role in allowed else denied


class Ctx:
    """Fresh data for one call."""

    def __init__(self, session: Any, world: Any, reporter: Any) -> None:
        self.session, self.world, self.reporter = session, world, reporter

    def incident(self, **kw: Any) -> Any:
        return make_incident(self.session, self.world, reporter=self.reporter, **kw)

    def established(self, *, plan: bool = False) -> Any:
        leader = self.world.users["leader"]
        incident = self.incident(
            classification="bullying",
            status="action_plan",
            established_at=datetime.now(UTC) - timedelta(days=3),
            established_by=leader,
            action_plan_due=local_date() + timedelta(days=7),
        )
        if plan:
            adopt_plan(self.session, incident, leader, local_date() + timedelta(days=7))
        return incident


def _yesterday() -> str:
    return (local_date() - timedelta(days=1)).isoformat()


PLAN = {
    "measures": [{"description": "Voksen i skolegården", "responsible": "Gårdvagten"}],
    "follow_up_on": (local_date() + timedelta(days=10)).isoformat(),
}
NEW_CASE = {"classification": "conflict"}


def route_table() -> dict[
    tuple[str, str], tuple[Callable[[Ctx], tuple[str, dict]], Callable[[str], int], int]
]:
    """(method, spec path) -> (request builder, own-school expectation by role, other-school status)."""

    def inc(ctx: Ctx) -> Any:
        return ctx.incident(classification="bullying", status="investigating")

    def with_incident(suffix: str = "", **body: Any) -> Callable[[Ctx], tuple[str, dict]]:
        def build(ctx: Ctx) -> tuple[str, dict]:
            i = inc(ctx)
            return f"/api/v1/incidents/{i.id}{suffix}", ({"json": body} if body else {})

        return build

    def patch_incident(ctx: Ctx) -> tuple[str, dict]:
        i = inc(ctx)
        return f"/api/v1/incidents/{i.id}", {
            "json": {"description": "Mere om det"},
            "headers": {"If-Match": etag_of(i)},
        }

    def establish(ctx: Ctx) -> tuple[str, dict]:
        return f"/api/v1/incidents/{inc(ctx).id}/establish", {"json": {}}

    def audience(ctx: Ctx) -> tuple[str, dict]:
        i = ctx.established()
        item = i.audiences[0]
        url = f"/api/v1/incidents/{i.id}/audiences/{item.id}"
        return url, {"json": {"done": True, "how": "Samtale"}, "headers": {"If-Match": etag_of(item)}}

    def plan(ctx: Ctx) -> tuple[str, dict]:
        return f"/api/v1/incidents/{ctx.established().id}/action-plan", {"json": PLAN}

    def follow_up(ctx: Ctx) -> tuple[str, dict]:
        i = ctx.established(plan=True)
        return f"/api/v1/incidents/{i.id}/follow-ups", {
            "json": {"held_on": _yesterday(), "outcome": "stopped"}
        }

    def referral(ctx: Ctx) -> tuple[str, dict]:
        i = inc(ctx)
        r = Referral(
            incident_id=i.id,
            partner="ssp",
            referred_on=local_date(),
            status="planned",
            created_by_id=ctx.world.users["leader"].id,
        )
        ctx.session.add(r)
        ctx.session.commit()
        url = f"/api/v1/incidents/{i.id}/referrals/{r.id}"
        return url, {"json": {"status": "sent"}, "headers": {"If-Match": etag_of(r)}}

    def withdraw(ctx: Ctx) -> tuple[str, dict]:
        return f"/api/v1/incidents/{ctx.incident(classification='bullying').id}/withdraw", {}

    def new_incident(ctx: Ctx) -> tuple[str, dict]:
        students = [{"student_id": ctx.world.anna.id, "role": "target"}]
        return "/api/v1/incidents", {"json": {**NEW_CASE, "students": students}}

    def put_places(ctx: Ctx) -> tuple[str, dict]:
        # every school back on the default list, so one ETag fits whoever writes
        ctx.session.execute(delete(IncidentPlace))
        ctx.session.commit()
        return "/api/v1/incident-places", {
            "json": {"places": ["schoolyard", "Multibanen"]},
            "headers": {"If-Match": places_etag(list(DEFAULT_PLACES))},
        }

    def notification(ctx: Ctx) -> tuple[str, dict]:
        note = Notification(
            school_id=ctx.world.school.id,
            user_id=ctx.world.users["leader"].id,
            kind="staff_accused",
            params={},
        )
        ctx.session.add(note)
        ctx.session.commit()
        return f"/api/v1/notifications/{note.id}/read", {}

    def closed_day(ctx: Ctx) -> tuple[str, dict]:
        from api.calendar.models import ClosedPeriod

        day = local_date() + timedelta(days=30 + ctx.session.info.setdefault("n", 0))
        ctx.session.info["n"] += 1
        period = ClosedPeriod(school_id=ctx.world.school.id, first_day=day, last_day=day, name="Lukket")
        ctx.session.add(period)
        ctx.session.commit()
        return f"/api/v1/calendar/closed-days/{period.id}", {}

    def post_closed_day(ctx: Ctx) -> tuple[str, dict]:
        day = local_date() + timedelta(days=60 + ctx.session.info.setdefault("m", 0))
        ctx.session.info["m"] += 1
        return "/api/v1/calendar/closed-days", {"json": {"first_day": day.isoformat(), "name": "Ferie"}}

    def inform(ctx: Ctx) -> tuple[str, dict]:
        return f"/api/v1/incidents/{inc(ctx).id}/information", {
            "json": {"student_id": ctx.world.anna.id, "method": "letter"}
        }

    def complain(ctx: Ctx) -> tuple[str, dict]:
        body = {
            "student_id": ctx.world.anna.id,
            "complainant_kind": "other",
            "complainant_name": "Mette Holm",
            "received_on": _yesterday(),
            "complaint_text": "Skolen greb ikke ind.",
        }
        return f"/api/v1/incidents/{inc(ctx).id}/complaints", {"json": body}

    def case_file(ctx: Ctx) -> tuple[str, dict]:
        from api.complaints.models import Complaint

        i = inc(ctx)
        ctx.session.add(
            Complaint(
                school_id=i.school_id,
                incident_id=i.id,
                student_id=ctx.world.anna.id,
                complainant_kind="other",
                complainant_name="Mette Holm",
                received_on=local_date(),
                complaint_text="Skolen greb ikke ind.",
                decision_due=local_date() + timedelta(days=28),
            )
        )
        ctx.session.commit()
        return f"/api/v1/incidents/{i.id}/case-file?purpose=municipality", {}

    return {
        # The law (api/information, api/complaints): the information duty is the case workers'; complaints
        # are the owners' to read and the leaders' to record.
        ("get", "/api/v1/incidents/{incident_id}/information"): (
            with_incident("/information"),
            case_rule(WORKERS, 200),
            404,
        ),
        ("post", "/api/v1/incidents/{incident_id}/information"): (inform, case_rule(WORKERS, 201), 404),
        ("get", "/api/v1/incidents/{incident_id}/complaints"): (
            with_incident("/complaints"),
            case_rule(OWNERS, 200),
            404,
        ),
        ("post", "/api/v1/incidents/{incident_id}/complaints"): (complain, case_rule({"leader"}, 201), 404),
        ("get", "/api/v1/incidents/{incident_id}/case-file"): (case_file, case_rule(OWNERS, 200), 404),
        ("get", "/api/v1/incidents"): (lambda ctx: ("/api/v1/incidents", {}), everyone(200), 200),
        ("post", "/api/v1/incidents"): (new_incident, everyone(201), 422),
        ("get", "/api/v1/incidents/{incident_id}"): (with_incident(), case_rule(VIEWERS, 200), 404),
        ("patch", "/api/v1/incidents/{incident_id}"): (patch_incident, case_rule(VIEWERS, 200), 404),
        ("get", "/api/v1/incidents/{incident_id}/timeline"): (
            with_incident("/timeline"),
            case_rule(VIEWERS, 200),
            404,
        ),
        ("get", "/api/v1/incidents/{incident_id}/notes"): (
            with_incident("/notes"),
            case_rule(VIEWERS, 200),
            404,
        ),
        ("post", "/api/v1/incidents/{incident_id}/notes"): (
            with_incident("/notes", kind="students", body="Samtale med Anna"),
            case_rule(VIEWERS, 201),
            404,
        ),
        ("post", "/api/v1/incidents/{incident_id}/establish"): (establish, case_rule(OWNERS, 200), 404),
        ("post", "/api/v1/incidents/{incident_id}/withdraw"): (withdraw, case_rule({"reporter"}, 200), 404),
        ("patch", "/api/v1/incidents/{incident_id}/audiences/{item_id}"): (
            audience,
            case_rule(WORKERS, 200),
            404,
        ),
        ("post", "/api/v1/incidents/{incident_id}/acute-measures"): (
            with_incident("/acute-measures", description="Adskilt i frikvarteret"),
            case_rule(WORKERS, 201),
            404,
        ),
        ("put", "/api/v1/incidents/{incident_id}/action-plan"): (plan, case_rule(OWNERS, 200), 404),
        ("post", "/api/v1/incidents/{incident_id}/follow-ups"): (follow_up, case_rule(OWNERS, 201), 404),
        ("post", "/api/v1/incidents/{incident_id}/referrals"): (
            with_incident("/referrals", partner="ssp"),
            case_rule(OWNERS, 201),
            404,
        ),
        ("patch", "/api/v1/incidents/{incident_id}/referrals/{referral_id}"): (
            referral,
            case_rule(OWNERS, 200),
            404,
        ),
        ("get", "/api/v1/incident-places"): (lambda ctx: ("/api/v1/incident-places", {}), everyone(200), 200),
        ("put", "/api/v1/incident-places"): (put_places, roles(200, {"admin", "leader"}), None),
        ("get", "/api/v1/notifications"): (lambda ctx: ("/api/v1/notifications", {}), everyone(200), 200),
        ("post", "/api/v1/notifications/{notification_id}/read"): (
            notification,
            roles(200, {"leader"}, 404),
            404,
        ),
        ("get", "/api/v1/calendar/closed-days"): (
            lambda ctx: ("/api/v1/calendar/closed-days", {}),
            everyone(200),
            200,
        ),
        ("post", "/api/v1/calendar/closed-days"): (post_closed_day, roles(201, {"admin", "leader"}), None),
        ("delete", "/api/v1/calendar/closed-days/{period_id}"): (
            closed_day,
            roles(204, {"admin", "leader"}),
            404,
        ),
    }


MY_PREFIXES = ("/api/v1/incidents", "/api/v1/incident-places", "/api/v1/notifications", "/api/v1/calendar")


def test_the_matrix_covers_every_route_of_these_domains(app):
    spec = json.loads(spec_json(app))
    operations = {
        (method, path)
        for path, item in spec["paths"].items()
        if path.startswith(MY_PREFIXES)
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert operations == set(route_table())


@pytest.mark.parametrize("route", sorted(route_table()), ids=lambda r: f"{r[0].upper()} {r[1]}")
def test_permission_matrix(app, client, session, route):
    world = make_world(session)
    reporter = make_user(session, world.school, "pedagogue", name="reporter A")
    api_client = make_api_client(session, world.school)
    other_client = make_api_client(session, world.other_school)
    users = {**{r: world.users[r] for r in ROLES if r not in ("reporter", "client")}, "reporter": reporter}
    users["client"] = api_client
    build, expect, other_expect = route_table()[route]
    method = route[0]
    got, want = {}, {}
    for role in ROLES:
        url, kwargs = build(Ctx(session, world, reporter))
        kw_headers = kwargs.pop("headers", {})
        resp = client.open(
            url, method=method, headers={**headers(app, world, users[role]), **kw_headers}, **kwargs
        )
        got[role] = resp.status_code
        want[role] = client_status(route, other_school=False) if role == "client" else expect(role)
    assert got == want
    # Another school's staff, every role, against this school's data
    got, want = {}, {}
    for role in OTHER_SCHOOL_ROLES:
        url, kwargs = build(Ctx(session, world, reporter))
        kw_headers = kwargs.pop("headers", {})
        user = other_client if role == "client" else world.other_users[role]
        resp = client.open(url, method=method, headers={**headers(app, world, user), **kw_headers}, **kwargs)
        got[role] = resp.status_code
        if role == "client":
            want[role] = client_status(route, other_school=True)
        elif other_expect is None:  # a write to the other school's own settings: its own role rules apply
            want[role] = expect(role)
        else:
            want[role] = other_expect
        if method == "get" and resp.status_code == 200 and "items" in resp.json:
            assert resp.json["total"] == 0 or route[1] != "/api/v1/incidents", (
                "another school's case was listed"
            )
    assert got == want


def test_list_shows_each_role_only_the_cases_it_may_see(app, client, session):
    world = make_world(session)
    sfo_case = make_incident(session, world, reporter=world.users["sfo_staff"], classification="conflict")
    class_a_case = make_incident(session, world, reporter=world.users["leader"])
    class_b_case = make_incident(
        session, world, reporter=world.users["leader"], students=[(world.carl, "target")]
    )
    accused_case = make_incident(
        session, world, reporter=world.users["teacher"], accused=world.users["pedagogue"]
    )
    expected = {
        "admin": [],
        "leader": [sfo_case, class_a_case, class_b_case, accused_case],
        "leader2": [sfo_case, class_a_case, class_b_case, accused_case],
        "resource_person": [sfo_case, class_a_case, class_b_case],
        "teacher": [sfo_case, class_a_case, accused_case],  # the reporter keeps the reporter view
        "pedagogue": [sfo_case, class_a_case],
        "sfo_staff": [sfo_case],
        "teacher_b": [class_b_case],
        "client": [sfo_case, class_a_case, class_b_case],  # never the case accusing staff
    }
    callers = {**world.users, "client": make_api_client(session, world.school)}
    for role, cases in expected.items():
        resp = client.get("/api/v1/incidents?page_size=100", headers=headers(app, world, callers[role]))
        assert resp.status_code == 200
        assert sorted(i["id"] for i in resp.json["items"]) == sorted(c.id for c in cases), role
    other = client.get("/api/v1/incidents", headers=headers(app, world, world.other_users["leader"]))
    assert other.json["total"] == 0


def test_a_case_accusing_staff_is_for_leaders_only_and_never_the_accused(app, client, session):
    world = make_world(session)
    accused_leader = world.users["leader2"]
    resp = client.post(
        "/api/v1/incidents",
        json={
            "classification": "bullying",
            "students": [{"student_id": world.anna.id, "role": "target"}],
            "accused_staff_id": accused_leader.id,
        },
        headers=headers(app, world, world.users["teacher"]),
    )
    assert resp.status_code == 201
    url = f"/api/v1/incidents/{resp.json['id']}"
    statuses = {
        role: client.get(url, headers=headers(app, world, world.users[role])).status_code
        for role in ["leader", "leader2", "resource_person", "teacher", "pedagogue", "sfo_staff", "admin"]
    }
    assert statuses == {
        "leader": 200,
        "leader2": 404,  # the accused
        "resource_person": 404,
        "teacher": 200,  # who reported it: the reporter view of what she wrote
        "pedagogue": 404,  # teaches the class, but only leaders work a case accusing staff
        "sfo_staff": 404,
        "admin": 404,
    }
    api_client = make_api_client(session, world.school)
    assert client.get(url, headers=headers(app, world, api_client)).status_code == 404
    mine = client.get(url, headers=headers(app, world, world.users["teacher"])).json
    assert mine["view"] == "reporter" and mine["audiences"] == [] and mine["action_plan"] is None
    # the leaders who may see it are told at once; the accused is not, nor the reporter of her own report
    notified = session.scalars(select(Notification).where(Notification.kind == "staff_accused")).all()
    assert [(n.user_id, n.params) for n in notified] == [(world.users["leader"].id, {})]
    # establishing it tells who may see it: not the accused, not the leader who acted; the reporter, who
    # is the class teacher, sees the case's course
    resp = client.post(url + "/establish", json={}, headers=headers(app, world, world.users["leader"]))
    assert resp.status_code == 200
    established = session.scalars(
        select(Notification).where(Notification.kind == "bullying_established")
    ).all()
    assert [n.user_id for n in established] == [world.users["teacher"].id]
    # the case work stays hidden from the reporter
    mine = client.get(url, headers=headers(app, world, world.users["teacher"])).json
    assert mine["view"] == "reporter" and mine["audiences"] == [] and mine["status"] == "action_plan"
