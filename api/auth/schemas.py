"""Auth schemas."""

from __future__ import annotations

import marshmallow as ma

from api.extensions import Schema
from api.users.schemas import UserRead


class LoginRequest(Schema):
    """Credentials; browsers ask for cookies, integrations for tokens in the body."""

    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=254))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=256))
    use_cookies = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Set httpOnly cookies (with CSRF double-submit) instead of returning tokens"
        },
    )


class TokenResponse(Schema):
    """The logged-in user, and the tokens when they were not set as cookies."""

    user = ma.fields.Nested(UserRead, required=True)
    access_token = ma.fields.String()
    refresh_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in = ma.fields.Integer(
        required=True, metadata={"description": "Access token lifetime in seconds"}
    )


class PasswordChange(Schema):
    """A user changing their own password."""

    current_password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=256))
    new_password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(min=10, max=256)
    )
