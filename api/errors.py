"""Domain exceptions and the one JSON error shape: {code, status, type, message, errors}."""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus
from typing import Any

from flask import Flask, g, jsonify, request
from flask.wrappers import Response
from werkzeug.exceptions import HTTPException

log = logging.getLogger("trivsel")

# The stable, machine-readable kinds of error (the `type` of every error body). A client branches on these,
# never on `message`. A new kind is added here (the spec's enum is built from this table).
ERROR_TYPES: dict[str, str] = {
    "bad_request": "The request cannot be understood.",
    "invalid_json": "The body is not valid JSON (or not UTF-8).",
    "json_too_deep": "The JSON body nests arrays and objects deeper than the API accepts.",
    "unsupported_media_type": "The body has a content type this operation does not take.",
    "validation_error": "A field is missing or invalid; `errors` says what, per field.",
    "unknown_query_argument": "A query argument the operation does not take; `errors` names it.",
    "unknown_log_kind": "A student-log `kind` filter names no kind of entry; `errors.kind` lists the known ones.",
    "not_authenticated": "No credentials were sent (no bearer token or session cookie).",
    "token_expired": "The access token has expired: refresh it, or log in again.",
    "token_invalid": "The token is malformed, of the wrong kind, or its user is gone or deactivated.",
    "token_revoked": "The token was revoked (logout, a new password, deactivation).",
    "csrf_failed": "A browser write without the X-CSRF-TOKEN header matching the csrf cookie.",
    "forbidden": "Authenticated, but this role may not do this.",
    "insufficient_scope": "An API client's token lacks the scope this operation needs (see the oauth2 scheme).",
    "not_for_api_clients": "The operation is for people signed in to Trivsel; an API client's token never "
    "works on it.",
    "step_up_required": "This needs a two-factor sign-in (the school requires it for case work): sign in again "
    "with the identity provider's second factor.",
    "password_login_disabled": "The school signs in with single sign-on only; use its identity provider.",
    "not_found": "No such resource (or it belongs to another school).",
    "method_not_allowed": "The path exists but does not take this method; see the Allow header.",
    "conflict": "The request conflicts with the current state of the resource.",
    "duplicate": "Another record already has this unique value; `errors` names the field.",
    "withdrawn": 'The report or observation was withdrawn by its author ("Fortryd"): nothing more is done '
    "with it; a second withdrawal is answered with this too.",
    "idempotency_key_reused": "This Idempotency-Key was already used for a different request.",
    "idempotency_key_in_flight": "A request with this Idempotency-Key is still being processed.",
    "idempotency_response_expired": "This Idempotency-Key's write succeeded over 24 hours ago; its answer is no longer kept.",
    "separation_rule": "The arrangement or move cannot be made; ask a leader or the resource person (no reason "
    "is given).",
    "open_case_separation": "The children concerned are target and actor of an open case you may see; "
    "`errors` says which.",
    "no_complaint": "A case file is made for a complaint, and the case has none.",
    "below_legal_minimum": "A retention period shorter than the law's minimum for that data; `errors` names it.",
    "data_still_needed": "The student's data cannot be erased yet: an open case or a complaint needs it; "
    "`errors` says which.",
    "precondition_failed": "The If-Match ETag does not name the current version: reload and retry.",
    "precondition_required": "This update needs an If-Match header with the ETag you read.",
    "invalid_cursor": "The cursor was changed, cut short or issued for another collection: start the sync again.",
    "cursor_expired": "The cursor or updated_since is older than deletions are kept: start a full sync again.",
    "payload_too_large": "The request body is larger than the API accepts.",
    "rate_limited": "Too many requests; retry after the Retry-After header's seconds.",
    "internal_error": "An unexpected error; quote `errors.request_id` when reporting it.",
    "service_unavailable": "The service or its database is not available right now.",
}

# The status each type is answered with (the spec lists, per operation and status, the types it can carry).
ERROR_TYPE_STATUS: dict[str, int] = {
    "bad_request": 400,
    "invalid_json": 400,
    "json_too_deep": 400,
    "invalid_cursor": 400,
    "unsupported_media_type": 415,
    "validation_error": 422,
    "unknown_query_argument": 422,
    "unknown_log_kind": 422,
    "not_authenticated": 401,
    "token_expired": 401,
    "token_invalid": 401,
    "token_revoked": 401,
    "csrf_failed": 401,
    "forbidden": 403,
    "insufficient_scope": 403,
    "not_for_api_clients": 403,
    "step_up_required": 403,
    "no_complaint": 409,
    "data_still_needed": 409,
    "below_legal_minimum": 422,
    "password_login_disabled": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "duplicate": 409,
    "withdrawn": 409,
    "idempotency_key_reused": 422,
    "idempotency_key_in_flight": 409,
    "idempotency_response_expired": 409,
    "separation_rule": 409,
    "open_case_separation": 409,
    "precondition_failed": 412,
    "precondition_required": 428,
    "payload_too_large": 413,
    "rate_limited": 429,
    "cursor_expired": 410,
    "internal_error": 500,
    "service_unavailable": 503,
}

