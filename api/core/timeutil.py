"""Time rules: UTC in storage, Europe/Copenhagen for what people see and for "which day"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")
# How long whoever logged an incident or observation may withdraw it ("Fortryd"): the phone offers it for
# about 10 seconds, but a log can reach the server late on a slow connection, and a second thought is fine.
WITHDRAW_WINDOW = timedelta(minutes=10)


# Set only while the demo replays its history (as_of): the services then date what they write as it happened.
_AS_OF: ContextVar[datetime | None] = ContextVar("trivsel_as_of", default=None)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    replayed = _AS_OF.get()
    return datetime.now(UTC) if replayed is None else replayed


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Within the block it is `moment` (the demo seeder replays past case work through the services)."""
    token = _AS_OF.set(as_utc(moment))
    try:
        yield
    finally:
        _AS_OF.reset(token)


def as_utc(value: datetime) -> datetime:
    """An aware datetime in UTC; a naive value is taken to be local (Copenhagen) time, as people enter it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def local_date(value: datetime | None = None) -> date:
    """The calendar day in Copenhagen of a moment (default: now)."""
    return (value or utcnow()).astimezone(LOCAL_TZ).date()
