"""Time rules: UTC in storage, Europe/Copenhagen for what people see and for "which day"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")
# How long whoever logged an incident or observation may withdraw it ("Fortryd"): the phone offers it for
# about 10 seconds, but a log can reach the server late on a slow connection, and a second thought is fine.
WITHDRAW_WINDOW = timedelta(minutes=10)


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
