"""Idempotency-Key for writes a phone may retry: a replay returns the first response; the key is stored
in the same transaction as the write, so a retried request never writes twice.

What is kept, and for how long (run `trivsel purge` hourly; the worker does):
- for 24 hours (BODY_RETENTION): the first response's status, its Location and ETag headers and its JSON
  body, so a replay answers exactly the first response;
- after that the body is dropped (it may hold a child's data, a sensitive note included). A replay then
  answers 303 See Other to the Location of what the first request created (RFC 9110 9.3.3: a POST whose
  result is an existing resource may redirect to it), so the client reads it as it is now; a write that
  created nothing with a Location answers 409 saying the key's response expired;
- after 30 days (KEY_RETENTION) the key itself goes; a request with it is then a new write.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g, make_response, request
from flask.wrappers import Response
from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.core.db import Base, JSONType, SchoolOwned, db
from api.core.etag import document
from api.core.timeutil import utcnow
from api.errors import Conflict, InvalidInput

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("Location", "ETag")
_MAX_ATTEMPTS = 5
BODY_RETENTION = timedelta(hours=24)
KEY_RETENTION = timedelta(days=30)

IDEMPOTENCY_KEY_PARAM = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "A unique key per logical write (e.g. a UUID). Retrying with the same key and body "
    "returns the first response; the same key with a different body is 422. The first response is kept "
    "for 24 hours; after that a retry answers 303 See Other to what the first request created (or 409 "
    "when it created nothing with its own URL), and after 30 days the key is forgotten.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[\\x21-\\x7e]+$"},
}
_REPLAY_RESPONSES = {
    303: {
        "description": "See Other: this Idempotency-Key was used more than 24 hours ago; the write was done, "
        "and Location names what it created",
        "headers": {
            "Location": {"description": "What the first request created", "schema": {"type": "string"}}
        },
    },
    409: "CONFLICT",
    422: "UNPROCESSABLE_ENTITY",
}


# None is SQL NULL here (not JSON null), so a dropped body is simply absent.
_BODY = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class IdempotencyKey(SchoolOwned, Base):
    """A write done under a client's key, with what a replay needs (the body for BODY_RETENTION only)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"), UniqueConstraint("client_id", "key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Whose key: a user's, or an API client's (api/clients); exactly one of the two.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), default=None)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), default=None, index=True
    )
    key: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    response_body: Mapped[Any | None] = mapped_column(_BODY, default=None)
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


def _in_flight() -> Conflict:
    """409: another request with this key has not finished (or its race could not be settled)."""
    return Conflict(
        f"A request with this {HEADER} is still being processed. Retry shortly.",
        type="idempotency_key_in_flight",
    )


def _replay(row: IdempotencyKey, fingerprint: str) -> Response:
    if row.fingerprint != fingerprint or row.method != request.method or row.path != request.path:
        raise InvalidInput(
            f"This {HEADER} was already used for a different request. Use a new key for a new write.",
            errors={HEADER: ["already used with a different request"]},
            type="idempotency_key_reused",
        )
    if row.status_code is None:
        raise _in_flight()
    kept = row.response_headers or {}
    if row.created_at >= utcnow() - BODY_RETENTION:
        resp = make_response(json.dumps(row.response_body) if row.response_body is not None else "")
        resp.status_code = row.status_code
        if row.response_body is not None:
            resp.mimetype = "application/json"
        for name, value in kept.items():
            resp.headers[name] = value
    elif "Location" in kept:
        resp = make_response("", 303)
        resp.headers["Location"] = kept["Location"]
    else:
        raise Conflict(
            f"This {HEADER} was used for a write that succeeded more than 24 hours ago; its response is "
            "no longer kept. Reload to see the result, and use a new key for a new write.",
            errors={HEADER: ["response expired"]},
            type="idempotency_response_expired",
        )
    resp.headers[REPLAYED_HEADER] = "true"
    return resp