_TYPE_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "cursor_expired",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


def default_type(status: int) -> str:
    """The error type of a status when nothing more specific is known."""
    return _TYPE_BY_STATUS.get(status) or ("internal_error" if status >= 500 else "bad_request")


class DomainError(Exception):
    """An error a service raises; the app turns it into the error shape with this status and type."""

    status: int = 400
    type: str = "bad_request"

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        type: str | None = None,
    ) -> None:
        self.message = message or HTTPStatus(self.status).description
        self.errors = errors
        self.headers = headers or {}
        if type is not None:
            self.type = type
        super().__init__(self.message)


class BadRequest(DomainError):
    status = 400
    type = "bad_request"


class Unauthorized(DomainError):
    status = 401
    type = "not_authenticated"


class Forbidden(DomainError):
    status = 403
    type = "forbidden"


class NotFound(DomainError):
    status = 404
    type = "not_found"


class Conflict(DomainError):
    status = 409
    type = "conflict"


class Gone(DomainError):
    status = 410
    type = "cursor_expired"


class PreconditionFailed(DomainError):
    status = 412
    type = "precondition_failed"


class PayloadTooLarge(DomainError):
    status = 413
    type = "payload_too_large"


class UnsupportedMediaType(DomainError):
    status = 415
    type = "unsupported_media_type"


class InvalidInput(DomainError):
    """Input that parsed but makes no sense for the domain (422), with errors per field."""

    status = 422
    type = "validation_error"


class PreconditionRequired(DomainError):
    status = 428
    type = "precondition_required"


def request_id() -> str:
    """The id of the current request (from a sane X-Request-ID header, or generated)."""
    rid = g.get("request_id")
    if rid is None:
        incoming = request.headers.get("X-Request-ID", "")
        rid = (
            incoming if 8 <= len(incoming) <= 64 and incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        )
        g.request_id = rid
    return rid


def error_payload(
    status: int,
    message: str | None = None,
    errors: dict[str, Any] | None = None,
    type: str | None = None,
) -> dict:
    """The error body every error uses; `errors` is always there ({} without details)."""
    phrase = HTTPStatus(status)
    return {
        "code": status,
        "status": phrase.phrase,
        "type": type or default_type(status),
        "message": message or phrase.description or phrase.phrase,
        "errors": errors or {},
    }


def error_response(
    status: int,
    message: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    type: str | None = None,
) -> Response:
    """A JSON error response in the one shape."""
    resp = jsonify(error_payload(status, message, errors, type))
    resp.status_code = status
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def handle_http_exception(error: HTTPException) -> Response:
    """HTTP errors (abort, 404, 405, 413, 429, webargs 422) in the one shape."""
    status = error.code or 500
    if status >= 500:
        original = getattr(error, "original_exception", None)
        if original is not None:
            log.exception("unhandled error (request %s)", request_id(), exc_info=original)
        return _internal_error()
    data = getattr(error, "data", None) or {}
    message = data.get("message") or error.description
    errors = data.get("errors") or data.get("messages")
    headers = dict(data.get("headers") or {})
    if status == 405:
        resp = error.get_response()
        if "Allow" in resp.headers:
            headers["Allow"] = resp.headers["Allow"]
    if status == 422 and errors and "message" not in data:
        message = "The input is invalid; see errors for what is wrong with each field."
    if status == 413:
        message = "The request body is too large."
    if status == 429:
        message = "Too many requests. Try again later."
    return error_response(status, message, errors, headers, data.get("type"))


def _internal_error() -> Response:
    rid = request_id()
    return error_response(
        500, f"An unexpected error occurred. Quote request id {rid} when reporting it.", {"request_id": rid}
    )


def handle_domain_error(error: DomainError) -> Response:
    """Domain exceptions raised by services."""
    return error_response(error.status, error.message, error.errors, error.headers, error.type)


def handle_unexpected(error: Exception) -> Response:
    """Anything else: logged with its trace, answered with a generic 500 and the request id."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error (request %s)", request_id(), exc_info=error)
    return _internal_error()


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on the app (after flask-smorest's, so ours win)."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
