"""Scheduled job schemas."""

from __future__ import annotations

import marshmallow as ma

from api.core.enums import register_enum
from api.extensions import Schema

register_enum(
    "JobStatus",
    "How a scheduled job's runs went.",
    {
        "never_run": ("aldrig kørt", "The job has not run yet."),
        "ok": ("ok", "The last run succeeded."),
        "retrying": ("prøver igen", "The last run failed; it will be retried."),
        "failing": ("fejler", "Runs keep failing; admins are notified."),
    },
)


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
