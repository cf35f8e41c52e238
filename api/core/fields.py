"""The field rules every schema shares: ids, days, moments and text, each defined once.

- An id is a positive 32-bit integer (PostgreSQL's `integer`); a larger one is simply not found, never a 500.
- A day or a moment lies between 2000-01-01 and 2100-12-31: the system's records and the law's deadlines
  all fall inside it, and a typo (year 20026) is a 422 instead of a row nobody can find.
- A moment without an offset is Copenhagen time, as people enter it.
- Text people type has a length limit. NUL characters (which PostgreSQL cannot store) are refused once, for
  every field, by the base Schema (api.extensions), so no field checks them again.

Services can trust what these fields loaded; they check only what a schema cannot (the school's own lists,
who may do what, dates relative to the case).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import marshmallow as ma

from api.core.db import MAX_ID
from api.core.timeutil import LOCAL_TZ

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def valid_id(value: Any) -> bool:
    """Whether a value can be a row's id (services use it for ids that did not come through a schema)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _sane_day(value: date) -> None:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ma.ValidationError(f"Must be between {EARLIEST_DAY} and {LATEST_DAY}.")


def _sane_moment(value: datetime) -> None:
    try:
        day = value.astimezone(UTC).date()
    except (OverflowError, ValueError) as exc:
        raise ma.ValidationError("Not a usable moment.") from exc
    _sane_day(day)


def id_field(*, strict: bool = True, **kwargs: Any) -> ma.fields.Integer:
    """A database id; query strings pass strict=False (they arrive as text)."""
    return ma.fields.Integer(strict=strict, validate=ma.validate.Range(min=1, max=MAX_ID), **kwargs)


def day_field(**kwargs: Any) -> ma.fields.Date:
    """A calendar day in the sane range."""
    return ma.fields.Date(validate=_sane_day, **kwargs)


def moment_field(**kwargs: Any) -> ma.fields.AwareDateTime:
    """A moment in the sane range; without an offset it is taken as Copenhagen time."""
    return ma.fields.AwareDateTime(default_timezone=LOCAL_TZ, validate=_sane_moment, **kwargs)


def text_field(*, max_length: int, min_length: int = 0, **kwargs: Any) -> ma.fields.String:
    """Free text people type, at most `max_length` characters (at least `min_length`)."""
    return ma.fields.String(validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)


def enum_field(values: Any, **kwargs: Any) -> ma.fields.String:
    """One of an enum's values (a StrEnum class or a list of strings); the service need not check it again."""
    allowed = [getattr(v, "value", v) for v in values]
    return ma.fields.String(validate=ma.validate.OneOf(allowed), **kwargs)
