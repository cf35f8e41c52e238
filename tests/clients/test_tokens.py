"""OAuth 2.0 client credentials (RFC 6749 §4.4): the token endpoint, its errors in RFC 6749's own shape, the
RFC 8414 metadata, and what a token is worth afterwards (expiry, revocation, rotation, schools)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from api.clients.models import ApiClient, ApiClientToken
from api.core.timeutil import utcnow
from tests.factories import make_api_client, make_school, make_user, request_token
from tests.spec import error_shape_errors


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_client_gets_a_short_lived_bearer_token_without_refresh_token(app, session):
    school = make_school(session)
    caller = make_api_client(session, school, "roster:read", "incidents:read")
    resp = request_token(app, caller)
    assert resp.status_code == 200
    body = resp.json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    assert set(body["scope"].split()) == {"roster:read", "incidents:read"}
    assert body["school_id"] == school.id
    assert "refresh_token" not in body
    assert resp.headers["Cache-Control"] == "no-store"
    # stored only as a hash
    stored = session.scalars(select(ApiClientToken)).all()
    assert len(stored) == 1 and body["access_token"] not in stored[0].token_hash
    # a narrower scope on request
    narrow = request_token(app, caller, scope="roster:read").json
    assert narrow["scope"] == "roster:read"


def test_client_secret_post_works_too(app, session):
    caller = make_api_client(session, make_school(session), "roster:read")
    resp = app.test_client().post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": caller.client_id,
            "client_secret": caller.secret,
        },
    )
    assert resp.status_code == 200 and resp.json["access_token"].startswith("trv_")


def test_token_errors_follow_rfc_6749(app, session):
    school, other = make_school(session), make_school(session)
    caller = make_api_client(session, school, "roster:read")

    def error_of(resp):
        return resp.status_code, resp.json["error"]

    wrong = type(caller)(**{**caller.__dict__, "secret": "trvs_wrong"})
    assert error_of(request_token(app, wrong)) == (401, "invalid_client")
    unknown = type(caller)(**{**caller.__dict__, "client_id": "trvc_nobody"})
    assert error_of(request_token(app, unknown)) == (401, "invalid_client")
    assert error_of(request_token(app, caller, scope="roster:write")) == (400, "invalid_scope")
    # a known scope the admin did not give this client
    assert error_of(request_token(app, caller, scope="incidents:read")) == (400, "invalid_scope")
    assert error_of(request_token(app, caller, school_id=str(other.id))) == (400, "invalid_target")
    assert error_of(request_token(app, caller, grant_type="password")) == (400, "unsupported_grant_type")
    no_auth = app.test_client().post("/oauth/token", data={"grant_type": "client_credentials"})
    assert error_of(no_auth) == (401, "invalid_client")
    assert "WWW-Authenticate" in no_auth.headers or no_auth.status_code == 401


def test_expired_and_revoked_clients_get_no_token(app, session):
    school = make_school(session)
    expired = make_api_client(session, school, "roster:read")
    session.execute(
        update(ApiClient).where(ApiClient.id == expired.id).values(expires_at=utcnow() - timedelta(1))
    )
    revoked = make_api_client(session, school, "roster:read")
    session.execute(update(ApiClient).where(ApiClient.id == revoked.id).values(revoked_at=utcnow()))
    session.commit()
    for caller, state in ((expired, "expired"), (revoked, "revoked")):
        resp = request_token(app, caller)
        assert resp.status_code == 401
        assert resp.json == {"error": "invalid_client", "error_description": f"The client is {state}."}


def test_a_client_of_several_schools_names_one_per_token(app, client, session):
    a, b, c = make_school(session), make_school(session), make_school(session)
    caller = make_api_client(session, a, "roster:read", school_ids=[a.id, b.id])
    assert request_token(app, caller).json["error"] == "invalid_request"
    token_b = request_token(app, caller, school_id=str(b.id)).json
    assert token_b["school_id"] == b.id
    assert request_token(app, caller, school_id=str(c.id)).json["error"] == "invalid_target"
    assert request_token(app, caller, school_id="x").json["error"] == "invalid_request"
    # the token reads its school only
    from tests.factories import make_student

    make_student(session, a, given_name="Asta")
    make_student(session, b, given_name="Bent")
    names = [
        s["given_name"]
        for s in client.get("/api/v1/students", headers=_bearer(token_b["access_token"])).json["items"]
    ]
    assert names == ["Bent"]
    # the admin takes school b away: the token stops at once
    session.execute(update(ApiClient).where(ApiClient.id == caller.id).values(school_ids=[a.id]))
    session.commit()
    resp = client.get("/api/v1/students", headers=_bearer(token_b["access_token"]))
    assert resp.status_code == 401 and resp.json["type"] == "token_revoked"


def test_metadata_rfc_8414(app, client):
    resp = client.get("/.well-known/oauth-authorization-server")
    assert resp.status_code == 200
    meta = resp.json
    assert meta["token_endpoint"] == meta["issuer"] + "/oauth/token"
    assert meta["grant_types_supported"] == ["client_credentials"]
    assert set(meta["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}
    assert "incidents:read:text" in meta["scopes_supported"]


def test_expired_token_is_401_in_the_one_error_shape(app, client, session):
    caller = make_api_client(session, make_school(session), "roster:read")
    token = request_token(app, caller).json["access_token"]
    assert client.get("/api/v1/students", headers=_bearer(token)).status_code == 200
    session.execute(update(ApiClientToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    resp = client.get("/api/v1/students", headers=_bearer(token))
    assert resp.status_code == 401 and resp.json["type"] == "token_expired"
    assert error_shape_errors(resp.json, 401) == []
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    bogus = client.get("/api/v1/students", headers=_bearer("trv_not-a-token"))
    assert bogus.status_code == 401 and bogus.json["type"] == "token_invalid"


def test_revocation_takes_effect_at_once(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    caller = make_api_client(session, school, "roster:read")
    token = request_token(app, caller).json["access_token"]
    assert client.get("/api/v1/students", headers=_bearer(token)).status_code == 200
    from tests.factories import auth

    resp = client.post(f"/api/v1/api-clients/{caller.id}/revoke", headers=auth(app, admin))
    assert resp.status_code == 200 and resp.json["state"] == "revoked"
    resp = client.get("/api/v1/students", headers=_bearer(token))
    assert resp.status_code == 401 and resp.json["type"] == "token_revoked"
    assert request_token(app, caller).json["error"] == "invalid_client"


def test_rotation_keeps_the_old_secret_for_the_grace_period(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    caller = make_api_client(session, school, "roster:read")
    from tests.factories import auth

    resp = client.post(
        f"/api/v1/api-clients/{caller.id}/rotate-secret", json={"grace_hours": 1}, headers=auth(app, admin)
    )
    assert resp.status_code == 200
    new_secret = resp.json["client_secret"]
    assert new_secret != caller.secret
    fresh = type(caller)(**{**caller.__dict__, "secret": new_secret})
    assert request_token(app, fresh).status_code == 200
    assert request_token(app, caller).status_code == 200  # the old one, within the grace period
    # the grace period ends
    session.execute(
        update(ApiClient)
        .where(ApiClient.id == caller.id)
        .values(previous_secret_expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    assert request_token(app, caller).json["error"] == "invalid_client"
    assert request_token(app, fresh).status_code == 200
    # without a grace period the old secret dies at once
    resp = client.post(
        f"/api/v1/api-clients/{caller.id}/rotate-secret", json={"grace_hours": 0}, headers=auth(app, admin)
    )
    newest = type(caller)(**{**caller.__dict__, "secret": resp.json["client_secret"]})
    assert request_token(app, fresh).json["error"] == "invalid_client"
    assert request_token(app, newest).status_code == 200


def test_the_purge_drops_expired_client_tokens(app, session):
    from api.jobs.schedule import purge

    caller = make_api_client(session, make_school(session), "roster:read")
    request_token(app, caller)
    request_token(app, caller)
    session.execute(
        update(ApiClientToken)
        .where(ApiClientToken.token_hash == session.scalars(select(ApiClientToken.token_hash)).first())
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    assert purge(session, utcnow())["api_client_tokens"] == 1
    session.commit()
    assert len(session.scalars(select(ApiClientToken)).all()) == 1


def test_token_requests_are_limited_per_address(app, session):
    app.config["API_CLIENT_TOKEN_RATE_LIMIT"] = "2 per minute"
    caller = make_api_client(session, make_school(session), "roster:read")
    assert [request_token(app, caller).status_code for _ in range(3)] == [200, 200, 429]
    limited = request_token(app, caller)
    assert limited.json["type"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1
