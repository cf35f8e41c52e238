"""Notification schemas."""

from __future__ import annotations

import marshmallow as ma

from api.core.pagination import PageQuery
from api.extensions import Schema, computed
from api.notifications.models import KIND_VALUES, PARAMS

_PARAMS_DOC = "The kind's parameters (ids, enum values, ISO dates; the UI words the sentence): " + "; ".join(
    f"{kind}: {{{', '.join(names)}}}" for kind, names in PARAMS.items()
)


class NotificationRead(Schema):
    """A notification for the current user: a kind and its parameters, rendered by the UI."""

    id = ma.fields.Integer(dump_only=True)
    kind = ma.fields.String(dump_only=True, metadata={"enum": KIND_VALUES, "description": "What it tells"})
    params = ma.fields.Dict(keys=ma.fields.String(), dump_only=True, metadata={"description": _PARAMS_DOC})
    incident_id = ma.fields.Integer(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    read_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    read = computed(lambda n: n.read_at is not None, "boolean")


class NotificationQuery(PageQuery):
    """Filter: only unread (true) or only read (false)."""

    unread = ma.fields.Boolean()
