"""Webhook endpoint and delivery schemas."""

from __future__ import annotations

import marshmallow as ma

from api.core import outbox
from api.core.fields import text_field
from api.core.pagination import PageQuery
from api.extensions import Schema
from api.webhooks.models import DeliveryStatus, DisabledReason
from api.webhooks.urls import MAX_URL_LENGTH


def _event_types(**kwargs: object) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(outbox.EVENT_TYPES)),
        validate=ma.validate.Length(min=1, max=len(outbox.EVENT_TYPES)),
        metadata={"description": "The event types this endpoint wants"},
        **kwargs,
    )


def _url(**kwargs: object) -> ma.fields.String:
    return text_field(
        max_length=MAX_URL_LENGTH,
        min_length=1,
        metadata={"description": "https URL reaching a public address (checked again at every delivery)"},
        **kwargs,
    )


def _description() -> ma.fields.String:
    return text_field(max_length=200, metadata={"description": "What the endpoint is, for admins"})


class EndpointCreate(Schema):
    """A new endpoint."""

    url = _url(required=True)
    event_types = _event_types(required=True)
    description = _description()


class EndpointUpdate(Schema):
    """Changes to an endpoint; `active: true` switches a disabled endpoint on again."""

    url = _url()
    event_types = _event_types()
    description = _description()
    active = ma.fields.Boolean()


class RotateSecret(Schema):
    """How long the old secret keeps signing too."""

    grace_hours = ma.fields.Integer(
        load_default=24,
        validate=ma.validate.Range(min=0, max=168),
        metadata={"description": "0-168 hours; during it deliveries carry both signatures"},
    )


class EndpointRead(Schema):
    """A webhook endpoint (its secret is shown only when made or rotated)."""

    id = ma.fields.Integer(dump_only=True)
    url = ma.fields.String(dump_only=True)
    description = ma.fields.String(dump_only=True, allow_none=True)
    event_types = ma.fields.List(
        ma.fields.String(metadata={"enum": list(outbox.EVENT_TYPES)}), dump_only=True
    )
    active = ma.fields.Boolean(dump_only=True)
    disabled_reason = ma.fields.String(
        dump_only=True,
        allow_none=True,
        validate=ma.validate.OneOf([r.value for r in DisabledReason]),
        metadata={
            "description": "gone: the receiver answered 410; failing: every attempt failed for two days"
        },
    )
    disabled_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    failing_since = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    previous_secret_expires_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Until then deliveries are signed with the old secret too"},
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class EndpointWithSecret(EndpointRead):
    """An endpoint just made or rotated, with its signing secret (shown this once)."""

    secret = ma.fields.String(dump_only=True, metadata={"description": "whsec_…; verify deliveries with it"})


class DeliveryRead(Schema):
    """One delivery of an event to the endpoint: status, attempts and the last response code; no body."""

    id = ma.fields.Integer(dump_only=True)
    message_id = ma.fields.String(dump_only=True, metadata={"description": "The webhook-id header"})
    event_type = ma.fields.String(dump_only=True)
    status = ma.fields.String(dump_only=True, validate=ma.validate.OneOf([s.value for s in DeliveryStatus]))
    attempts = ma.fields.Integer(dump_only=True)
    last_status_code = ma.fields.Integer(dump_only=True, allow_none=True)
    last_error = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "timeout, connection_failed, tls_error, redirect_not_followed, response_too_large, "
            "address_refused, not_https, unresolvable, invalid"
        },
    )
    last_attempt_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    next_attempt_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    delivered_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class DeliveryQuery(PageQuery):
    """Filter the delivery log by status."""

    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in DeliveryStatus]))


class EventTypesRead(Schema):
    """The event types an endpoint can want."""

    event_types = ma.fields.List(
        ma.fields.String(metadata={"enum": list(outbox.EVENT_TYPES)}), dump_only=True
    )
