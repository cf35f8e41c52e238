"""Time rules: UTC in storage, Europe/Copenhagen for what people see and for "which day"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware datetime in UTC; a naive value is taken to be local (Copenhagen) time, as people enter it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def local_date(value: datetime | None = None) -> date:
    """The calendar day in Copenhagen of a moment (default: now)."""
    return (value or utcnow()).astimezone(LOCAL_TZ).date()
