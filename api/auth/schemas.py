"""Auth schemas."""

from __future__ import annotations

import marshmallow as ma

from api.extensions import Schema, computed
from api.users import screens as app_screens
from api.users.schemas import UserRead


class MeRead(UserRead):
    """The logged-in user, with what the app offers them (decided by the server from each domain's rules)."""

    screens = computed(
        app_screens.screens_for,
        "array",
        items="string",
        enum=app_screens.SCREEN_NAMES,
        description="The app's screens this user is offered, in the app's order",
    )
    home = computed(
        app_screens.home_for,
        "string",
        enum=app_screens.SCREEN_NAMES,
        description="The screen the app opens on",
    )


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

    user = ma.fields.Nested(MeRead, required=True)
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
