"""Webhook endpoints (HTTP-free): register, change, rotate the secret, send a test event, read the delivery
log; and the fan-out of outbox events into one delivery per subscribed endpoint."""

from __future__ import annotations

import base64
import secrets
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.scopes import is_client
from api.core import audit, outbox
from api.core.etag import IfMatch, check_if_match
from api.core.inputs import text_or_none
from api.core.pagination import paginate
from api.core.scoping import get_in_school
from api.core.timeutil import utcnow
from api.errors import Conflict, InvalidInput
from api.webhooks import permissions, urls
from api.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

TEST_EVENT_TYPE = "webhook.test"
MAX_ENDPOINTS_PER_SCHOOL = 20
SECRET_BYTES = 24
MAX_GRACE_HOURS = 7 * 24


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form: whsec_ + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def allow_loopback() -> bool:
    """Whether http://127.0.0.1 endpoints are allowed (development and tests only; never in production)."""
    cfg = current_app.config
    return bool(cfg.get("WEBHOOK_ALLOW_LOOPBACK")) and cfg.get("TRIVSEL_ENV") != "production"


def _checked_url(url: str) -> str:
    url = url.strip()
    try:
        urls.check(url, allow_loopback=allow_loopback())
    except urls.UrlRefused as exc:
        raise InvalidInput(str(exc), errors={"url": [exc.reason]}) from exc
    return url


def _checked_types(event_types: list[str]) -> list[str]:
    wanted = list(dict.fromkeys(event_types))
    unknown = [t for t in wanted if t not in outbox.EVENT_TYPES]
    if not wanted or unknown:
        raise InvalidInput(
            "Choose one or more known event types.",
            errors={"event_types": [f"must be among {', '.join(outbox.EVENT_TYPES)}"]},
        )
    return wanted


def _audit(action: str, endpoint: WebhookEndpoint, **detail: Any) -> None:
    audit.record(action, resource_type="webhook_endpoint", resource_id=endpoint.id, detail=detail or None)


def _load(session: Session, caller: Any, endpoint_id: int) -> WebhookEndpoint:
    return get_in_school(
        session, WebhookEndpoint, endpoint_id, school_id=caller.school_id, what="Webhook endpoint"
    )


def list_endpoints(session: Session, *, caller: Any, page: int = 1, page_size: int = 25) -> dict:
    """The school's endpoints, oldest first."""
    permissions.ensure_can_manage(caller)
    stmt = (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.school_id == caller.school_id)
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    )
    return paginate(session, stmt, page=page, page_size=page_size)


def get_endpoint(session: Session, *, caller: Any, endpoint_id: int) -> WebhookEndpoint:
    """One of the school's endpoints (another school's is 404)."""
    permissions.ensure_can_manage(caller)
    return _load(session, caller, endpoint_id)


def create_endpoint(
    session: Session, *, caller: Any, url: str, event_types: list[str], description: str | None = None
) -> WebhookEndpoint:
    """Register an endpoint; its secret is on the returned object's `secret` and shown this once."""
    permissions.ensure_can_manage(caller)
    count = session.scalar(
        select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.school_id == caller.school_id)
    )
    if (count or 0) >= MAX_ENDPOINTS_PER_SCHOOL:
        raise Conflict(f"A school can have at most {MAX_ENDPOINTS_PER_SCHOOL} webhook endpoints.")
    endpoint = WebhookEndpoint(
        school_id=caller.school_id,
        url=_checked_url(url),
        event_types=_checked_types(event_types),
        description=text_or_none(description),
        secret=new_secret(),
        created_by_id=None if is_client(caller) else caller.id,
    )
    session.add(endpoint)
    session.flush()
    _audit("webhook_endpoint_created", endpoint, event_types=endpoint.event_types)
    return endpoint


