"""A change to a part of a record is a change of the record: a note, an audience item or a plan measure added to
a case moves the case's `updated_at` and version (so its ETag), and the change feed shows the case again.

Each domain names its parts once (`touches(Part, parent_of)`); one session hook does the rest, in the same
flush as the change, whichever service made it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from api.core.timeutil import utcnow

ParentOf = Callable[[Session, Any], Any]
_PARTS: dict[type, ParentOf] = {}
_PARENTS: set[type] = set()


def touches(part: type, parent: type, parent_of: ParentOf) -> None:
    """Declare that adding, changing or removing a `part` row changes the record `parent_of(session, row)`
    (None when there is none). `parent` is the parent's model: one whose collection of parts changed
    (a part appended, its key not yet known) is touched too."""
    _PARTS[part] = parent_of
    _PARENTS.add(parent)


def touches_by(part: type, parent: type, fk: str) -> None:
    """Declare a part whose parent is the `parent` row its foreign key `fk` names."""

    def parent_of(session: Session, row: Any) -> Any:
        key = getattr(row, fk, None)
        return session.get(parent, key) if key is not None else None

    touches(part, parent, parent_of)


@event.listens_for(Session, "before_flush")
def _touch_parents(session: Session, _context: Any, _instances: Any) -> None:
    if not _PARTS:
        return
    touched: dict[int, Any] = {}
    with session.no_autoflush:
        for row in [*session.new, *session.dirty, *session.deleted]:
            parent_of = _PARTS.get(type(row))
            if row in session.dirty and not session.is_modified(row):
                continue
            if parent_of is None:
                if type(row) not in _PARENTS or row not in session.dirty:
                    continue
                parent = row
            else:
                parent = parent_of(session, row)
            # A parent can itself be a part (a plan measure -> its plan -> its case).
            while parent is not None and id(parent) not in touched:
                touched[id(parent)] = parent
                parent_of = _PARTS.get(type(parent))
                parent = parent_of(session, parent) if parent_of is not None else None
    now = utcnow()
    for parent in touched.values():
        if parent not in session.deleted and parent not in session.new:
            parent.updated_at = now
