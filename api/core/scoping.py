"""Tenant scoping: another school's object is 404, never 403, and the attempt is audited."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from flask import g, has_request_context
from sqlalchemy import Select, bindparam, false, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from api.core import audit
from api.core.db import MAX_ID
from api.errors import NotFound

T = TypeVar("T")

# A read by id, built once per model and loader options: `session.get` builds its statement and the statement's
# cache key (a walk over every option) again on every call, which costs a case read as much as the rest of its
# loading; for a plain read by id (no options) it was 140 of the 370 µs of processor time `session.get` took
# (a student read: 6.36 to 6.18 million instructions, bench/instructions.py).
# Keyed by the options' identity: callers pass a tuple kept for the process (as incidents/loading.py's, built on
# first use), or none (the one empty tuple); a list is read the ordinary way. A tuple built per call would fill
# the cache (64 entries, then every read goes through session.get), so none may be passed.
_BY_ID: dict[tuple[type, int], tuple[tuple[Any, ...], Select[Any]]] = {}


def _by_id(model: type[T], options: tuple[Any, ...]) -> Select[Any]:
    entry = _BY_ID.get((model, id(options)))
    if entry is None or entry[0] is not options:
        (pk,) = sa_inspect(model).primary_key
        entry = (options, select(model).options(*options).where(pk == bindparam("obj_id")))
        _BY_ID[(model, id(options))] = entry
    return entry[1]


def _get(session: Session, model: type[T], obj_id: int, options: Sequence[Any]) -> T | None:
    """`session.get(model, obj_id, options=options)`, from a statement built once when the options are a
    tuple kept for the process (or none) and the object is not in the session yet (then `session.get` answers
    as always)."""
    if not isinstance(options, tuple) or len(_BY_ID) > 64:
        return session.get(model, obj_id, options=options)
    key = sa_inspect(model).identity_key_from_primary_key((obj_id,))
    if key in session.identity_map:
        return session.get(model, obj_id, options=options)
    return session.execute(_by_id(model, options), {"obj_id": obj_id}).unique().scalar_one_or_none()


def get_in_school(
    session: Session,
    model: type[T],
    obj_id: Any,
    *,
    school_id: int,
    what: str | None = None,
    for_update: bool = False,
    options: Sequence[Any] = (),
) -> T:
    """The object with this id if it belongs to this school; otherwise 404 (audited when it exists elsewhere).
    With for_update the row is locked until the request commits, and read as it is once the lock is held;
    `options` say what to load with it."""
    what = what or model.__name__
    if for_update and session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks: its FOR UPDATE is taking the database's write lock before reading
        # (a write statement that changes nothing takes it, and it is held until the commit).
        table = model.__table__  # type: ignore[attr-defined]
        session.execute(table.update().where(false()).values(id=table.c.id))
    if not isinstance(obj_id, int) or not 0 < obj_id <= MAX_ID:
        obj = None
    elif for_update:
        obj = session.get(
            model, obj_id, options=options, with_for_update={"of": model}, populate_existing=True
        )
    else:
        obj = _get(session, model, obj_id, options)
    if obj is None:
        raise NotFound(f"{what} not found.")
    if obj.school_id != school_id:  # type: ignore[attr-defined]
        audit.record(
            "cross_school_access",
            resource_type=getattr(model, "__tablename__", what),
            resource_id=obj_id,
            outcome=audit.DENIED,
            # For the platform's operators (GET /api/v1/platform/access-denials): whose record it was.
            detail={"owner_school_id": obj.school_id},  # type: ignore[attr-defined]
        )
        raise NotFound(f"{what} not found.")
    return obj


def per_request(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per request (e.g. the caller's class ids, asked by several rules); outside a request
    it is computed every time, so a worker or the CLI never holds a stale answer."""
    if not has_request_context():
        return compute()
    memo = g.setdefault("_trivsel_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def forget_per_request() -> None:
    """Drop what this request remembered (a new request starts, or a write changed the answers)."""
    g.pop("_trivsel_memo", None)
