"""Webhook endpoints and their deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, JSONType, SchoolOwned
from api.core.enums import documented_enum
from api.core.timeutil import utcnow


@documented_enum(
    {
        "pending": ("afventer", "Not delivered yet (still being tried)."),
        "delivered": ("leveret", "The receiver answered 2xx."),
        "failed": ("fejlet", "Every attempt failed."),
    }
)
class DeliveryStatus(StrEnum):
    """Where a delivery stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@documented_enum(
    {
        "gone": ("væk", "The receiver answered 410 Gone."),
        "failing": ("fejler", "Every attempt of a delivery failed, with no success since."),
    }
)
class DisabledReason(StrEnum):
    """Why the system switched an endpoint off (an admin switching it off leaves no reason)."""

    GONE = "gone"  # the receiver answered 410 Gone
    FAILING = "failing"  # every attempt of a delivery failed, with no success since


class WebhookEndpoint(SchoolOwned, Base):
    """A URL of another school tool that wants to hear of some event types, with its signing secret(s)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(200), default=None)
    event_types: Mapped[list[str]] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    disabled_reason: Mapped[str | None] = mapped_column(String(16), default=None)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)
    secret: Mapped[str] = mapped_column(String(100))
    # While rotating, deliveries are signed with both secrets until the old one expires.
    previous_secret: Mapped[str | None] = mapped_column(String(100), default=None)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set at the first failed attempt after a success; cleared by the next success.
    failing_since: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    def signing_secrets(self, now: datetime) -> list[str]:
        """The secrets to sign with now: the current one, and the previous one during its grace period."""
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            secrets.append(self.previous_secret)
        return secrets


class WebhookDelivery(SchoolOwned, Base):
    """One event for one endpoint: attempts on the retry schedule until it is delivered or given up.
    Status, attempt count and the last response code are kept; never the response body."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    # The webhook-id header: the same for every attempt, so receivers de-duplicate by it.
    message_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    # A worker's claim: nobody else attempts the delivery until the lease runs out.
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    locked_by: Mapped[str | None] = mapped_column(String(100), default=None)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(String(32), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="select")
