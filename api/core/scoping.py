"""Tenant scoping: another school's object is 404, never 403, and the attempt is audited."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from api.core import audit
from api.core.db import MAX_ID
from api.errors import NotFound

T = TypeVar("T")


def get_in_school(
    session: Session, model: type[T], obj_id: Any, *, school_id: int, what: str | None = None
) -> T:
    """The object with this id if it belongs to this school; otherwise 404 (audited when it exists elsewhere)."""
    what = what or model.__name__
    obj = session.get(model, obj_id) if isinstance(obj_id, int) and 0 < obj_id <= MAX_ID else None
    if obj is None:
        raise NotFound(f"{what} not found.")
    if obj.school_id != school_id:  # type: ignore[attr-defined]
        audit.record(
            "cross_school_access",
            resource_type=getattr(model, "__tablename__", what),
            resource_id=obj_id,
            outcome=audit.DENIED,
        )
        raise NotFound(f"{what} not found.")
    return obj
