"""Notification schemas."""

from __future__ import annotations

import marshmallow as ma

from api.core.pagination import PageQuery
from api.extensions import Schema, computed


class NotificationRead(Schema):
    """A notification for the current user."""

    id = ma.fields.Integer(dump_only=True)
    kind = ma.fields.String(dump_only=True, metadata={"description": "e.g. bullying_established"})
    message = ma.fields.String(dump_only=True)
    incident_id = ma.fields.Integer(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    read_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    read = computed(lambda n: n.read_at is not None, "boolean")


class NotificationQuery(PageQuery):
    """Filter: only unread (true) or only read (false)."""

    unread = ma.fields.Boolean()
