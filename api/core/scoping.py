"""Tenant scoping: another school's object is 404, never 403, and the attempt is audited."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from flask import g, has_request_context
from sqlalchemy import false
from sqlalchemy.orm import Session

from api.core import audit
from api.core.db import MAX_ID
from api.errors import NotFound

T = TypeVar("T")


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
    obj = (
        session.get(
            model,
            obj_id,
            options=options,
            with_for_update={"of": model} if for_update else None,
            populate_existing=for_update,
        )
        if isinstance(obj_id, int) and 0 < obj_id <= MAX_ID
        else None
    )
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
