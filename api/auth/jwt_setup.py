"""Authentication setup: the flask-jwt-extended callbacks (users loaded and checked on every request, every JWT
error a 401) and the login's dummy hash, computed at start so no login pays for it."""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask, g
from flask.wrappers import Response
from flask_jwt_extended.exceptions import CSRFError, NoAuthorizationError, RevokedTokenError
from jwt.exceptions import ExpiredSignatureError

from api.auth import service
from api.core import passwords
from api.core.db import db
from api.errors import error_response
from api.extensions import jwt
from api.users.models import User

_TYPES = (
    (NoAuthorizationError, "not_authenticated"),
    (CSRFError, "csrf_failed"),
    (ExpiredSignatureError, "token_expired"),
    (RevokedTokenError, "token_revoked"),
)


def _unauthorized(message: str) -> Response:
    # The callbacks are called while Flask handles flask-jwt-extended's exception: its class names the type.
    error = sys.exc_info()[1]
    kind = next((name for cls, name in _TYPES if isinstance(error, cls)), "token_invalid")
    return error_response(401, message, headers={"WWW-Authenticate": 'Bearer realm="trivsel"'}, type=kind)


def install(app: Flask) -> None:
    """Register the callbacks (the JWTManager is initialised on the app already)."""
    passwords.dummy_hash(tuple(app.config["ARGON2_PARAMS"]))

    # flask-jwt-extended asks whether the token is revoked, then for its user: one statement answers both
    # (handed from the first callback to the second), and the request keeps using the user it loaded.
    @jwt.token_in_blocklist_loader
    def revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
        found = service.load_principal(db.session, payload)
        g._trivsel_principal = (payload.get("jti"), found)
        return found.revoked

    @jwt.user_lookup_loader
    def load_user(_header: dict[str, Any], payload: dict[str, Any]) -> User | None:
        jti, found = g.pop("_trivsel_principal", (None, None))
        if found is None or jti != payload.get("jti"):
            found = service.load_principal(db.session, payload)
        user = found.user
        if user is None or not user.active or user.school_id != payload.get("school_id", user.school_id):
            return None
        return user

    @jwt.unauthorized_loader
    def missing(reason: str) -> Response:
        return _unauthorized(f"Authentication required: {reason}")

    @jwt.invalid_token_loader
    def invalid(reason: str) -> Response:
        return _unauthorized(f"Invalid token: {reason}")

    @jwt.expired_token_loader
    def expired(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return _unauthorized("The token has expired.")

    @jwt.revoked_token_loader
    def revoked_response(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return _unauthorized("The token has been revoked.")

    @jwt.user_lookup_error_loader
    def user_gone(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return _unauthorized("The user of this token does not exist or is deactivated.")

    @jwt.token_verification_failed_loader
    def claims_failed(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return _unauthorized("The token's claims were rejected.")

    @jwt.needs_fresh_token_loader
    def needs_fresh(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return _unauthorized("A fresh login is required.")
