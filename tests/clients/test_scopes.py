"""What an API client's token opens: each collection with its scope and nothing else, the fields its scopes
allow, never a case accusing staff, another school's records 404, no person-only operation; every read audited
as the client with the scope it used; rate limits per client."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from tests.factories import client_token, make_api_client
from tests.incidents.factories import make_incident, make_world
from tests.observations.factories import make_observation
from tests.play_partners.factories import make_arrangement
from tests.students.factories import make_guardian
from tests.wellbeing_days.factories import make_day


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Setup:
    """A school with one record of every kind an integration reads, and one of each in another school."""

    def __init__(self, session: Any) -> None:
        world = self.world = make_world(session)
        leader = world.users["leader"]
        self.incident = make_incident(session, world, reporter=world.users["teacher"])
        self.incident.description = "Anna blev holdt udenfor af Bo i skolegården"
        self.accused = make_incident(
            session, world, reporter=world.users["teacher"], accused=world.users["pedagogue"]
        )
        self.other_incident = make_incident(
            session,
            world,
            reporter=world.other_users["teacher"],
            students=[(world.other_student, "target")],
        )
        session.commit()
        self.observation = make_observation(
            session, world.users["sfo_staff"], [world.anna], note="Glad i dag"
        )
        self.sensitive = make_observation(
            session, world.users["leader"], [world.bo], note="Fortalte om derhjemme", sensitive=True
        )
        self.other_observation = make_observation(session, world.other_users["leader"], [world.other_student])
        self.arrangement = make_arrangement(session, leader, [world.anna, world.bo])
        self.day = make_day(session, leader, classes=[world.class_a])
        self.guardian = make_guardian(session, world.anna)


def _urls(s: Setup) -> dict[str, list[str]]:
    """Scope -> the reads it opens (own school)."""
    w = s.world
    return {
        "roster:read": [
            "/api/v1/students",
            f"/api/v1/students/{w.anna.id}",
            "/api/v1/classes",
            f"/api/v1/classes/{w.class_a.id}",
            f"/api/v1/students/{w.anna.id}/guardians",
            f"/api/v1/students/{w.anna.id}/guardians/{s.guardian.id}",
        ],
        "incidents:read": [
            "/api/v1/incidents",
            f"/api/v1/incidents/{s.incident.id}",
            f"/api/v1/incidents/{s.incident.id}/timeline",
            "/api/v1/incident-places",
        ],
        "incidents:read:text": [f"/api/v1/incidents/{s.incident.id}/notes"],
        "observations:read": ["/api/v1/observations", f"/api/v1/observations/{s.observation.id}"],
        "prevention:read": [
            "/api/v1/play-partner-arrangements",
            f"/api/v1/play-partner-arrangements/{s.arrangement.id}",
            f"/api/v1/play-partner-arrangements/{s.arrangement.id}/check-ins",
            "/api/v1/wellbeing-days",
            f"/api/v1/wellbeing-days/{s.day.id}",
            f"/api/v1/wellbeing-days/{s.day.id}/groups",
        ],
        "webhooks:manage": ["/api/v1/webhook-endpoints", "/api/v1/webhook-endpoints/event-types"],
    }


@pytest.mark.parametrize(
    "scope",
    [
        "roster:read",
        "incidents:read",
        "incidents:read:text",
        "observations:read",
        "prevention:read",
        "webhooks:manage",
    ],
)
def test_each_scope_opens_its_reads_and_nothing_else(app, client, session, scope):
    s = Setup(session)
    caller = make_api_client(session, s.world.school, scope)
    headers = _bearer(client_token(app, caller))
    opened = {scope, "incidents:read"} if scope == "incidents:read:text" else {scope}
    for granted, urls in _urls(s).items():
        for url in urls:
            resp = client.get(url, headers=headers)
            if granted in opened:
                assert resp.status_code == 200, (url, resp.json)
                assert resp.headers["RateLimit-Policy"] == '"per-client";q=600;w=60'
            else:
                assert resp.status_code == 403, url
                assert resp.json["type"] == "insufficient_scope"
                assert f'error="insufficient_scope", scope="{granted}"' in resp.headers["WWW-Authenticate"]
                assert granted in resp.json["message"]


PERSON_ONLY = [
    ("get", "/api/v1/auth/me"),
    ("post", "/api/v1/auth/password"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/notifications"),
    ("get", "/api/v1/api-clients"),
    ("get", "/api/v1/audit-log"),
    ("get", "/api/v1/schools/current"),
    ("get", "/api/v1/students/export"),
    ("post", "/api/v1/incidents/1/withdraw"),
]


def test_a_client_token_never_works_on_person_only_routes(app, client, session):
    s = Setup(session)
    caller = make_api_client(session, s.world.school)  # every scope
    headers = _bearer(client_token(app, caller))
    for method, url in PERSON_ONLY:
        kwargs = {"json": {}} if method == "post" else {}
        resp = client.open(url, method=method, headers=headers, **kwargs)
        assert resp.status_code == 403, url
        assert resp.json["type"] == "not_for_api_clients", url
    log = f"/api/v1/students/{s.world.anna.id}/log"
    assert client.get(log, headers=headers).json["type"] == "not_for_api_clients"
    # writes on the collections it reads are closed too
    resp = client.patch(f"/api/v1/incidents/{s.incident.id}", json={}, headers=headers)
    assert resp.status_code == 403 and resp.json["type"] == "not_for_api_clients"


def test_text_fields_only_with_incidents_read_text(app, client, session):
    s = Setup(session)
    url = f"/api/v1/incidents/{s.incident.id}"
    plain = make_api_client(session, s.world.school, "incidents:read")
    case = client.get(url, headers=_bearer(client_token(app, plain))).json
    assert case["description"] is None and case["view"] == "client"
    assert case["pupil_perspective"] is None and case["audiences"] == [] and case["action_plan"] is None
    assert case["allowed_actions"] == [] and case["allowed_transitions"] == []
    assert case["classification"] == "teasing" and {st["role"] for st in case["students"]} == {
        "target",
        "actor",
    }
    text = make_api_client(session, s.world.school, "incidents:read", "incidents:read:text")
    case = client.get(url, headers=_bearer(client_token(app, text))).json
    assert case["description"] == "Anna blev holdt udenfor af Bo i skolegården" and case["view"] == "full"
    assert case["allowed_actions"] == []


def test_a_case_accusing_staff_is_never_served_to_a_client(app, client, session):
    s = Setup(session)
    caller = make_api_client(session, s.world.school)  # every scope
    headers = _bearer(client_token(app, caller))
    listed = client.get("/api/v1/incidents?page_size=100", headers=headers).json
    assert [i["id"] for i in listed["items"]] == [s.incident.id]
    assert listed["total"] == 1
    for suffix in ("", "/timeline", "/notes"):
        resp = client.get(f"/api/v1/incidents/{s.accused.id}{suffix}", headers=headers)
        assert resp.status_code == 404, suffix
    # the students' list shows no trace of it either: a client reads no student log
    denied = session.scalars(
        select(AuditEntry).where(AuditEntry.client_id == caller.id, AuditEntry.outcome == "denied")
    ).all()
    assert {e.action for e in denied} == {"incident_access_denied"}


def test_another_schools_records_are_404_for_a_client(app, client, session):
    s = Setup(session)
    caller = make_api_client(session, s.world.school)
    headers = _bearer(client_token(app, caller))
    w = s.world
    for url in (
        f"/api/v1/incidents/{s.other_incident.id}",
        f"/api/v1/students/{w.other_student.id}",
        f"/api/v1/observations/{s.other_observation.id}",
    ):
        assert client.get(url, headers=headers).status_code == 404, url
    ids = [o["id"] for o in client.get("/api/v1/observations?page_size=100", headers=headers).json["items"]]
    assert sorted(ids) == sorted([s.observation.id, s.sensitive.id])


def test_a_sensitive_observations_note_stays_hidden_from_a_client(app, client, session):
    s = Setup(session)
    caller = make_api_client(session, s.world.school, "observations:read")
    headers = _bearer(client_token(app, caller))
    sensitive = client.get(f"/api/v1/observations/{s.sensitive.id}", headers=headers).json
    assert sensitive["note"] is None and sensitive["note_hidden"] is True
    plain = client.get(f"/api/v1/observations/{s.observation.id}", headers=headers).json
    assert plain["note"] == "Glad i dag"


def test_every_read_by_a_client_is_audited_as_the_client_with_its_scope(app, client, session):
    s = Setup(session)
    caller = make_api_client(session, s.world.school)
    headers = _bearer(client_token(app, caller))
    session.query(AuditEntry).delete()
    session.commit()
    reads = [
        ("/api/v1/incidents", "incidents:read"),
        (f"/api/v1/incidents/{s.incident.id}", "incidents:read"),
        (f"/api/v1/incidents/{s.incident.id}/notes", "incidents:read:text"),
        ("/api/v1/students", "roster:read"),
        ("/api/v1/classes", "roster:read"),
        ("/api/v1/observations", "observations:read"),
        ("/api/v1/wellbeing-days", "prevention:read"),
        ("/api/v1/play-partner-arrangements", "prevention:read"),
    ]
    for url, scope in reads:
        before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
        assert client.get(url, headers=headers).status_code == 200
        session.expire_all()
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
        assert rows, url
        for row in rows:
            assert (row.client_id, row.user_id, row.scope, row.school_id) == (
                caller.id,
                None,
                scope,
                s.world.school.id,
            ), url
    viewed = session.scalars(select(AuditEntry).where(AuditEntry.action == "incident_viewed")).all()
    assert {r.student_id for r in viewed} == {s.world.anna.id, s.world.bo.id}
    # the school's leader finds them in the audit log, by client
    from tests.factories import auth

    log = client.get(
        f"/api/v1/audit-log?client_id={caller.id}&page_size=100", headers=auth(app, s.world.users["leader"])
    ).json
    assert log["total"] >= len(reads)
    assert all(e["client_id"] == caller.id and e["user_id"] is None and e["scope"] for e in log["items"])


def test_rate_limits_are_per_client_with_ietf_headers(app, client, session):
    app.config["API_CLIENT_RATE_LIMIT"] = "3 per minute"
    s = Setup(session)
    first = make_api_client(session, s.world.school, "roster:read")
    second = make_api_client(session, s.world.school, "roster:read")
    headers = _bearer(client_token(app, first))
    seen = []
    for _ in range(3):
        resp = client.get("/api/v1/classes", headers=headers)
        assert resp.status_code == 200
        assert resp.headers["RateLimit-Policy"] == '"per-client";q=3;w=60'
        seen.append(resp.headers["RateLimit"])
    assert [h.split(";")[1] for h in seen] == ["r=2", "r=1", "r=0"]
    limited = client.get("/api/v1/classes", headers=headers)
    assert limited.status_code == 429 and limited.json["type"] == "rate_limited"
    # refused requests spend the budget too (an operation closed to clients still answers its 403)
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    assert client.get("/api/v1/classes", headers=headers).headers["RateLimit"].startswith('"per-client";r=0;')
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["RateLimit"].startswith('"per-client";r=0;t=')
    # another client has its own budget, and people are not limited by it
    assert client.get("/api/v1/classes", headers=_bearer(client_token(app, second))).status_code == 200
    from tests.factories import auth

    person = client.get("/api/v1/classes", headers=auth(app, s.world.users["leader"]))
    assert person.status_code == 200 and "RateLimit" not in person.headers


def test_a_client_without_incidents_read_infers_no_case_from_other_records(app, session):
    """Wellbeing-day groups flag target and actor of an open case placed together, for cases the reader may
    see: a client reading prevention only sees none of them."""
    from api.auth.scopes import ClientPrincipal
    from api.incidents.separation import open_case_pairs

    s = Setup(session)

    def principal(*scopes: str) -> ClientPrincipal:
        return ClientPrincipal(1, "trvc_x", "x", s.world.school.id, frozenset(scopes))

    ids = [s.world.anna.id, s.world.bo.id]
    prevention_only = open_case_pairs(session, viewer=principal("prevention:read"), student_ids=ids)
    assert prevention_only and not any(p.visible for p in prevention_only)
    with_cases = open_case_pairs(
        session, viewer=principal("prevention:read", "incidents:read"), student_ids=ids
    )
    # the case accusing staff stays invisible even then
    assert {p.incident_id for p in with_cases if p.visible} == {s.incident.id}
