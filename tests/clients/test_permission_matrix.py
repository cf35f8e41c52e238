"""API clients as the seventh kind of caller, over every operation of the committed spec: an operation that
declares an oauth2 scope serves a client holding it (and 403 insufficient_scope without it); every other
operation refuses a client's token (403 not_for_api_clients) whatever the object; another school's records are
404. New operations are covered as they appear in the spec."""

from __future__ import annotations

import json
import re

from api.cli import spec_json
from api.webhooks.models import WebhookEndpoint
from tests.clients.test_scopes import Setup
from tests.factories import ALL_READ_SCOPES, client_token, make_api_client

OUTSIDE_THE_API = {"/oauth/token", "/.well-known/oauth-authorization-server"}
# Public operations (the spec's `security: []`) take no token at all; refresh takes a refresh token.
REFRESH = ("post", "/api/v1/auth/refresh")


def _operations(app):
    spec = json.loads(spec_json(app))
    for path, item in spec["paths"].items():
        if path in OUTSIDE_THE_API:
            continue
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            if op.get("security") != [] and (method, path) != REFRESH:
                scopes = [s["oauth2"][0] for s in op.get("security", []) if "oauth2" in s]
                yield method, path, (scopes[0] if scopes else None)


def _ids(s: Setup, endpoint: WebhookEndpoint, *, other: bool = False) -> dict[str, int]:
    w = s.world
    if other:
        return {
            "incident_id": s.other_incident.id,
            "student_id": w.other_student.id,
            "observation_id": s.other_observation.id,
        }
    return {
        "incident_id": s.incident.id,
        "student_id": w.anna.id,
        "class_id": w.class_a.id,
        "guardian_id": s.guardian.id,
        "observation_id": s.observation.id,
        "arrangement_id": s.arrangement.id,
        "day_id": s.day.id,
        "endpoint_id": endpoint.id,
    }


def _url(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"{(\w+)}", lambda m: str(ids.get(m.group(1), 1)), path)


def _endpoint(session, school) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        school_id=school.id,
        url="https://example.org/hook",
        event_types=["incident.reported"],
        secret="whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0",
    )
    session.add(endpoint)
    session.commit()
    return endpoint


def _in_a_municipality(session, school) -> None:
    """The school grouped into a municipality, so the municipality view has something to serve."""
    from api.municipalities.service import assign_school, create_municipality

    assign_school(session, municipality=create_municipality(session, name="Kommune", slug="k"), school=school)
    session.commit()


def test_every_operation_for_a_client_with_every_scope(app, client, session):
    s = Setup(session)
    endpoint = _endpoint(session, s.world.school)
    _in_a_municipality(session, s.world.school)
    caller = make_api_client(session, s.world.school, *ALL_READ_SCOPES, "incidents:write")
    headers = {"Authorization": f"Bearer {client_token(app, caller)}"}
    ids = _ids(s, endpoint)
    opened, closed = [], []
    # deletions last, so the other operations still find their objects
    for method, path, scope in sorted(_operations(app), key=lambda o: o[0] == "delete"):
        kwargs = {"json": {}} if method in {"post", "put", "patch"} else {}
        resp = client.open(_url(path, ids), method=method, headers=headers, **kwargs)
        if scope is None:
            assert resp.status_code == 403, (method, path, resp.status_code)
            assert resp.json["type"] == "not_for_api_clients", (method, path)
            closed.append((method, path))
        elif method == "get":
            assert resp.status_code == 200, (method, path, resp.json)
            opened.append((method, path))
        else:
            # webhooks:manage writes: an empty body is refused for what it is, not for who sent it
            assert resp.status_code in {200, 201, 202, 204, 422, 428}, (method, path, resp.status_code)
            opened.append((method, path))
    assert len(opened) >= 26 and len(closed) >= 40


def test_every_operation_for_a_client_without_the_scope(app, client, session):
    s = Setup(session)
    endpoint = _endpoint(session, s.world.school)
    _in_a_municipality(session, s.world.school)
    # Two clients, each holding one scope: every operation is tried by the one lacking its scope.
    holders = {
        scope: {
            "Authorization": f"Bearer {client_token(app, make_api_client(session, s.world.school, scope))}"
        }
        for scope in ("analytics:read", "webhooks:manage")
    }
    ids = _ids(s, endpoint)
    for method, path, scope in _operations(app):
        lacking = "webhooks:manage" if scope == "analytics:read" else "analytics:read"
        headers = holders[lacking]
        kwargs = {"json": {}} if method in {"post", "put", "patch"} else {}
        resp = client.open(_url(path, ids), method=method, headers=headers, **kwargs)
        assert resp.status_code == 403, (method, path, resp.status_code)
        want = "not_for_api_clients" if scope is None else "insufficient_scope"
        assert resp.json["type"] == want, (method, path)


def test_another_schools_records_are_404_on_every_operation_open_to_clients(app, client, session):
    s = Setup(session)
    endpoint = _endpoint(session, s.world.other_school)
    caller = make_api_client(session, s.world.school, *ALL_READ_SCOPES)
    headers = {"Authorization": f"Bearer {client_token(app, caller)}"}
    ids = {**_ids(s, endpoint), **_ids(s, endpoint, other=True), "endpoint_id": endpoint.id}
    # the other school's class, guardian, arrangement and day
    from tests.factories import make_class
    from tests.play_partners.factories import make_arrangement
    from tests.students.factories import make_guardian
    from tests.wellbeing_days.factories import make_day

    other_leader = s.world.other_users["leader"]
    ids["class_id"] = make_class(session, s.world.other_school).id
    ids["guardian_id"] = make_guardian(session, s.world.other_student).id
    ids["arrangement_id"] = make_arrangement(session, other_leader, [s.world.other_student]).id
    ids["day_id"] = make_day(session, other_leader).id
    checked = 0
    for method, path, scope in _operations(app):
        if scope is None or "{" not in path:
            continue
        kwargs = {"json": {}} if method in {"post", "put", "patch"} else {}
        resp = client.open(_url(path, ids), method=method, headers=headers, **kwargs)
        assert resp.status_code == 404, (method, path, resp.status_code)
        checked += 1
    assert checked >= 16
