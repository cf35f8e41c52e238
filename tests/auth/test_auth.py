"""Login, tokens and their forgeries."""

from __future__ import annotations

import time
from datetime import timedelta

import jwt as pyjwt
import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from tests.conftest import make_test_app
from tests.factories import PASSWORD, auth, make_school, make_user, token_for


def login(client, email, password=PASSWORD, **extra):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password, **extra})


def test_login_returns_tokens_with_claims(app, client, session):
    school = make_school(session)
    user = make_user(session, school, "teacher", "pedagogue", email="tina@example.dk")
    resp = login(client, "Tina@Example.dk")
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert body["user"]["email"] == "tina@example.dk"
    assert body["user"]["roles"] == ["pedagogue", "teacher"]
    claims = pyjwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == str(user.id)
    assert claims["school_id"] == school.id
    assert claims["roles"] == ["pedagogue", "teacher"]
    assert claims["type"] == "access"
    assert claims["iss"] == "trivsel" and claims["aud"] == "trivsel-api"
    assert resp.headers["Cache-Control"] == "no-store"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json["id"] == user.id


def test_wrong_email_and_wrong_password_answer_the_same(app, client, session):
    school = make_school(session)
    make_user(session, school, email="a@example.dk")
    wrong_pw = login(client, "a@example.dk", "not-the-password")
    wrong_email = login(client, "nobody@example.dk", "not-the-password")
    assert wrong_pw.status_code == wrong_email.status_code == 401
    assert wrong_pw.json == wrong_email.json
    failed = session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
    assert len(failed) == 2 and all(e.outcome == "denied" for e in failed)


def test_inactive_user_cannot_log_in(app, client, session):
    school = make_school(session)
    make_user(session, school, email="gone@example.dk", active=False)
    assert login(client, "gone@example.dk").status_code == 401


def test_login_rate_limit_answers_429_with_retry_after(database_url):
    app = make_test_app(database_url, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [login(client, "x@example.dk", "wrong-password").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    resp = login(client, "x@example.dk", "wrong-password")
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) > 0
    assert resp.json["code"] == 429 and resp.json["message"]


@pytest.fixture
def teacher(app, session):
    school = make_school(session)
    return make_user(session, school, "teacher", email="t@example.dk")


def _forge(app, user, **changes):
    with app.app_context():
        claims = {
            "sub": str(user.id),
            "school_id": user.school_id,
            "roles": ["admin"],
            "type": "access",
            "iss": "trivsel",
            "aud": "trivsel-api",
            "jti": "x" * 36,
            "fresh": False,
            "iat": int(time.time()),
            "nbf": int(time.time()),
            "exp": int(time.time()) + 600,
        }
        key = changes.pop("key", app.config["JWT_SECRET_KEY"])
        alg = changes.pop("alg", "HS256")
        claims.update(changes)
        claims = {k: v for k, v in claims.items() if v is not None}
        if alg == "none":
            return pyjwt.encode(claims, None, algorithm="none")
        return pyjwt.encode(claims, key, algorithm=alg)


@pytest.mark.parametrize(
    "changes",
    [
        {"alg": "none"},
        {"key": "a-completely-different-secret-key-of-enough-length"},
        {"exp": int(time.time()) - 10, "iat": int(time.time()) - 1000, "nbf": int(time.time()) - 1000},
        {"aud": "someone-else"},
        {"iss": "evil"},
        {"alg": "HS512"},
    ],
    ids=["alg-none", "wrong-key", "expired", "wrong-audience", "wrong-issuer", "other-algorithm"],
)
def test_forged_tokens_are_401(app, client, teacher, changes):
    token = _forge(app, teacher, **changes)
    resp = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401
    assert set(resp.json) >= {"code", "status", "message"}


def test_garbage_and_missing_tokens_are_401(client, teacher):
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not.a.jwt"}).status_code == 401
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_refresh_token_cannot_be_used_as_access(client, teacher):
    body = login(client, "t@example.dk").json
    resp = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['refresh_token']}"})
    assert resp.status_code == 401


def test_access_token_cannot_refresh(client, teacher):
    body = login(client, "t@example.dk").json
    resp = client.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert resp.status_code == 401


