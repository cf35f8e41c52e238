"""Registering API clients: an admin's work, in their own school; the secret is shown once and stored hashed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from api.clients.models import ApiClient
from api.core.audit import AuditEntry
from api.core.idempotency import IdempotencyKey
from api.core.timeutil import utcnow
from tests.factories import ApiClientCaller, auth, make_school, make_user, request_token

URL = "/api/v1/api-clients"


def _body(**kw):
    expires = (utcnow() + timedelta(days=365)).isoformat()
    return {
        "name": "Kommunens dashboard",
        "scopes": ["roster:read", "incidents:read"],
        "expires_at": expires,
        **kw,
    }


def test_an_admin_registers_a_client_whose_secret_is_shown_once(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    headers = {**auth(app, admin), "Idempotency-Key": "new-client-1"}
    body = _body()
    resp = client.post(URL, json=body, headers=headers)
    assert resp.status_code == 201
    made = resp.json
    assert made["client_id"].startswith("trvc_") and made["client_secret"].startswith("trvs_")
    assert made["state"] == "active" and made["school_ids"] == [school.id]
    assert resp.headers["Location"] == f"{URL}/{made['id']}"
    # stored only hashed, and not kept for a replay either
    row = session.get(ApiClient, made["id"])
    assert row.secret_hash.startswith("$argon2id$") and made["client_secret"] not in row.secret_hash
    kept = session.scalars(select(IdempotencyKey)).one()
    assert made["client_secret"] not in str(kept.response_body)
    replay = client.post(URL, json=body, headers=headers)
    assert replay.status_code == 201 and replay.json["client_secret"] is None
    assert replay.json["client_id"] == made["client_id"]
    # the secret works, and is never shown again
    caller = ApiClientCaller(made["id"], made["client_id"], made["client_secret"], school.id, ())
    assert request_token(app, caller).status_code == 200
    one = client.get(f"{URL}/{made['id']}", headers=auth(app, admin))
    assert "client_secret" not in one.json and one.json["last_token_at"] is not None
    listed = client.get(URL, headers=auth(app, admin)).json
    assert [c["id"] for c in listed["items"]] == [made["id"]]
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.resource_type == "api_client")))
    assert {"api_client_created", "api_client_token_issued"} <= actions


def test_only_admins_manage_clients_and_only_their_schools(app, client, session):
    school, other = make_school(session), make_school(session)
    admin = make_user(session, school, "admin")
    made = client.post(URL, json=_body(), headers=auth(app, admin)).json
    for role in ("leader", "teacher", "resource_person"):
        user = make_user(session, school, role)
        assert client.get(URL, headers=auth(app, user)).status_code == 403
        assert client.post(URL, json=_body(), headers=auth(app, user)).status_code == 403
    other_admin = make_user(session, other, "admin")
    theirs = auth(app, other_admin)
    assert client.get(URL, headers=theirs).json["total"] == 0
    for method, suffix in (("get", ""), ("delete", ""), ("post", "/revoke"), ("post", "/rotate-secret")):
        kwargs = {"json": {}} if suffix == "/rotate-secret" else {}
        resp = client.open(f"{URL}/{made['id']}{suffix}", method=method, headers=theirs, **kwargs)
        assert resp.status_code == 404, (method, suffix)


def test_bad_registrations_are_refused_per_field(app, client, session):
    school, other = make_school(session), make_school(session)
    headers = auth(app, make_user(session, school, "admin"))
    past = (utcnow() - timedelta(days=1)).isoformat()
    far = datetime(2030, 1, 1, tzinfo=UTC).isoformat()
    cases = [
        (_body(scopes=["roster:write"]), "scopes"),
        (_body(scopes=[]), "scopes"),
        (_body(expires_at=past), "expires_at"),
        (_body(expires_at=far), "expires_at"),
        (_body(school_ids=[school.id, other.id]), "school_ids"),  # other schools are off by default
        (_body(name=""), "name"),
    ]
    for body, field in cases:
        resp = client.post(URL, json=body, headers=headers)
        assert resp.status_code == 422, body
        assert field in resp.json["errors"], (field, resp.json)


def test_a_deployment_may_let_a_client_read_several_schools(app, client, session):
    app.config["API_CLIENTS_ACROSS_SCHOOLS"] = True
    school, other = make_school(session), make_school(session)
    headers = auth(app, make_user(session, school, "admin"))
    resp = client.post(URL, json=_body(school_ids=[school.id, other.id]), headers=headers)
    assert resp.status_code == 201 and resp.json["school_ids"] == [school.id, other.id]
    resp = client.post(URL, json=_body(school_ids=[school.id, 999_999]), headers=headers)
    assert resp.status_code == 422 and "school_ids" in resp.json["errors"]


def test_changes_need_if_match_and_a_scope_taken_away_stops_at_once(app, client, session):
    school = make_school(session)
    headers = auth(app, make_user(session, school, "admin"))
    made = client.post(URL, json=_body(), headers=headers).json
    caller = ApiClientCaller(made["id"], made["client_id"], made["client_secret"], school.id, ())
    token = request_token(app, caller).json["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/incidents", headers=bearer).status_code == 200
    url = f"{URL}/{made['id']}"
    assert client.patch(url, json={"scopes": ["roster:read"]}, headers=headers).status_code == 428
    etag = client.get(url, headers=headers).headers["ETag"]
    resp = client.patch(url, json={"scopes": ["roster:read"]}, headers={**headers, "If-Match": etag})
    assert resp.status_code == 200 and resp.json["scopes"] == ["roster:read"]
    stale = client.patch(url, json={"name": "X"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    resp = client.get("/api/v1/incidents", headers=bearer)
    assert resp.status_code == 403 and resp.json["type"] == "insufficient_scope"
    assert client.get("/api/v1/students", headers=bearer).status_code == 200
    # deleting it ends it too
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get("/api/v1/students", headers=bearer).status_code == 401
    assert client.get(url, headers=headers).status_code == 404


def test_the_scopes_are_listed_for_the_admin_screen(app, client, session):
    headers = auth(app, make_user(session, make_school(session), "admin"))
    scopes = [s["scope"] for s in client.get(f"{URL}/scopes", headers=headers).json["scopes"]]
    assert (
        scopes[:3] == ["roster:read", "incidents:read", "incidents:read:text"] and "webhooks:manage" in scopes
    )
