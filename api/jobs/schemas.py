"""Scheduled job schemas."""

from __future__ import annotations

import marshmallow as ma

from api.extensions import Schema


class JobRead(Schema):
    """A scheduled job and how its runs went."""

    name = ma.fields.String(dump_only=True)
    every_seconds = ma.fields.Integer(dump_only=True, metadata={"description": "How often it runs"})
    status = ma.fields.String(
        dump_only=True,
        validate=ma.validate.OneOf(["never_run", "ok", "retrying", "failing"]),
        metadata={"description": "failing: it failed several times in a row (admins are notified)"},
    )
    next_run_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    last_started_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    last_succeeded_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    last_failed_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    last_error = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"description": "The kind of error (never its text)"}
    )
    consecutive_failures = ma.fields.Integer(dump_only=True)


class JobList(Schema):
    """Every scheduled job."""

    items = ma.fields.List(ma.fields.Nested(JobRead), required=True)
