"""Domain exceptions and the one JSON error shape: {code, status, message, errors}."""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus
from typing import Any

from flask import Flask, g, jsonify, request
from flask.wrappers import Response
from werkzeug.exceptions import HTTPException

log = logging.getLogger("trivsel")


class DomainError(Exception):
    """An error a service raises; the app turns it into the error shape with this status."""

    status: int = 400

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
        # A stable machine-readable code a client can tell errors of one status apart by.
        self.type = type
        super().__init__(self.message)


class BadRequest(DomainError):
    status = 400


class Unauthorized(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class PreconditionFailed(DomainError):
    status = 412


class PayloadTooLarge(DomainError):
    status = 413


class InvalidInput(DomainError):
    """Input that parsed but makes no sense for the domain (422), with errors per field."""

    status = 422


class PreconditionRequired(DomainError):
    status = 428


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
    status: int, message: str | None = None, errors: dict[str, Any] | None = None, type: str | None = None
) -> dict:
    """The error body every error uses."""
    phrase = HTTPStatus(status)
    payload: dict[str, Any] = {
        "code": status,
        "status": phrase.phrase,
        "message": message or phrase.description or phrase.phrase,
    }
    if type:
        payload["type"] = type
    if errors:
        payload["errors"] = errors
    return payload


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
    return error_response(status, message, errors, headers)


def _internal_error() -> Response:
    rid = request_id()
    resp = error_response(
        500, f"An unexpected error occurred. Quote request id {rid} when reporting it.", {"request_id": rid}
    )
    return resp


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
