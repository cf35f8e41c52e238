"""The shared permission helpers at the request: case work at a school that asks for two factors needs a login
that carried two (the token's level of assurance, nothing else), and each refusal is audited as a denial."""

from __future__ import annotations

from typing import Any

import pytest
from flask_jwt_extended import create_access_token
from sqlalchemy import select

from api.auth import service as auth_service
from api.core.audit import AuditEntry
from api.core.db import db
from api.users.models import User
from tests.factories import make_school, make_user


def bearer(app, user, *, loa: Any = 1, drop_loa: bool = False) -> dict[str, str]:
    """A token of a real login (its family exists), carrying the level of assurance given."""
    with app.test_request_context():
        u = db.session.get(User, user.id)
        pair = auth_service.issue_tokens(db.session, user=u)
        db.session.commit()
        claims = {"school_id": u.school_id, "roles": u.roles, "fam": pair.family_id, "loa": loa}
        if drop_loa:
            del claims["loa"]
        token = create_access_token(identity=str(u.id), additional_claims=claims)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def strict_leader(session):
    school = make_school(session, case_work_requires_two_factor=True)
    return make_user(session, school, "leader")


def denials(session, user) -> list[tuple[str, str, str, dict]]:
    session.expire_all()
    return [
        (e.action, e.outcome, e.resource_type, e.detail)
        for e in session.scalars(
            select(AuditEntry).where(AuditEntry.user_id == user.id, AuditEntry.outcome == "denied")
        )
    ]


@pytest.mark.parametrize(
    ("token", "allowed"),
    [
        ({"loa": 2}, True),
        ({"loa": 3}, True),
        ({"loa": 1}, False),
        ({"loa": "2"}, False),  # not a level the server issued
        ({"loa": None}, False),
        ({"drop_loa": True}, False),  # a token from before levels were recorded: one factor
    ],
)
def test_case_work_needs_a_two_factor_login_where_the_school_asks(
    app, client, session, strict_leader, token, allowed
):
    resp = client.get("/api/v1/incidents", headers=bearer(app, strict_leader, **token))
    if allowed:
        assert resp.status_code == 200, resp.json
        assert denials(session, strict_leader) == []
    else:
        assert resp.status_code == 403
        assert resp.json["type"] == "step_up_required"
        assert denials(session, strict_leader) == [
            ("denied", "denied", "request", {"reason": "step_up_required"})
        ]


def test_one_factor_works_cases_where_the_school_does_not_ask(app, client, session):
    leader = make_user(session, make_school(session), "leader")
    resp = client.get("/api/v1/incidents", headers=bearer(app, leader, loa=1))
    assert resp.status_code == 200
    assert denials(session, leader) == []