def _run_once(view: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a keyed write once: replay a finished one, refuse one in flight, else run it and keep its answer."""
    key = request.headers.get(HEADER)
    if key is None:
        return view(*args, **kwargs)
    if not (1 <= len(key) <= 128) or not all(0x21 <= ord(c) <= 0x7E for c in key):
        raise InvalidInput(f"{HEADER} must be 1-128 visible ASCII characters.", errors={HEADER: ["invalid"]})
    user = g.trivsel_user
    session = db.session
    fingerprint = _fingerprint()
    owner = {"client_id": user.client_pk} if getattr(user, "kind", None) == "client" else {"user_id": user.id}
    # The key is written and completed with statements of their own, not through the unit of work: a keyed
    # write is on the hot path of every report, and a flush of one row costs more than the row's statement.
    # The claim comes first: inserting the key unless it exists answers "is this key new?" in the one
    # statement a new key needs. A key taken already (or by a request still running, whose commit the insert
    # waits for) inserts nothing, and its row is then read and replayed.
    claim = _claim(session.get_bind().dialect.name)
    row_id = None
    for attempt in range(_MAX_ATTEMPTS):
        try:
            row_id = session.execute(
                claim,
                {
                    "school_id": user.school_id,
                    "user_id": owner.get("user_id"),
                    "client_id": owner.get("client_id"),
                    "key": key,
                    "method": request.method,
                    "path": request.path,
                    "fingerprint": fingerprint,
                    "created_at": utcnow(),
                },
            ).scalar_one_or_none()
        except (IntegrityError, OperationalError) as exc:
            # A race the insert could not settle by waiting (e.g. SQLite's lock): once the other request
            # commits we replay its response.
            session.rollback()
            if attempt == _MAX_ATTEMPTS - 1:
                current_app.logger.warning("idempotency race not settled: %s", exc)
                raise _in_flight() from exc
            continue
        if row_id is not None:
            break
        # Built only here: building it cost a new key's write 80 µs for a statement it never runs.
        existing = session.scalar(select(IdempotencyKey).filter_by(**owner, key=key))
        if existing is not None:
            return _replay(existing, fingerprint)
        # The key's holder rolled back between the two statements: claim it again.
    if row_id is None:
        raise _in_flight()
    response = make_response(view(*args, **kwargs))
    if response.status_code < 400:
        body = response.get_json() if response.is_json else None
        if isinstance(body, dict):
            # A secret shown once is not kept for a replay (it is stored nowhere in the clear).
            body.update(dict.fromkeys(g.pop("_idempotency_withheld", ()), None))
        session.execute(
            _COMPLETE,
            {
                "row_id": row_id,
                "status_code": response.status_code,
                "response_body": body,
                "response_headers": {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers},
            },
        )
    return response


_KEYS = IdempotencyKey.__table__
_CLAIMED = (
    "school_id",
    "user_id",
    "client_id",
    "key",
    "method",
    "path",
    "fingerprint",
    "created_at",
)


@functools.cache
def _claim(dialect: str) -> Any:
    """INSERT the key unless a row has it (either unique constraint), returning the new row's id."""
    dialect_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return (
        dialect_insert(_KEYS)
        .values({c: bindparam(c) for c in _CLAIMED})
        .on_conflict_do_nothing()
        .returning(_KEYS.c.id)
    )


_COMPLETE = (
    update(_KEYS)
    .where(_KEYS.c.id == bindparam("row_id"))
    .values(
        status_code=bindparam("status_code"),
        response_body=bindparam("response_body"),
        response_headers=bindparam("response_headers"),
    )
)


# The work is done by _run_once, looked up per request, not in this closure: mutation testing (`make mutation`)
# swaps in a mutant when a function is called, and a decorator is called once, at import, so nothing in here
# could be tested that way (the spec test covers the parameter it documents).
def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:  # pragma: no mutate block
    """Decorate a write view (above flask-smorest's decorators) to honour the Idempotency-Key header."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _run_once(view, *args, **kwargs)

    document(wrapper, parameter=IDEMPOTENCY_KEY_PARAM, responses=_REPLAY_RESPONSES)
    return wrapper


def withhold_from_replay(*fields: str) -> None:
    """Keep these top-level fields of this response out of the stored replay (null there): secrets shown once."""
    g._idempotency_withheld = fields


@dataclass(frozen=True)
class IdempotencyPurge:
    """What a purge dropped: response bodies past 24 hours, keys past 30 days."""

    bodies: int
    keys: int


def purge(
    session: Session, *, now: datetime | None = None, key_retention: timedelta = KEY_RETENTION
) -> IdempotencyPurge:
    """Drop kept response bodies older than BODY_RETENTION and keys older than key_retention (the caller
    commits, or rolls back for a dry run)."""
    now = now or utcnow()
    old_keys = IdempotencyKey.created_at < now - max(key_retention, BODY_RETENTION)
    old_bodies = (IdempotencyKey.created_at < now - BODY_RETENTION) & IdempotencyKey.response_body.is_not(
        None
    )
    keys = session.scalar(select(func.count()).select_from(IdempotencyKey).where(old_keys)) or 0
    session.execute(delete(IdempotencyKey).where(old_keys))
    bodies = session.scalar(select(func.count()).select_from(IdempotencyKey).where(old_bodies)) or 0
    session.execute(update(IdempotencyKey).where(old_bodies).values(response_body=None))
    return IdempotencyPurge(bodies=bodies, keys=keys)
