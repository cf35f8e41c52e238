"""The transactional outbox: an event is written in the same transaction as the change that caused it, so it
is never lost and never sent for a change that rolled back. `trivsel worker` hands the events on."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.core.db import Base, SchoolOwned
from api.core.enums import register_enum
from api.core.timeutil import utcnow

# Every event a change can emit; the payload is thin: the type, the record's kind and id, the school, the time.
EVENT_TYPES = (
    "incident.reported",
    "incident.updated",
    "incident.status_changed",
    "incident.established",
    "incident.closed",
    "action_plan.adopted",
    "action_plan.due_soon",
    "action_plan.overdue",
    "follow_up.due",
    "student.updated",
    "roster.imported",
)
register_enum(
    "WebhookEventType",
    "What a webhook event says happened (its payload is thin: type, the record's kind and id, the time).",
    {
        "incident.reported": ("hændelse indberettet", "An incident was reported."),
        "incident.updated": ("hændelse ændret", "An incident's facts, students or classification changed."),
        "incident.status_changed": ("status ændret", "A case moved to another status."),
        "incident.established": ("mobning konstateret", "Bullying was established in a case."),
        "incident.closed": ("sag lukket", "A case was closed."),
        "action_plan.adopted": ("handlingsplan vedtaget", "A case's action plan was written."),
        "action_plan.due_soon": ("handlingsplan snart due", "An action plan is due within two working days."),
        "action_plan.overdue": ("handlingsplan overskredet", "An action plan is overdue."),
        "follow_up.due": ("opfølgning", "A follow-up meeting is due."),
        "student.updated": ("elev ændret", "A student's roster data changed."),
        "roster.imported": ("elevliste importeret", "A roster import was applied."),
    },
)


class OutboxEvent(SchoolOwned, Base):
    """One event, written with the change; dispatched (handed to the webhooks) by a worker."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Random, so an event id tells a receiver nothing about how busy other schools are.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: uuid.uuid4().hex)
    type: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(default=None, index=True)


def emit(
    session: Session, event_type: str, *, school_id: int, object_type: str, object_id: int
) -> OutboxEvent | None:
    """Add an event to the session's transaction (it commits or rolls back with the change)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    if not current_app.config.get("OUTBOX_ENABLED", True):
        return None
    # One change often touches a record in several steps; receivers hear of it once per transaction.
    transaction = session.get_transaction()
    seen = session.info.get("outbox_seen")
    keys: set[tuple[str, str, int]] = (
        seen[1] if seen and transaction is not None and seen[0] is transaction else set()
    )
    key = (event_type, object_type, object_id)
    if key in keys:
        return None
    keys.add(key)
    event = OutboxEvent(school_id=school_id, type=event_type, object_type=object_type, object_id=object_id)
    session.add(event)
    session.info["outbox_seen"] = (session.get_transaction(), keys)
    return event


def payload(event: OutboxEvent) -> dict[str, Any]:
    """The thin payload receivers get: no names, no free text; they fetch the record through the API."""
    return {
        "type": event.type,
        "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "data": {"object": event.object_type, "id": event.object_id, "school_id": event.school_id},
    }


def claim_undispatched(session: Session, *, limit: int) -> list[OutboxEvent]:
    """The oldest events not yet dispatched, locked for this transaction; other workers skip them."""
    stmt = (
        select(OutboxEvent)
        .where(OutboxEvent.dispatched_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(stmt))


def mark_dispatched(session: Session, events: list[OutboxEvent], *, now: datetime) -> list[OutboxEvent]:
    """Mark these events handed on, in the transaction that claimed them; returns those this transaction
    marked (where rows cannot be locked, as on SQLite, another worker may have marked some first)."""
    if not events:
        return []
    marked = set(
        session.scalars(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_([e.id for e in events]), OutboxEvent.dispatched_at.is_(None))
            .values(dispatched_at=now)
            .returning(OutboxEvent.id)
            .execution_options(synchronize_session=False)
        )
    )
    return [e for e in events if e.id in marked]


def purge_dispatched(session: Session, *, now: datetime, keep_days: int = 30) -> int:
    """Delete events dispatched more than `keep_days` ago; returns how many went."""
    cutoff = now - timedelta(days=keep_days)
    stmt = delete(OutboxEvent).where(
        OutboxEvent.dispatched_at.is_not(None), OutboxEvent.dispatched_at < cutoff
    )
    return session.execute(stmt).rowcount or 0
