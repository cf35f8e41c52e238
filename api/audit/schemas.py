"""Audit log schemas."""

from __future__ import annotations

import marshmallow as ma

from api.core.fields import id_field, moment_field
from api.core.pagination import PageQuery
from api.extensions import Schema


class AuditRead(Schema):
    """One audit row."""

    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime()
    school_id = ma.fields.Integer(allow_none=True)
    user_id = ma.fields.Integer(allow_none=True)
    client_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "The API client that acted (then user_id is null)"}
    )
    scope = ma.fields.String(allow_none=True, metadata={"description": "The scope the API client used"})
    roles = ma.fields.String()
    action = ma.fields.String()
    resource_type = ma.fields.String()
    resource_id = ma.fields.String(allow_none=True)
    student_id = ma.fields.Integer(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    outcome = ma.fields.String()
    detail = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "Ids, enum values and a search's criteria (the query it was made with); never note text"
        },
    )


class AuditFilters(Schema):
    """Filters for the audit log (all optional, combined with AND)."""

    student_id = id_field(strict=False)
    user_id = id_field(strict=False)
    client_id = id_field(strict=False)
    action = ma.fields.String(validate=ma.validate.Length(max=64))
    resource_type = ma.fields.String(validate=ma.validate.Length(max=64))
    outcome = ma.fields.String(validate=ma.validate.OneOf(["allowed", "denied"]))
    from_moment = moment_field(data_key="from", metadata={"description": "From this moment (inclusive)"})
    to_moment = moment_field(data_key="to", metadata={"description": "Until this moment (exclusive)"})


class AuditQuery(PageQuery, AuditFilters):
    """Filters and paging."""


class AuditExportQuery(AuditFilters):
    """Filters for the CSV export."""
