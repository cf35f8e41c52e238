"""School schemas."""

from __future__ import annotations

import marshmallow as ma

from api.extensions import Schema


class SchoolBrief(Schema):
    """A school as named on other records."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    slug = ma.fields.String(dump_only=True)


class SchoolRead(Schema):
    """A school and its settings."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    slug = ma.fields.String(dump_only=True)
    count_closed_days = ma.fields.Boolean(
        dump_only=True, metadata={"description": "Whether the school's closed days count as non-working days"}
    )


class SchoolUpdate(Schema):
    """Settings an admin may change."""

    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    count_closed_days = ma.fields.Boolean()
