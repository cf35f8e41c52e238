"""Identity provider and link schemas; a client secret goes in and never comes out."""

from __future__ import annotations

import marshmallow as ma

from api.core.enums import register_enum
from api.core.fields import id_field
from api.core.pagination import PageQuery
from api.extensions import Schema
from api.sso import client
from api.sso.service import PRESETS

_CLAIM = ma.validate.Length(min=1, max=64)


class ProviderButton(Schema):
    """A provider as the login screen names it."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True, metadata={"description": "Shown on the button: 'Log ind med …'"})


class SignInStart(Schema):
    """Where to go after the sign-in, and whether it is a step-up to two factors."""

    step_up = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Ask the provider for a fresh sign-in with a second factor (case work)"},
    )
    next = ma.fields.String(
        load_default="/",
        validate=[ma.validate.Length(max=500), ma.validate.Regexp(r"^/(?!/)[A-Za-z0-9._~/?=&%-]*$")],
        metadata={"description": "The app's path to land on afterwards (a path of this site only)"},
    )


class SignInCallback(Schema):
    """The provider's authorization response (RFC 6749 4.1.2, RFC 9207 `iss`)."""

    code = ma.fields.String(validate=ma.validate.Length(max=4096))
    state = ma.fields.String(validate=ma.validate.Length(max=512))
    iss = ma.fields.String(validate=ma.validate.Length(max=500))
    session_state = ma.fields.String(validate=ma.validate.Length(max=512))
    error = ma.fields.String(validate=ma.validate.Length(max=200))
    error_description = ma.fields.String(validate=ma.validate.Length(max=2000))
    error_uri = ma.fields.String(validate=ma.validate.Length(max=2000))


class LogoutRead(Schema):
    """Where the browser goes to end the provider's session too (null: nothing more to do)."""

    end_session_url = ma.fields.String(
        allow_none=True,
        dump_only=True,
        metadata={"description": "The provider's end_session_endpoint with id_token_hint and the return URL"},
    )


class _ProviderSettings(Schema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=100))
    issuer = ma.fields.Url(
        schemes={"https", "http"},
        require_tld=False,
        validate=ma.validate.Length(max=500),
        metadata={"description": "The issuer; its /.well-known/openid-configuration is read"},
    )
    client_id = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    client_secret = ma.fields.String(
        load_only=True, validate=ma.validate.Length(min=1, max=500), metadata={"description": "Write-only"}
    )
    scopes = ma.fields.String(
        validate=ma.validate.Regexp(r"(^|\s)openid(\s|$)", error="Must include openid."),
        metadata={"example": "openid email profile"},
    )
    subject_claim = ma.fields.String(validate=_CLAIM, metadata={"description": "Unilogin: uniid; Entra: oid"})
    email_claim = ma.fields.String(validate=_CLAIM)
    staff_claim = ma.fields.String(
        allow_none=True, validate=_CLAIM, metadata={"description": "Must hold one of staff_values (Unilogin)"}
    )
    staff_values = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=100)))
    loa_claim = ma.fields.String(
        allow_none=True, validate=_CLAIM, metadata={"description": "unilogin_loa, acr or amr"}
    )
    two_factor_values = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=200)))
    step_up_acr_values = ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(max=200),
        metadata={"description": "acr_values sent when a user steps up to two factors"},
    )
    allow_email_linking = ma.fields.Boolean(
        metadata={
            "description": "A first sign-in whose verified e-mail matches an active user of the school links "
            "that user"
        }
    )
    enabled = ma.fields.Boolean()


