"""Municipality schemas."""

from __future__ import annotations

import marshmallow as ma

from api.analytics.schemas import SchoolBriefRead
from api.extensions import Schema


class MunicipalityRead(Schema):
    """A municipality and its schools."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    schools = ma.fields.List(ma.fields.Nested(SchoolBriefRead), dump_only=True)


class SchoolMunicipalityRead(Schema):
    """The municipality a school belongs to (null when none)."""

    municipality = ma.fields.Nested(SchoolBriefRead, dump_only=True, allow_none=True)
