"""Attention list schemas."""

from __future__ import annotations

import marshmallow as ma

from api.core.fields import moment_field
from api.extensions import Schema

KINDS = (
    "new_report",
    "unassessed",
    "plan_overdue",
    "plan_due_soon",
    "no_acute_measure",
    "custodian_not_informed",
    "follow_up_due",
    "play_partner_no_check_in",
    "low_mood",
)


class AttentionQuery(Schema):
    """What counts as new, when a report counts as unassessed, and which kinds to ask."""

    since = moment_field(
        metadata={
            "description": "New reports since this moment (ISO 8601; without an offset Copenhagen time). "
            "Default: your last visit (POST /attention/seen), else the last 7 days"
        }
    )
    unassessed_after = ma.fields.Integer(
        load_default=2,
        validate=ma.validate.Range(min=1, max=20),
        metadata={
            "description": "Working days after which an open bullying-like report counts as unassessed"
        },
    )
    kind = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        metadata={"description": "Only these kinds (repeat the argument); default all"},
    )


class AttentionStudent(Schema):
    """The student an item is about (names are for every staff member; the mood only for those who see it)."""

    id = ma.fields.Integer(dump_only=True)
    display_name = ma.fields.String(dump_only=True)
    class_name = ma.fields.String(dump_only=True, allow_none=True)


class AttentionItemRead(Schema):
    """One thing that needs attention, linking to its record."""

    kind = ma.fields.String(dump_only=True)
    record_type = ma.fields.String(
        dump_only=True, metadata={"description": "incident, student or play_partner_arrangement"}
    )
    record_id = ma.fields.Integer(dump_only=True)
    href = ma.fields.String(dump_only=True, metadata={"description": "The record's API path"})
    day = ma.fields.Date(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When it happened, or when it is due (plans, follow-ups), or last seen"},
    )
    classification = ma.fields.String(dump_only=True, allow_none=True)
    status = ma.fields.String(dump_only=True, allow_none=True)
    count = ma.fields.Integer(dump_only=True, allow_none=True)
    student = ma.fields.Nested(AttentionStudent, dump_only=True, allow_none=True)


class AttentionGroupRead(Schema):
    """The items of one kind (at most 50) and how many there are."""

    kind = ma.fields.String(
        dump_only=True,
        metadata={"description": f"One of: {', '.join(KINDS)}, or a kind another domain registers"},
    )
    total = ma.fields.Integer(dump_only=True)
    items = ma.fields.List(ma.fields.Nested(AttentionItemRead), dump_only=True)


class AttentionRead(Schema):
    """The attention list."""

    generated_at = ma.fields.AwareDateTime(dump_only=True)
    since = ma.fields.AwareDateTime(
        dump_only=True, metadata={"description": "New reports are counted from here"}
    )
    unassessed_after = ma.fields.Integer(dump_only=True)
    groups = ma.fields.List(ma.fields.Nested(AttentionGroupRead), dump_only=True)


class SeenRead(Schema):
    """When the list was marked as seen."""

    seen_at = ma.fields.AwareDateTime(dump_only=True)