def update_endpoint(
    session: Session,
    *,
    caller: Any,
    endpoint_id: int,
    if_match: IfMatch | str | None = None,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint (None leaves a field as it is; "" clears the description). Switching it on again
    clears why it was switched off, and its pending deliveries resume."""
    endpoint = get_endpoint(session, caller=caller, endpoint_id=endpoint_id)
    if if_match is not None:
        check_if_match(endpoint, if_match)
    fields = []
    if url is not None:
        endpoint.url = _checked_url(url)
        fields.append("url")
    if event_types is not None:
        endpoint.event_types = _checked_types(event_types)
        fields.append("event_types")
    if description is not None:
        endpoint.description = text_or_none(description)
        fields.append("description")
    if active is not None and active != endpoint.active:
        if active:
            _checked_url(endpoint.url)
            endpoint.failing_since = None
            endpoint.disabled_reason = None
            endpoint.disabled_at = None
        else:
            endpoint.disabled_at = utcnow()
        endpoint.active = active
        fields.append("active")
    session.flush()
    _audit("webhook_endpoint_updated", endpoint, fields=fields)
    return endpoint


def delete_endpoint(session: Session, *, caller: Any, endpoint_id: int) -> None:
    """Remove an endpoint with its delivery log."""
    endpoint = get_endpoint(session, caller=caller, endpoint_id=endpoint_id)
    _audit("webhook_endpoint_deleted", endpoint)
    session.delete(endpoint)
    session.flush()


def rotate_secret(
    session: Session, *, caller: Any, endpoint_id: int, grace_hours: int = 24, now: datetime | None = None
) -> WebhookEndpoint:
    """A new secret at once; the old one keeps signing too for `grace_hours` (0: not at all), so the
    receiver can switch without losing a delivery."""
    if not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise InvalidInput(
            f"The grace period is 0-{MAX_GRACE_HOURS} hours.", errors={"grace_hours": ["out of range"]}
        )
    endpoint = get_endpoint(session, caller=caller, endpoint_id=endpoint_id)
    now = now or utcnow()
    endpoint.previous_secret = endpoint.secret if grace_hours else None
    endpoint.previous_secret_expires_at = now + timedelta(hours=grace_hours) if grace_hours else None
    endpoint.secret = new_secret()
    session.flush()
    _audit("webhook_secret_rotated", endpoint, grace_hours=grace_hours)
    return endpoint


def send_test_event(session: Session, *, caller: Any, endpoint_id: int) -> WebhookDelivery:
    """Queue a `webhook.test` event for this endpoint alone; its result shows in the delivery log."""
    endpoint = get_endpoint(session, caller=caller, endpoint_id=endpoint_id)
    if not endpoint.active:
        raise Conflict("The endpoint is switched off; switch it on before sending a test event.")
    now = utcnow()
    delivery = WebhookDelivery(
        school_id=endpoint.school_id,
        endpoint_id=endpoint.id,
        message_id=f"msg_{uuid.uuid4().hex}",
        event_type=TEST_EVENT_TYPE,
        payload={
            "type": TEST_EVENT_TYPE,
            "timestamp": now.isoformat().replace("+00:00", "Z"),
            "data": {"object": "webhook_endpoint", "id": endpoint.id, "school_id": endpoint.school_id},
        },
        next_attempt_at=now,
    )
    session.add(delivery)
    session.flush()
    _audit("webhook_test_sent", endpoint)
    return delivery


def list_deliveries(
    session: Session,
    *,
    caller: Any,
    endpoint_id: int,
    status: str | None = None,
    page: int = 1,
    page_size: int = 25,
) -> dict:
    """An endpoint's delivery log, newest first: status, attempts, last response code; never a body."""
    endpoint = get_endpoint(session, caller=caller, endpoint_id=endpoint_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    stmt = stmt.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    return paginate(session, stmt, page=page, page_size=page_size)


def fan_out(session: Session, *, events: list[outbox.OutboxEvent], now: datetime) -> int:
    """One pending delivery per event and active endpoint of its school that wants its type."""
    if not events:
        return 0
    endpoints: dict[int, list[WebhookEndpoint]] = defaultdict(list)
    for endpoint in session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.school_id.in_({e.school_id for e in events}), WebhookEndpoint.active.is_(True)
        )
    ):
        endpoints[endpoint.school_id].append(endpoint)
    deliveries = [
        WebhookDelivery(
            school_id=event.school_id,
            endpoint_id=endpoint.id,
            message_id=f"msg_{event.public_id}",
            event_type=event.type,
            payload=outbox.payload(event),
            status=DeliveryStatus.PENDING.value,
            next_attempt_at=now,
            created_at=now,
        )
        for event in events
        for endpoint in endpoints.get(event.school_id, ())
        if event.type in endpoint.event_types
    ]
    session.add_all(deliveries)
    return len(deliveries)