def test_refresh_rotates_and_reuse_revokes_family(client, teacher):
    body = login(client, "t@example.dk").json
    first = client.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {body['refresh_token']}"})
    assert first.status_code == 200
    new = first.json
    assert new["refresh_token"] != body["refresh_token"]
    ok = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {new['access_token']}"})
    assert ok.status_code == 200
    # The old refresh token again: theft suspected, the whole family ends.
    reuse = client.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {body['refresh_token']}"})
    assert reuse.status_code == 401
    assert (
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {new['access_token']}"}).status_code
        == 401
    )
    again = client.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {new['refresh_token']}"})
    assert again.status_code == 401
    # Another login is unaffected.
    other = login(client, "t@example.dk").json
    assert (
        client.get(
            "/api/v1/auth/me", headers={"Authorization": f"Bearer {other['access_token']}"}
        ).status_code
        == 200
    )


def test_logout_revokes_access_and_refresh(client, teacher):
    body = login(client, "t@example.dk").json
    h = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.post("/api/v1/auth/logout", headers=h).status_code == 204
    assert client.get("/api/v1/auth/me", headers=h).status_code == 401
    resp = client.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {body['refresh_token']}"})
    assert resp.status_code == 401


def test_deactivation_and_role_change_take_effect_at_once(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    user = make_user(session, school, "admin", "teacher")
    h = auth(app, user)
    assert client.get("/api/v1/users", headers=h).status_code == 200
    etag = client.get(f"/api/v1/users/{user.id}", headers=auth(app, admin)).headers["ETag"]
    r = client.patch(
        f"/api/v1/users/{user.id}",
        json={"roles": ["teacher"]},
        headers={**auth(app, admin), "If-Match": etag},
    )
    assert r.status_code == 200, r.json
    assert client.get("/api/v1/users", headers=h).status_code == 403  # token still says admin
    r = client.patch(
        f"/api/v1/users/{user.id}",
        json={"active": False},
        headers={**auth(app, admin), "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200
    assert client.get("/api/v1/auth/me", headers=h).status_code == 401


def test_cookie_login_sets_httponly_cookies_and_requires_csrf(app, client, session):
    school = make_school(session)
    make_user(session, school, "teacher", email="c@example.dk")
    resp = login(client, "c@example.dk", use_cookies=True)
    assert resp.status_code == 200
    assert "access_token" not in resp.json and "refresh_token" not in resp.json
    cookies = resp.headers.getlist("Set-Cookie")
    access = next(c for c in cookies if c.startswith("access_token_cookie="))
    assert "HttpOnly" in access and "SameSite=Strict" in access
    csrf = client.get_cookie("csrf_access_token").value
    assert client.get("/api/v1/auth/me").status_code == 200
    # A write without the CSRF header is refused; with it, allowed.
    assert client.post("/api/v1/auth/logout").status_code == 401
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-TOKEN": csrf}).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_cookie_refresh(app, client, session):
    school = make_school(session)
    make_user(session, school, "teacher", email="c@example.dk")
    login(client, "c@example.dk", use_cookies=True)
    csrf_refresh = client.get_cookie("csrf_refresh_token", path="/").value
    assert client.post("/api/v1/auth/refresh").status_code == 401
    resp = client.post("/api/v1/auth/refresh", headers={"X-CSRF-TOKEN": csrf_refresh})
    assert resp.status_code == 200, resp.json
    assert "access_token" not in resp.json
    assert client.get("/api/v1/auth/me").status_code == 200


def test_password_change(app, client, session):
    school = make_school(session)
    user = make_user(session, school, "teacher", email="p@example.dk")
    h = auth(app, user)
    bad = client.post(
        "/api/v1/auth/password", json={"current_password": "nope", "new_password": "x" * 12}, headers=h
    )
    assert bad.status_code == 422
    ok = client.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": "n" * 12}, headers=h
    )
    assert ok.status_code == 204
    assert login(client, "p@example.dk", "n" * 12).status_code == 200


def test_token_lifetimes_are_short_for_access(app):
    assert app.config["JWT_ACCESS_TOKEN_EXPIRES"] <= timedelta(minutes=30)
    assert app.config["JWT_DECODE_ALGORITHMS"] == ["HS256"]


def test_token_of_unknown_user_is_401(app, client, session):
    school = make_school(session)
    user = make_user(session, school)
    token = token_for(app, user)
    session.delete(session.get(type(user), user.id))
    session.commit()
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
