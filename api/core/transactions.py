"""The request's transaction: run the view, commit at the edge, and turn database conflicts into answers.

Services flush inside the view, so a conflict surfaces there or at the commit; both happen inside
`transactional`, which wraps every view:
- a stale version (another request changed the row between our read and our write), a deadlock or a
  serialization failure (PostgreSQL) or a busy database (SQLite) reruns the whole request on a fresh
  transaction, at most TRANSACTION_ATTEMPTS times; the rerun reads the new version, so a request whose
  If-Match named the old one gets 412 from the If-Match check, and one without a precondition lands on
  top of the other. When the attempts run out: 412 for a stale version under If-Match, 409 otherwise. A
  rerun starts clean: the attempt's writes, its idempotency row and its pending audit rows are rolled
  back and dropped;
- a unique violation is 409 naming the field, taken from the violated constraint.
"""

from __future__ import annotations

import functools
import random
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from flask.wrappers import Response
from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from api.core import audit
from api.core.db import Base, db
from api.errors import Conflict, DomainError, PreconditionFailed

T = TypeVar("T")

DEFAULT_ATTEMPTS = 4
_RETRY_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_UNIQUE_SQLSTATE = "23505"
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def is_retryable(exc: BaseException) -> bool:
    """Whether the transaction failed only because a concurrent one got there first (run it again)."""
    if isinstance(exc, StaleDataError):
        return True
    if not isinstance(exc, DBAPIError) or isinstance(exc, IntegrityError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in _RETRY_SQLSTATES:
        return True
    code = getattr(orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)


def is_disconnect(exc: BaseException) -> bool:
    """Whether a statement failed because its connection was dead (the database restarted, a proxy dropped
    it): the pool has discarded it and its older siblings, and the same work can run again on a new one."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def retry_if_disconnected(work: Callable[[], T]) -> T:
    """Run work that only reads (authentication) again once if its connection turned out dead."""
    try:
        return work()
    except DBAPIError as exc:
        if not is_disconnect(exc):
            raise
        db.session.rollback()
        current_app.logger.info("database connection renewed (%s %s)", request.method, request.path)
        return work()


def _unique_columns(exc: IntegrityError) -> list[Any] | None:
    """The columns of the unique constraint the statement violated, looked up in the models."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == _UNIQUE_SQLSTATE:
        name = getattr(getattr(orig, "diag", None), "constraint_name", None)
        for table in Base.metadata.tables.values():
            for item in [*table.constraints, *table.indexes]:
                if isinstance(item, UniqueConstraint | Index) and item.name == name:
                    return list(item.columns)
        return []
    found = _SQLITE_UNIQUE.search(str(orig))
    if found is None:
        return None
    names = [part.strip() for part in found.group(1).split(",")]
    table = Base.metadata.tables.get(names[0].split(".")[0])
    if table is None:
        return []
    return [table.c[n.split(".", 1)[1]] for n in names if n.split(".", 1)[1] in table.c]


def as_domain_error(exc: BaseException) -> DomainError | None:
    """The answer to a database conflict, or None when the error is not one (a real failure)."""
    if isinstance(exc, StaleDataError):
        if has_request_context() and request.headers.get("If-Match"):
            return PreconditionFailed(
                "Someone else changed this record at the same time. Reload it and apply your change again."
            )
        return Conflict("Others changed the same data at the same time. Retry in a moment.")
    if isinstance(exc, IntegrityError):
        columns = _unique_columns(exc)
        if columns:
            # The last column is the one that tells rows apart; the others scope it (school, year).
            field = columns[-1].info.get("field", columns[-1].name)
            return Conflict(
                f"Another record already has this {field.replace('_', ' ')}.",
                errors={field: ["already in use"]},
                type="duplicate",
            )
        return Conflict("The change conflicts with data that was saved meanwhile. Reload and retry.")
    if is_retryable(exc):
        return Conflict("Too many changes to the same data at once. Retry in a moment.")
    return None


def _clean(session: Any) -> bool:
    """No object added, changed or deleted (a change to a loaded object begins no transaction)."""
    return not (session.new or session.dirty or session.deleted)


def commit(*, succeeded: bool) -> None:
    """Store the request's audit rows with its work and commit (when it failed: only the denials)."""
    entries = audit.take_pending(succeeded=succeeded)
    if g.get("_db_session") is None and not entries:
        return
    session = db.session
    if succeeded and not entries and not session.in_transaction() and _clean(session):
        return  # committed already (the view's commit, then the response's): nothing was done since
    if not succeeded:
        session.rollback()
    try:
        audit.store(session, entries, closing=True)
        session.commit()
    except Exception:
        session.rollback()
        audit.restore_pending(entries)
        raise


def describe(exc: BaseException) -> str:
    """The error for the log without its statement or parameters (they can hold a child's data)."""
    orig = getattr(exc, "orig", None)
    if orig is None:
        return type(exc).__name__
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    return " ".join(str(part) for part in (type(orig).__name__, code, constraint) if part)


def _pause(attempt: int) -> None:
    # Jitter, so the requests that collided do not collide again in step.
    time.sleep(random.uniform(0.005, 0.03) * 2**attempt)  # noqa: S311 (timing, not secrets)


def transactional(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run a view as one transaction, committed before the response leaves, rerun on deadlock."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        attempts = current_app.config.get("TRANSACTION_ATTEMPTS", DEFAULT_ATTEMPTS)
        for attempt in range(1, attempts + 1):
            committing = False
            try:
                response: Response = current_app.make_response(view(*args, **kwargs))
                if response.status_code < 400:
                    committing = True
                    commit(succeeded=True)
                return response
            except (StaleDataError, DBAPIError) as exc:
                db.session.rollback()
                # A connection that died before the commit was sent lost nothing: run the request again. One
                # that died during the commit may have committed, so that is not retried here (the client's
                # Idempotency-Key makes its own retry safe).
                rerun = is_retryable(exc) or (is_disconnect(exc) and not committing)
                if rerun and attempt < attempts:
                    current_app.logger.info(
                        "transaction retried (%s %s): %s", request.method, request.path, describe(exc)
                    )
                    audit.discard_pending()
                    _pause(attempt)
                    continue
                error = as_domain_error(exc)
                if error is None:
                    raise
                current_app.logger.info(
                    "write refused (%s %s): %s", request.method, request.path, describe(exc)
                )
                raise error from exc
        raise AssertionError("unreachable")  # pragma: no cover

    wrapper._trivsel_transactional = True  # type: ignore[attr-defined]
    return wrapper


def install(app: Flask) -> None:
    """Make every view registered so far transactional (call after the blueprints are registered)."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "_trivsel_transactional", False):
            app.view_functions[endpoint] = transactional(view)
