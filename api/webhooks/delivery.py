"""Delivering (worker side): claim due deliveries with a lease, attempt them, record the outcome on the
Standard Webhooks retry schedule; 410 or a long run of failures switches the endpoint off."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from api.notifications.service import notify
from api.users.service import active_user_ids
from api.webhooks import sender
from api.webhooks.models import DeliveryStatus, DisabledReason, WebhookDelivery, WebhookEndpoint

# The wait before each attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
RETRY_DELAYS = tuple(timedelta(seconds=s) for s in (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400))
# An endpoint whose every attempt has failed for this long when a delivery runs out of attempts (some
# 76 hours after its first) is switched off; one that still succeeds now and then is not.
DISABLE_AFTER_FAILING = timedelta(hours=48)
KEEP_DELIVERED = timedelta(days=30)


@dataclass(frozen=True)
class Settings:
    """How attempts are made."""

    timeout: float = 10.0
    max_response_bytes: int = 64 * 1024
    allow_loopback: bool = False

    @classmethod
    def from_config(cls, config: Any) -> Settings:
        """From the app's settings (loopback only outside production)."""
        return cls(
            timeout=float(config.get("WEBHOOK_TIMEOUT_SECONDS", 10)),
            max_response_bytes=int(config.get("WEBHOOK_MAX_RESPONSE_BYTES", 64 * 1024)),
            allow_loopback=bool(config.get("WEBHOOK_ALLOW_LOOPBACK"))
            and config.get("TRIVSEL_ENV") != "production",
        )


@dataclass(frozen=True)
class Claimed:
    """A delivery this worker holds the lease on, with what it needs to attempt it."""

    delivery_id: int
    endpoint_id: int
    school_id: int
    url: str
    message_id: str
    payload: dict[str, Any]
    secrets: tuple[str, ...]
    attempts: int


def claim(
    session: Session,
    *,
    worker_id: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    per_endpoint: int,
    in_flight: dict[int, int] | None = None,
) -> list[Claimed]:
    """Lease up to `limit` due deliveries of active endpoints, at most `per_endpoint` in flight per endpoint
    in this worker, so a slow endpoint never takes every slot. Other workers skip the locked rows (PostgreSQL
    FOR UPDATE SKIP LOCKED); the caller commits. A lease that runs out (a killed worker) frees the row."""
    in_flight = in_flight or {}
    full = [eid for eid, n in in_flight.items() if n >= per_endpoint]
    stmt = (
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING.value,
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
            WebhookEndpoint.active.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    )
    if full:
        stmt = stmt.where(WebhookDelivery.endpoint_id.not_in(full))
    taken: dict[int, int] = dict(in_flight)
    chosen: list[tuple[WebhookDelivery, WebhookEndpoint]] = []
    for delivery, endpoint in session.execute(stmt):
        if taken.get(endpoint.id, 0) >= per_endpoint:
            continue  # left unleased: free for the next claim, here or in another worker
        taken[endpoint.id] = taken.get(endpoint.id, 0) + 1
        chosen.append((delivery, endpoint))
    if not chosen:
        return []
    # The lease is taken only where it is still free: where rows cannot be locked (SQLite), a second
    # worker that read the same rows finds them leased once the first commits, and claims none of them.
    leased = set(
        session.scalars(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id.in_([d.id for d, _ in chosen]),
                WebhookDelivery.status == DeliveryStatus.PENDING.value,
                or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
            )
            .values(locked_until=now + lease, locked_by=worker_id)
            .returning(WebhookDelivery.id)
            .execution_options(synchronize_session=False)
        )
    )
    return [
        Claimed(
            delivery_id=delivery.id,
            endpoint_id=endpoint.id,
            school_id=endpoint.school_id,
            url=endpoint.url,
            message_id=delivery.message_id,
            payload=delivery.payload,
            secrets=tuple(endpoint.signing_secrets(now)),
            attempts=delivery.attempts,
        )
        for delivery, endpoint in chosen
        if delivery.id in leased
    ]


