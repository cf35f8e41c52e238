"""Request lifecycle: authentication by default, one commit at the edge, audit rows, security headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request, Response
from flask_jwt_extended import verify_jwt_in_request

from api.core import audit, inputs, scoping, transactions
from api.core.db import db
from api.core.transactions import retry_if_disconnected
from api.errors import error_response, request_id

API_PREFIX = "/api/"
PUBLIC_ENDPOINTS = {"api-docs.openapi_json", "docs.swagger_ui", "docs.swagger_static"}

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)
# Swagger UI sets inline styles on its elements; scripts stay 'self' only.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


# A municipality user (role `municipality`) sees the aggregates of its municipality's schools and nothing
# else: every route refuses them except those marked with `municipality_route` and their own account's.
MUNICIPALITY_ROLE = "municipality"
MUNICIPALITY_ACCOUNT_ENDPOINTS = {"auth.Me", "auth.Logout", "auth.Password"}


def _view_marks(endpoint: str | None, name: str) -> list[Any]:
    """A mark (`_trivsel_public`, `_trivsel_client_scope`) set on the view, its class or this method's handler."""
    view = current_app.view_functions.get(endpoint) if endpoint is not None else None
    if view is None:
        return []
    found = [getattr(view, name, None)]
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        found.append(getattr(view_class, name, None))
        method = getattr(view_class, request.method.lower(), None)
        if method is not None:
            found.append(getattr(method, name, None))
    return [m for m in found if m]


def _is_public(endpoint: str | None) -> bool:
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return True
    if current_app.view_functions.get(endpoint) is None:
        return True
    return bool(_view_marks(endpoint, "_trivsel_public"))


def municipality_route(view: Any) -> Any:
    """Mark a view (function, MethodView method or class) as open to municipality users."""
    view._trivsel_municipality = True
    return view


def _confine(user: Any) -> None:
    """Refuse a municipality user every route but its own (403, audited as denied)."""
    if user is None or not user.has_role(MUNICIPALITY_ROLE):
        return
    endpoint = request.endpoint or ""
    if endpoint in MUNICIPALITY_ACCOUNT_ENDPOINTS or bool(_view_marks(endpoint, "_trivsel_municipality")):
        return
    from api.errors import Forbidden

    audit.record(
        "denied",
        resource_type="request",
        outcome=audit.DENIED,
        user=user,
        detail={"reason": "municipality users read only the municipality's aggregates"},
    )
    raise Forbidden("A municipality user reads only the municipality's aggregates.")


class BrowserSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, opened only when the request carries its cookie.

    Only single sign-on keeps anything in it (Authlib's state, nonce and PKCE verifier). Flask would build
    the cookie's signer for every API request to find no cookie; an empty session is what it returns then
    anyway, and writing to it sets the cookie as before."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class() if app.secret_key else None
        return super().open_session(app, request)


def _authenticate() -> None:
    request_id()
    scoping.forget_per_request()  # tests run requests in one app context, so g outlives a request
    if not request.path.startswith(API_PREFIX) or request.method == "OPTIONS":
        return
    if _is_public(request.endpoint):
        return
    # Authentication is the request's first statement, so it is where a connection that died idle in the
    # pool shows; it only reads, so it is simply run again.
    retry_if_disconnected(_authenticate_caller)


def _authenticate_caller() -> None:
    client_auth = current_app.extensions.get("trivsel_client_auth")
    if client_auth is not None and client_auth[0](request):
        # An API client's token (OAuth 2.0 client credentials): only operations declaring a scope take it.
        scopes = _view_marks(request.endpoint, "_trivsel_client_scope")
        client_auth[1](scopes[-1] if scopes else None)
        return
    verify_jwt_in_request()
    # The user is loaded (and checked active) by the JWT user loader. The object itself, not the library's
    # proxy: every attribute read through the proxy looks the token up again (hundreds per page of cases).
    from flask_jwt_extended import get_current_user

    user = get_current_user()
    g.trivsel_user = user
    _confine(user)


def _finish(response: Response) -> Response:
    """Commit the request's work with its audit rows, or roll back and keep only the denials."""
    succeeded = response.status_code < 400
    if (
        not succeeded
        and response.status_code in (401, 403)
        and not audit.has_pending_denial()
        and request.path.startswith(API_PREFIX)
    ):
        audit.record(
            "request_denied",
            resource_type="request",
            outcome=audit.DENIED,
            detail={"method": request.method, "path": request.path, "status": response.status_code},
            user=g.get("trivsel_user"),
        )
    caller = g.get("trivsel_user")
    if succeeded and getattr(caller, "kind", None) == "client" and not g.get("_audit_pending"):
        # Every read by a client is audited as the client, with its scope, even where a person's is not.
        audit.record(
            "api_client_request",
            resource_type="request",
            detail={"method": request.method, "path": request.path},
        )
    try:
        transactions.commit(succeeded=succeeded)
    except Exception as exc:
        db.session.rollback()
        error = transactions.as_domain_error(exc)
        if error is not None:
            current_app.logger.info("commit refused: %s", transactions.describe(exc))
            return error_response(error.status, error.message, error.errors)
        current_app.logger.exception("commit failed (request %s)", request_id())
        rid = request_id()
        return error_response(
            500,
            f"An unexpected error occurred. Quote request id {rid} when reporting it.",
            {"request_id": rid},
        )
    return response


def _headers(response: Response) -> Response:
    response.headers["X-Request-ID"] = request_id()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.path.startswith("/api/docs"):
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP)
    elif request.path.startswith(API_PREFIX):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.headers.setdefault("Content-Security-Policy", API_CSP)
    else:
        response.headers.setdefault("Content-Security-Policy", APP_CSP)
    if current_app.config.get("TRIVSEL_ENV") == "production":
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def install(app: Flask) -> None:
    """Register the hooks on the app, and make every view registered so far one transaction."""
    app.request_class = inputs.Request
    app.session_interface = BrowserSessions()
    app.json = inputs.JSONProvider(app)
    transactions.install(app)
    app.before_request(_authenticate)
    # After authentication: an anonymous caller learns nothing of an operation's arguments or body rules.
    app.before_request(inputs.refuse_unknown_query_arguments)
    app.before_request(inputs.parse_json_body)
    # after_request runs in reverse order: commit first, headers last.
    app.after_request(_headers)
    app.after_request(_finish)
