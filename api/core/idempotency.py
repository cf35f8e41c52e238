"""Idempotency-Key for writes a phone may retry: a replay returns the first response; the key is stored
in the same transaction as the write, so a retried request never writes twice."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app, g, make_response, request
from flask.wrappers import Response
from flask_smorest.utils import deepupdate
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, JSONType, SchoolOwned, db
from api.core.timeutil import utcnow
from api.errors import Conflict, InvalidInput

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("Location", "ETag")
_MAX_ATTEMPTS = 5

IDEMPOTENCY_KEY_PARAM = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "A unique key per logical write (e.g. a UUID). Retrying with the same key and body "
    "returns the first response; the same key with a different body is 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[\\x21-\\x7e]+$"},
}


class IdempotencyKey(SchoolOwned, Base):
    """A write done under a client's key, with the response it got."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    response_body: Mapped[Any | None] = mapped_column(JSONType, default=None)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSONType, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def _fingerprint() -> str:
    body = request.get_data(cache=True)
    try:
        canonical = (
            json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode() if body else b""
        )
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.query_string, canonical):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _replay(row: IdempotencyKey, fingerprint: str) -> Response:
    if row.fingerprint != fingerprint or row.method != request.method or row.path != request.path:
        raise InvalidInput(
            f"This {HEADER} was already used for a different request. Use a new key for a new write.",
            errors={HEADER: ["already used with a different request"]},
        )
    if row.status_code is None:
        raise Conflict("A request with this Idempotency-Key is still being processed. Retry shortly.")
    resp = make_response(json.dumps(row.response_body), row.status_code)
    resp.mimetype = "application/json"
    for name, value in (row.response_headers or {}).items():
        resp.headers[name] = value
    resp.headers[REPLAYED_HEADER] = "true"
    g.idempotent_replay = True
    return resp


def _run_once(view: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a write view under its Idempotency-Key: replay the first answer, or run it and keep its answer."""
    key = request.headers.get(HEADER)
    if key is None:
        return view(*args, **kwargs)
    if not (1 <= len(key) <= 128) or not all(0x21 <= ord(c) <= 0x7E for c in key):
        raise InvalidInput(f"{HEADER} must be 1-128 visible ASCII characters.", errors={HEADER: ["invalid"]})
    user = g.trivsel_user
    session = db.session
    fingerprint = _fingerprint()
    query = select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
    row = None
    for attempt in range(_MAX_ATTEMPTS):
        existing = session.scalar(query)
        if existing is not None:
            return _replay(existing, fingerprint)
        row = IdempotencyKey(
            school_id=user.school_id,
            user_id=user.id,
            key=key,
            method=request.method,
            path=request.path,
            fingerprint=fingerprint,
        )
        session.add(row)
        try:
            session.flush()
            break
        except (IntegrityError, OperationalError) as exc:
            # Another request with this key won the race; once it commits we replay its response.
            session.rollback()
            if attempt == _MAX_ATTEMPTS - 1:
                current_app.logger.warning("idempotency race not settled: %s", exc)
                raise Conflict(
                    "A request with this Idempotency-Key is being processed. Retry shortly."
                ) from exc
    response = make_response(view(*args, **kwargs))
    if response.status_code < 400 and response.is_json:
        row.status_code = response.status_code
        row.response_body = response.get_json()
        row.response_headers = {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers}
        session.flush()
    return response


# The work is done by _run_once, looked up per request, not in this closure: mutation testing (`make mutation`)
# swaps in a mutant when a function is called, and a decorator is called once, at import, so nothing in here
# could be tested that way (the spec test covers the parameter it documents).
def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:  # pragma: no mutate block
    """Decorate a write view (above flask-smorest's decorators) to honour the Idempotency-Key header."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _run_once(view, *args, **kwargs)

    wrapper._apidoc = deepupdate(  # type: ignore[attr-defined]
        getattr(wrapper, "_apidoc", {}), {"manual_doc": {"parameters": [IDEMPOTENCY_KEY_PARAM]}}
    )
    return wrapper
