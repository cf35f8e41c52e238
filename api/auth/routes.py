"""Auth routes: login, refresh, logout, me, own password."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import current_app, jsonify, request
from flask.views import MethodView
from flask.wrappers import Response
from flask_jwt_extended import (
    get_jwt,
    get_jwt_request_location,
    set_access_cookies,
    set_refresh_cookies,
    unset_jwt_cookies,
    verify_jwt_in_request,
)

from api.auth import service
from api.auth.schemas import LoginRequest, MeRead, PasswordChange, TokenResponse
from api.core import audit
from api.core.db import db
from api.core.permissions import current_session_id, current_user
from api.extensions import Blueprint, limiter, public

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Login, tokens and the current user")

_RATE_LIMIT_DOC = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}


def _token_response(user: Any, pair: service.TokenPair, *, cookies: bool) -> Response:
    body: dict[str, Any] = {"user": user, "expires_in": pair.expires_in}
    if not cookies:
        body.update(access_token=pair.access_token, refresh_token=pair.refresh_token, token_type="Bearer")
    resp = jsonify(TokenResponse().dump(body))
    if cookies:
        set_access_cookies(resp, pair.access_token)
        set_refresh_cookies(resp, pair.refresh_token)
    return resp


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_account_key() -> str:
    """The account a login attempt names, keyed without storing the e-mail address in the limiter."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # a body nested too deep for the parser: refused later, counted as no account
        body = None
    email = body.get("email") if isinstance(body, dict) else None
    account = service.normalise_email(email) if isinstance(email, str) else ""
    key = current_app.config["SECRET_KEY"].encode()
    return "login-account:" + hmac.new(key, account.encode(), hashlib.sha256).hexdigest()[:32]


@blp.route("/login")
class Login(MethodView):
    @public
    @limiter.limit(_login_limit, methods=["POST"])  # per client address
    @limiter.limit(_login_limit, methods=["POST"], key_func=_login_account_key)  # per account
    @blp.arguments(LoginRequest)
    @blp.response(200, TokenResponse)
    @blp.errors(401, 403, 429)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS", headers=_RATE_LIMIT_DOC)
    @blp.doc(security=[])
    def post(self, data: dict[str, Any]) -> Response:
        """Log in with email and password"""
        session = db.session
        user = service.authenticate(session, email=data["email"], password=data["password"])
        pair = service.issue_tokens(session, user=user)
        return _token_response(user, pair, cookies=data["use_cookies"])


@blp.route("/refresh")
class Refresh(MethodView):
    @public
    @blp.response(200, TokenResponse)
    @blp.errors(401)
    @blp.doc(
        description="Send the refresh token as `Authorization: Bearer <refresh token>`, or (browsers) the "
        "refresh cookie with `X-CSRF-TOKEN` set to the `csrf_refresh_token` cookie. Each refresh token "
        "works once; using one twice ends the whole login."
    )
    def post(self) -> Response:
        """Exchange a refresh token for a new token pair"""
        verify_jwt_in_request(refresh=True)
        from flask_jwt_extended import current_user as jwt_user

        session = db.session
        try:
            pair = service.rotate_refresh(session, user=jwt_user, payload=get_jwt())
        except service.RefreshReuse:
            # The family revocation must outlive this failed request.
            audit.flush_pending(session)
            session.commit()
            raise
        return _token_response(jwt_user, pair, cookies=get_jwt_request_location() == "cookies")


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    @blp.errors(401)
    def post(self) -> Response:
        """Log out: revoke this access token and its refresh tokens"""
        service.logout(db.session, user=current_user(), payload=get_jwt())
        resp = Response(status=204)
        unset_jwt_cookies(resp)
        return resp


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeRead)
    @blp.errors(401)
    def get(self) -> Any:
        """The logged-in user, with roles and school as the server knows them now, and the screens the app
        offers them"""
        return current_user()


@blp.route("/password")
class Password(MethodView):
    @blp.arguments(PasswordChange)
    @blp.response(204)
    @blp.errors(401, 422)
    @blp.doc(
        description="Every other session of this user ends at once (its access and refresh tokens stop "
        "working); the session that made the change continues."
    )
    def post(self, data: dict[str, Any]) -> None:
        """Change your own password"""
        service.change_password(
            db.session,
            user=current_user(),
            current_password=data["current_password"],
            new_password=data["new_password"],
            current_session=current_session_id(),
        )
