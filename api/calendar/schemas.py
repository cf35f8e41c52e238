"""Calendar schemas."""

from __future__ import annotations

from datetime import date

import marshmallow as ma

from api.core.pagination import PageQuery
from api.extensions import Schema

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _date_range(value: date) -> None:
    if not EARLIEST <= value <= LATEST:
        raise ma.ValidationError(f"Must be between {EARLIEST} and {LATEST}.")


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ma.ValidationError("Must not contain NUL characters.")


class ClosedDaysRead(Schema):
    """A day or period the school is closed."""

    id = ma.fields.Integer(dump_only=True)
    first_day = ma.fields.Date(dump_only=True)
    last_day = ma.fields.Date(dump_only=True)
    name = ma.fields.String(dump_only=True)


class ClosedDaysCreate(Schema):
    """A closed day, or a period when `last_day` is given (both days included)."""

    first_day = ma.fields.Date(required=True, validate=_date_range)
    last_day = ma.fields.Date(validate=_date_range, metadata={"description": "Defaults to first_day"})
    name = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(min=1, max=100), _no_nul],
        metadata={"description": "e.g. Efterårsferie"},
    )


class ClosedDaysQuery(PageQuery):
    """Filters: periods touching [from, to]."""

    from_day = ma.fields.Date(data_key="from", validate=_date_range)
    to_day = ma.fields.Date(data_key="to", validate=_date_range)
