"""School schemas."""

from __future__ import annotations

import marshmallow as ma

from api.extensions import Schema

MAX_RECESSES = 12
_CLOCK = ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Not a time of day (HH:MM).")


class SchoolBrief(Schema):
    """A school as named on other records."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    slug = ma.fields.String(dump_only=True)


class RecessTime(Schema):
    """One recess of the school day, in Copenhagen time."""

    start = ma.fields.String(
        required=True, validate=_CLOCK, metadata={"description": "HH:MM, 24-hour", "example": "09:40"}
    )
    end = ma.fields.String(
        required=True, validate=_CLOCK, metadata={"description": "HH:MM, after start", "example": "10:00"}
    )


class SchoolRead(Schema):
    """A school and its settings."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    slug = ma.fields.String(dump_only=True)
    count_closed_days = ma.fields.Boolean(
        dump_only=True, metadata={"description": "Whether the school's closed days count as non-working days"}
    )
    password_login = ma.fields.Boolean(
        dump_only=True, metadata={"description": "Whether staff may log in with e-mail and password"}
    )
    case_work_requires_two_factor = ma.fields.Boolean(
        dump_only=True,
        metadata={"description": "Whether case work needs a two-factor sign-in (one-factor: quick log only)"},
    )
    recess_times = ma.fields.List(
        ma.fields.Nested(RecessTime),
        dump_only=True,
        metadata={"description": "The school day's recesses, earliest first (empty: not set)"},
    )


class SchoolUpdate(Schema):
    """Settings an admin may change."""

    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    count_closed_days = ma.fields.Boolean()
    password_login = ma.fields.Boolean(
        metadata={
            "description": "false refuses password logins (type `password_login_disabled`); needs an enabled "
            "identity provider the acting admin is linked to"
        }
    )
    case_work_requires_two_factor = ma.fields.Boolean()
    recess_times = ma.fields.List(
        ma.fields.Nested(RecessTime),
        validate=ma.validate.Length(max=MAX_RECESSES),
        metadata={"description": "The whole list; each recess ends after it starts, and none overlap"},
    )
