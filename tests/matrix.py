"""Helpers for permission-matrix tests: one user per role in two schools, and a request per role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.users.models import ROLE_VALUES
from tests.factories import auth, make_api_client, make_school, make_user

ROLES = list(ROLE_VALUES)
# The seventh kind of caller: an API client (OAuth 2.0 client credentials) holding every read scope and
# webhooks:manage. It reaches only operations that declare a scope, and never a case accusing staff.
CLIENT = "client"
CALLERS = [*ROLES, CLIENT]


@dataclass
class Tenant:
    """A school with one user per role."""

    school: Any
    users: dict[str, Any]


def tenant(session: Session, name: str = "A", *, with_client: bool = False) -> Tenant:
    """A school with a user for every role (and, with_client, an API client under the key "client")."""
    school = make_school(session, name=f"Skole {name}")
    users: dict[str, Any] = {role: make_user(session, school, role) for role in ROLES}
    if with_client:
        users[CLIENT] = make_api_client(session, school)
    return Tenant(school=school, users=users)


def statuses(
    app: Flask, client: FlaskClient, users: dict[str, Any], method: str, url: str, **kwargs: Any
) -> dict[str, int]:
    """The status each role (or API client) gets for one request (a fresh token each)."""
    out = {}
    extra = kwargs.pop("headers", {})
    for role, user in users.items():
        headers = {**extra, **auth(app, user)}
        out[role] = client.open(url, method=method, headers=headers, **kwargs).status_code
    return out


def assert_can_create_follows_post(
    app: Flask, client: FlaskClient, users: dict[str, Any], url: str, body: dict[str, Any]
) -> dict[str, int]:
    """The list at `url` says `can_create` to exactly the callers whose POST of `body` succeeds (201); a caller
    who may not read the list must not create either. The POST statuses, by caller."""
    made = statuses(app, client, users, "POST", url, json=body)
    for caller, user in users.items():
        listed = client.get(url, headers=auth(app, user))
        if listed.status_code != 200:
            assert made[caller] == 403, caller
            continue
        assert listed.json["can_create"] is (made[caller] == 201), caller
    return made
