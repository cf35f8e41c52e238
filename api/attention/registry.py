"""The attention list's sources: one registered function per kind of item.

A domain adds a kind by registering a function in its own `api/<domain>/attention.py`:

    @attention_source("parent_not_informed", order=55)
    def parents_not_informed(ctx: Context) -> Found: ...

The function sees only what `ctx.caller` may see (it calls its domain's visibility rules), returns at most
`ctx.limit` items and the total, and names the students its items are about (for the audit row; they are not
shown): in `student_ids`, or, for items that are cases, by the cases' ids in `case_ids` (the list then looks up
the students of every source's cases in one statement)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session


@dataclass
class Context:
    """What every source is asked with."""

    session: Session
    caller: Any
    school: Any
    now: datetime
    today: date
    since: datetime
    unassessed_after: int
    limit: int
    # What one source loaded that another may reuse within the same list (e.g. the deadline list).
    shared: dict[str, Any] = field(default_factory=dict)


@dataclass
class Item:
    """One thing needing attention, linking to its record (`href` is the record's API path)."""

    kind: str
    record_type: str
    record_id: int
    day: date | None = None
    classification: str | None = None
    status: str | None = None
    count: int | None = None
    student: dict[str, Any] | None = None

    @property
    def href(self) -> str:
        """The record's path in the API."""
        return f"/api/v1/{_PATHS[self.record_type]}/{self.record_id}"


_PATHS = {
    "incident": "incidents",
    "student": "students",
    "play_partner_arrangement": "play-partner-arrangements",
}


@dataclass
class Found:
    """A source's answer: the first `limit` items, how many there are in all, the students they concern (and
    the cases whose students they concern)."""

    items: list[Item]
    total: int
    student_ids: set[int] = field(default_factory=set)
    case_ids: list[int] = field(default_factory=list)


Source = Callable[[Context], Found]


@dataclass(frozen=True)
class Registered:
    """A registered source and its place in the list."""

    kind: str
    order: int
    fn: Source


SOURCES: dict[str, Registered] = {}


def attention_source(kind: str, *, order: int = 100) -> Callable[[Source], Source]:
    """Register a function as the source of one kind of attention item (lower `order` first)."""

    def decorator(fn: Source) -> Source:
        if kind in SOURCES and SOURCES[kind].fn is not fn:
            raise ValueError(f"attention source {kind!r} registered twice")
        SOURCES[kind] = Registered(kind, order, fn)
        return fn

    return decorator


def record_path(record_type: str, path: str) -> None:
    """Teach the list the API path of another record type (for a source in another domain)."""
    _PATHS[record_type] = path


def ordered() -> list[Registered]:
    """The sources in list order."""
    return sorted(SOURCES.values(), key=lambda r: (r.order, r.kind))
