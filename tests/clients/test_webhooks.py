"""A client holding webhooks:manage manages its school's webhook endpoints (and no other school's)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.webhooks.models import WebhookEndpoint
from tests.conftest import _clean, make_test_app
from tests.factories import client_token, make_api_client, make_school


@pytest.fixture
def app(database_url: str) -> Any:
    application = make_test_app(database_url, WEBHOOK_ALLOW_LOOPBACK=True)
    try:
        yield application
    finally:
        _clean(database_url)


def test_a_client_with_webhooks_manage_registers_and_removes_an_endpoint(app, client, session):
    school, other = make_school(session), make_school(session)
    caller = make_api_client(session, school, "webhooks:manage")
    headers = {"Authorization": f"Bearer {client_token(app, caller)}", "Idempotency-Key": "hook-1"}
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["incident.reported"]}
    resp = client.post("/api/v1/webhook-endpoints", json=body, headers=headers)
    assert resp.status_code == 201, resp.json
    endpoint = session.get(WebhookEndpoint, resp.json["id"])
    assert endpoint.school_id == school.id and endpoint.created_by_id is None
    # a replay of its key is the client's own, kept apart from any user's keys
    assert client.post("/api/v1/webhook-endpoints", json=body, headers=headers).headers["Idempotent-Replayed"]
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "webhook_endpoint_created")).one()
    assert (audited.client_id, audited.user_id, audited.scope) == (caller.id, None, "webhooks:manage")
    # another school's client sees none of it
    theirs = make_api_client(session, other, "webhooks:manage")
    their_headers = {"Authorization": f"Bearer {client_token(app, theirs)}"}
    assert client.get("/api/v1/webhook-endpoints", headers=their_headers).json["total"] == 0
    assert client.get(f"/api/v1/webhook-endpoints/{endpoint.id}", headers=their_headers).status_code == 404
    bearer = {"Authorization": headers["Authorization"]}
    assert client.delete(f"/api/v1/webhook-endpoints/{endpoint.id}", headers=bearer).status_code == 204