def attempt(claimed: Claimed, *, settings: Settings, signed_at: datetime) -> sender.Outcome:
    """Sign (with the time of sending) and send one delivery; no database work, so the worker's threads
    run this in parallel."""
    body = sender.body_of(claimed.payload)
    headers = sender.signed_headers(
        message_id=claimed.message_id, body=body, secrets=list(claimed.secrets), at=signed_at
    )
    return sender.send(
        claimed.url,
        body=body,
        headers=headers,
        timeout=settings.timeout,
        max_response_bytes=settings.max_response_bytes,
        allow_loopback=settings.allow_loopback,
    )


def record(
    session: Session, *, claimed: Claimed, outcome: sender.Outcome, worker_id: str, now: datetime
) -> str | None:
    """Store an attempt's outcome and schedule the next one; returns the delivery's new status, or None
    when this worker no longer holds the lease (another worker took the delivery over)."""
    attempts = claimed.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "locked_until": None,
        "locked_by": None,
    }
    if outcome.ok:
        values.update(status=DeliveryStatus.DELIVERED.value, delivered_at=now, next_attempt_at=None)
    elif outcome.status_code == 410 or attempts >= len(RETRY_DELAYS):
        values.update(status=DeliveryStatus.FAILED.value, next_attempt_at=None)
    else:
        values.update(next_attempt_at=now + RETRY_DELAYS[attempts])
    fenced = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == claimed.delivery_id,
            WebhookDelivery.locked_by == worker_id,
            WebhookDelivery.status == DeliveryStatus.PENDING.value,
        )
        .values(**values)
    ).rowcount
    if fenced != 1:
        return None
    endpoint = WebhookEndpoint.id == claimed.endpoint_id
    if outcome.ok:
        session.execute(
            update(WebhookEndpoint)
            .where(endpoint, WebhookEndpoint.failing_since.is_not(None))
            .values(failing_since=None)
        )
    else:
        session.execute(
            update(WebhookEndpoint)
            .where(endpoint, WebhookEndpoint.failing_since.is_(None))
            .values(failing_since=now)
        )
        if outcome.status_code == 410:
            _disable(session, claimed, DisabledReason.GONE, now=now)
        elif attempts >= len(RETRY_DELAYS):
            _disable(
                session, claimed, DisabledReason.FAILING, now=now, failing_before=now - DISABLE_AFTER_FAILING
            )
    return values.get("status", DeliveryStatus.PENDING.value)


def _disable(
    session: Session,
    claimed: Claimed,
    reason: DisabledReason,
    *,
    now: datetime,
    failing_before: datetime | None = None,
) -> None:
    """Switch the endpoint off (once) and tell the school's admins."""
    conditions = [WebhookEndpoint.id == claimed.endpoint_id, WebhookEndpoint.active.is_(True)]
    if failing_before is not None:
        conditions.append(WebhookEndpoint.failing_since <= failing_before)
    switched = session.execute(
        update(WebhookEndpoint)
        .where(*conditions)
        .values(
            active=False,
            disabled_reason=reason.value,
            disabled_at=now,
            version=WebhookEndpoint.version + 1,
        )
    ).rowcount
    if switched == 1:
        notify(
            session,
            user_ids=active_user_ids(session, role="admin", school_id=claimed.school_id),
            kind="webhook_endpoint_disabled",
            params={"endpoint_id": claimed.endpoint_id},
        )


def purge(session: Session, *, now: datetime) -> int:
    """Delete delivered and failed deliveries older than 30 days; returns how many went."""
    done = (DeliveryStatus.DELIVERED.value, DeliveryStatus.FAILED.value)
    stmt = delete(WebhookDelivery).where(
        WebhookDelivery.status.in_(done), WebhookDelivery.created_at < now - KEEP_DELIVERED
    )
    return session.execute(stmt).rowcount or 0


def pending_count(session: Session, *, endpoint_ids: Iterable[int] | None = None) -> int:
    """How many deliveries wait (for tests and the benchmark)."""
    from sqlalchemy import func

    stmt = (
        select(func.count())
        .select_from(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING.value)
    )
    if endpoint_ids is not None:
        stmt = stmt.where(WebhookDelivery.endpoint_id.in_(list(endpoint_ids)))
    return session.scalar(stmt) or 0
