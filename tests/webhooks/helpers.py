"""Helpers for webhook tests: register endpoints through the API, run a worker in the test's process."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from api.core import outbox
from api.jobs.worker import Options, Worker
from api.webhooks.models import WebhookDelivery
from tests.incidents.factories import World, headers

ALL_TYPES = list(outbox.EVENT_TYPES)


def register(
    client: FlaskClient, app: Flask, world: World, url: str, event_types: list[str] | None = None
) -> dict[str, Any]:
    """Register an endpoint as the school's admin; returns the answer (with the secret)."""
    resp = client.post(
        "/api/v1/webhook-endpoints",
        json={"url": url, "event_types": event_types or ALL_TYPES},
        headers=headers(app, world, world.users["admin"]),
    )
    assert resp.status_code == 201, resp.json
    return resp.json


def worker(app: Flask, **options: Any) -> Worker:
    """A worker in this process (its run_once takes a fake time)."""
    options.setdefault("worker_id", "test-worker")
    options.setdefault("run_jobs", False)
    return Worker(app, Options(**options))


def deliveries(session: Any, endpoint_id: int | None = None) -> list[WebhookDelivery]:
    """The deliveries as stored now (fresh from the database)."""
    session.expire_all()
    stmt = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if endpoint_id is not None:
        stmt = stmt.where(WebhookDelivery.endpoint_id == endpoint_id)
    return list(session.scalars(stmt))


def emit_many(app: Flask, school_id: int, n: int, event_type: str = "incident.updated") -> None:
    """n events written straight into the outbox (as n changes would)."""
    from api.core.db import db

    with app.app_context():
        for i in range(n):
            outbox.emit(db.session, event_type, school_id=school_id, object_type="incident", object_id=i + 1)
        db.session.commit()


def error_fields(resp: Any) -> list[str]:
    """The field names a 422 names. The unified error shape keys `errors` by field; until that lands on
    main, webargs' location level ("json") is stepped over."""
    errors = resp.json["errors"]
    return sorted(errors.get("json", errors))


def report(client: FlaskClient, app: Flask, world: World) -> int:
    """A teacher reports an incident through the API; returns its id."""
    resp = client.post(
        "/api/v1/incidents",
        json={"classification": "teasing", "students": [{"student_id": world.anna.id, "role": "target"}]},
        headers=headers(app, world, world.users["teacher"]),
    )
    assert resp.status_code == 201, resp.json
    return resp.json["id"]
