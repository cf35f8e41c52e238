"""API client schemas (registration by a school's admin) and the token endpoint's documented shapes."""

from __future__ import annotations

import marshmallow as ma

from api.auth.scopes import SCOPES
from api.core.fields import id_field, moment_field, text_field
from api.extensions import Schema, computed

STATES = ["active", "expired", "revoked"]


def _scopes(**kwargs: object) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(list(SCOPES))),
        validate=ma.validate.Length(min=1, max=len(SCOPES)),
        metadata={"description": "What the client may read or do; see the oauth2 security scheme"},
        **kwargs,
    )


def _school_ids(**kwargs: object) -> ma.fields.List:
    return ma.fields.List(
        id_field(strict=False),
        validate=ma.validate.Length(min=1, max=100),
        metadata={
            "description": "The schools it may read (default: the admin's own). Other schools of the "
            "deployment only where API_CLIENTS_ACROSS_SCHOOLS is on."
        },
        **kwargs,
    )


class ApiClientBrief(Schema):
    """An API client as named on the records it wrote (an incident it reported)."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)


class ApiClientCreate(Schema):
    """A new API client."""

    name = text_field(min_length=1, max_length=200, required=True)
    scopes = _scopes(required=True)
    school_ids = _school_ids()
    expires_at = moment_field(
        required=True, metadata={"description": "When it stops working (at most 2 years)"}
    )


class ApiClientUpdate(Schema):
    """Changes to an API client (a scope or school taken away stops working at once)."""

    name = text_field(min_length=1, max_length=200)
    scopes = _scopes()
    school_ids = _school_ids()
    expires_at = moment_field()


class RotateClientSecret(Schema):
    """How long the old secret keeps working too."""

    grace_hours = ma.fields.Integer(
        load_default=24,
        validate=ma.validate.Range(min=0, max=168),
        metadata={"description": "0-168 hours during which the old secret is accepted too"},
    )


class ApiClientRead(Schema):
    """An API client (its secret is shown only when made or rotated)."""

    id = ma.fields.Integer(dump_only=True)
    client_id = ma.fields.String(dump_only=True, metadata={"description": "The OAuth client_id"})
    name = ma.fields.String(dump_only=True)
    scopes = ma.fields.List(ma.fields.String(), dump_only=True)
    school_ids = ma.fields.List(ma.fields.Integer(), dump_only=True)
    state = computed(
        lambda c: c.state_now,
        "string",
        description="active, expired or revoked (enum: " + ", ".join(STATES) + ")",
    )
    expires_at = ma.fields.AwareDateTime(dump_only=True)
    revoked_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    previous_secret_expires_at = ma.fields.AwareDateTime(
        dump_only=True, allow_none=True, metadata={"description": "Until then the old secret works too"}
    )
    last_token_at = ma.fields.AwareDateTime(
        dump_only=True, allow_none=True, metadata={"description": "When it last got a token"}
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class ApiClientWithSecret(ApiClientRead):
    """An API client just made or rotated, with its secret (shown this once, stored only hashed)."""

    client_secret = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "Keep it secret. Shown this once: null in a replay of the same Idempotency-Key "
            "(rotate again if it was lost)"
        },
    )


class ScopeRead(Schema):
    """A scope and what it opens."""

    scope = ma.fields.String(dump_only=True)
    description = ma.fields.String(dump_only=True)


class ScopesRead(Schema):
    """The scopes a client can be given."""

    scopes = ma.fields.List(ma.fields.Nested(ScopeRead), dump_only=True)


class TokenRead(Schema):
    """RFC 6749 §5.1 access token response (no refresh token)."""

    access_token = ma.fields.String(dump_only=True)
    token_type = ma.fields.String(dump_only=True, metadata={"description": "Bearer"})
    expires_in = ma.fields.Integer(dump_only=True, metadata={"description": "Seconds"})
    scope = ma.fields.String(dump_only=True)
    school_id = ma.fields.Integer(dump_only=True)


class OAuthError(Schema):
    """RFC 6749 §5.2 error response: the OAuth protocol's own shape (not the API's Error), so OAuth libraries
    understand it. error: invalid_request, invalid_client, invalid_grant, unauthorized_client,
    unsupported_grant_type, invalid_scope, invalid_target."""

    error = ma.fields.String(required=True)
    error_description = ma.fields.String()


class ServerMetadata(Schema):
    """RFC 8414 authorization server metadata."""

    issuer = ma.fields.String(dump_only=True)
    token_endpoint = ma.fields.String(dump_only=True)
    grant_types_supported = ma.fields.List(ma.fields.String(), dump_only=True)
    token_endpoint_auth_methods_supported = ma.fields.List(ma.fields.String(), dump_only=True)
    scopes_supported = ma.fields.List(ma.fields.String(), dump_only=True)
    response_types_supported = ma.fields.List(ma.fields.String(), dump_only=True)
    service_documentation = ma.fields.String(dump_only=True)
