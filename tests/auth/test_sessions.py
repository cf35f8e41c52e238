"""Sessions end when they must: a password change or reset ends the user's other sessions, a deactivation ends
all of them, and a reactivation brings none back. Access tokens already issued stop too, not only refresh."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from tests.factories import PASSWORD, auth, make_school, make_user

NEW_PASSWORD = "a-brand-new-password"


def login(client, email, password=PASSWORD):
    resp = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert resp.status_code == 200, resp.json
    return resp.json


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def works(client, tokens) -> tuple[bool, bool]:
    """Whether the login's access token still reads /me, and whether its refresh token still refreshes."""
    access = client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).status_code
    refresh = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert access in (200, 401) and refresh.status_code in (200, 401), (access, refresh.status_code)
    if refresh.status_code == 200:  # keep using the rotated pair, as a client would
        tokens.update(refresh.json)
    return access == 200, refresh.status_code == 200


@pytest.fixture
def people(app, session):
    school = make_school(session)
    admin = make_user(session, school, "admin", email="admin@example.dk")
    user = make_user(session, school, "teacher", email="tina@example.dk")
    return admin, user


def _patch_user(client, admin_headers, user_id, **changes):
    etag = client.get(f"/api/v1/users/{user_id}", headers=admin_headers).headers["ETag"]
    resp = client.patch(f"/api/v1/users/{user_id}", headers={**admin_headers, "If-Match": etag}, json=changes)
    assert resp.status_code == 200, resp.json
    return resp


def test_own_password_change_ends_the_other_sessions_and_keeps_this_one(client, session, people):
    _admin, user = people
    phone, laptop = login(client, user.email), login(client, user.email)
    changed = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(phone["access_token"]),
    )
    assert changed.status_code == 204
    assert works(client, laptop) == (False, False)
    assert works(client, phone) == (True, True)
    # The session that changed it keeps working after its rotation too.
    assert works(client, phone) == (True, True)
    assert (
        client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}).status_code == 401
    )
    login(client, user.email, NEW_PASSWORD)
    row = session.scalars(select(AuditEntry).where(AuditEntry.action == "password_changed")).one()
    assert row.detail == {"sessions_ended": 1} and row.user_id == user.id


def test_a_wrong_current_password_ends_nothing(client, people):
    _admin, user = people
    phone, laptop = login(client, user.email), login(client, user.email)
    refused = client.post(
        "/api/v1/auth/password",
        json={"current_password": "not-my-password", "new_password": NEW_PASSWORD},
        headers=bearer(phone["access_token"]),
    )
    assert refused.status_code == 422 and "current_password" in refused.json["errors"]
    assert works(client, laptop) == (True, True) and works(client, phone) == (True, True)


def test_admin_password_reset_ends_every_session_of_the_user(app, client, session, people):
    admin, user = people
    phone, laptop = login(client, user.email), login(client, user.email)
    admin_login = login(client, admin.email)
    _patch_user(client, bearer(admin_login["access_token"]), user.id, password=NEW_PASSWORD)
    assert works(client, phone) == (False, False)
    assert works(client, laptop) == (False, False)
    assert works(client, admin_login) == (True, True)  # the admin's own session is not the user's
    login(client, user.email, NEW_PASSWORD)
    row = session.scalars(select(AuditEntry).where(AuditEntry.action == "user_updated")).one()
    assert row.detail == {"fields": ["password"], "sessions_ended": 2}


def test_admin_resetting_her_own_password_keeps_the_session_that_did_it(app, client, people):
    admin, _user = people
    here, elsewhere = login(client, admin.email), login(client, admin.email)
    _patch_user(client, bearer(here["access_token"]), admin.id, password=NEW_PASSWORD)
    assert works(client, elsewhere) == (False, False)
    assert works(client, here) == (True, True)


def test_deactivation_ends_every_session_and_reactivation_brings_none_back(app, client, people):
    admin, user = people
    before = login(client, user.email)
    admin_headers = auth(app, admin)
    _patch_user(client, admin_headers, user.id, active=False)
    assert works(client, before) == (False, False)
    assert (
        client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}).status_code == 401
    )
    _patch_user(client, admin_headers, user.id, active=True)
    assert works(client, before) == (False, False)
    after = login(client, user.email)
    assert works(client, after) == (True, True)


def test_a_token_of_another_users_login_is_refused(app, client, session, people):
    """A token naming one user and another user's login (family) is not honoured."""
    import time

    import jwt as pyjwt

    admin, user = people
    theirs = pyjwt.decode(login(client, admin.email)["access_token"], options={"verify_signature": False})
    forged = {**theirs, "sub": str(user.id), "jti": "y" * 36, "iat": int(time.time())}
    token = pyjwt.encode(forged, app.config["JWT_SECRET_KEY"], algorithm="HS256")
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    without_family = {k: v for k, v in forged.items() if k != "fam"}
    token = pyjwt.encode(without_family, app.config["JWT_SECRET_KEY"], algorithm="HS256")
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