register_enum(
    "SsoPreset",
    "The kinds of identity provider Trivsel knows how to read.",
    {
        "unilogin": ("Unilogin", "STIL's broker: uniid is the subject, aktoer_gruppe must be Medarbejder."),
        "oidc": ("OpenID Connect", "A municipal provider such as Entra ID or AD FS: sub (or oid), acr/amr."),
    },
)
register_enum(
    "SsoProviderScope",
    "Where an identity provider is set up.",
    {
        "school": ("skolen", "Set up by the school's admin, for that school."),
        "deployment": ("installationen", "Set up for every school of the deployment (trivsel sso-provider)."),
    },
)
register_enum(
    "SsoLinkedBy",
    "How an external id was linked to a user.",
    {
        "admin": ("af en administrator", "An admin linked it by hand."),
        "email": (
            "ved bekræftet e-mail",
            "A first sign-in whose verified e-mail matched the user (allowed by the admin).",
        ),
    },
)


class ProviderCreate(_ProviderSettings):
    """A new provider for the school, from a preset (unilogin or oidc); unset settings come from the preset."""

    preset = ma.fields.String(
        required=True, validate=ma.validate.OneOf(list(PRESETS)), metadata={"enum": list(PRESETS)}
    )
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    issuer = ma.fields.Url(
        required=True, schemes={"https", "http"}, require_tld=False, validate=ma.validate.Length(max=500)
    )
    client_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    client_secret = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(min=1, max=500)
    )


class ProviderUpdate(_ProviderSettings):
    """Changed settings; a client_secret replaces the stored one."""


class ProviderRead(Schema):
    """A provider's settings (never its secret)."""

    id = ma.fields.Integer(dump_only=True)
    scope = ma.fields.Function(
        lambda p: "school" if p.school_id is not None else "deployment",
        dump_only=True,
        metadata={"type": "string", "enum": ["school", "deployment"]},
    )
    preset = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)
    issuer = ma.fields.String(dump_only=True)
    client_id = ma.fields.String(dump_only=True)
    has_client_secret = ma.fields.Function(
        lambda p: bool(p.client_secret_encrypted), dump_only=True, metadata={"type": "boolean"}
    )
    scopes = ma.fields.String(dump_only=True)
    subject_claim = ma.fields.String(dump_only=True)
    email_claim = ma.fields.String(dump_only=True)
    staff_claim = ma.fields.String(dump_only=True, allow_none=True)
    staff_values = ma.fields.List(ma.fields.String(), dump_only=True)
    loa_claim = ma.fields.String(dump_only=True, allow_none=True)
    two_factor_values = ma.fields.List(ma.fields.String(), dump_only=True)
    step_up_acr_values = ma.fields.String(dump_only=True, allow_none=True)
    allow_email_linking = ma.fields.Boolean(dump_only=True)
    enabled = ma.fields.Boolean(dump_only=True)
    redirect_uri = ma.fields.Function(
        lambda p: client.redirect_uri(p.id),
        dump_only=True,
        metadata={"type": "string", "description": "Register this redirect URI at the provider"},
    )
    post_logout_redirect_uri = ma.fields.Function(
        lambda _p: client.post_logout_redirect_uri(),
        dump_only=True,
        metadata={"type": "string", "description": "Register this post-logout redirect URI at the provider"},
    )


class LinkCreate(Schema):
    """Link a person's id at a provider to a user."""

    provider_id = id_field(required=True)
    user_id = id_field(required=True)
    subject = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=255),
        metadata={"description": "The provider's id of the person (Unilogin: the uniid)"},
    )


class LinkRead(Schema):
    """A link of an external id to a user."""

    id = ma.fields.Integer(dump_only=True)
    provider_id = ma.fields.Integer(dump_only=True)
    user_id = ma.fields.Integer(dump_only=True)
    subject = ma.fields.String(dump_only=True)
    linked_by = ma.fields.String(
        dump_only=True,
        metadata={"description": "By an admin, or by a verified e-mail", "enum": ["admin", "email"]},
    )
    created_at = ma.fields.DateTime(dump_only=True)
    last_sign_in_at = ma.fields.DateTime(dump_only=True, allow_none=True)


class LinkQuery(PageQuery):
    """Filter links."""

    user_id = id_field(strict=False)
