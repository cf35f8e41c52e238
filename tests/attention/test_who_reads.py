"""Who reads the attention list: every child-facing role, each over what they may see; an admin (rosters, not
children) and an API client (no scope opens it) are refused, the admin's refusal audited against the list."""

from __future__ import annotations

from sqlalchemy import select

from api.core.audit import AuditEntry
from tests.factories import client_token, make_api_client
from tests.incidents.factories import headers, make_world

URL = "/api/v1/attention"


def test_every_child_facing_role_reads_it_an_admin_is_refused_and_audited(app, client, session):
    world = make_world(session)
    for role in ("leader", "resource_person", "teacher", "pedagogue", "sfo_staff"):
        resp = client.get(URL, headers=headers(app, world, world.users[role]))
        assert resp.status_code == 200, role
        assert resp.json["groups"], role
    admin = world.users["admin"]
    resp = client.get(URL, headers=headers(app, world, admin))
    assert resp.status_code == 403 and resp.json["type"] == "forbidden"
    denied = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).all()
    assert [(r.user_id, r.resource_type) for r in denied] == [(admin.id, "attention")]


def test_no_api_client_reads_it(app, client, session):
    world = make_world(session)
    caller = make_api_client(session, world.school)  # every read scope
    resp = client.get(URL, headers={"Authorization": f"Bearer {client_token(app, caller)}"})
    assert resp.status_code == 403 and resp.json["type"] == "not_for_api_clients"
