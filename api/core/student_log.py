"""The student log (elevlog): one time-ordered view fed by every domain through registered sources.

A domain registers a source in its own `student_log.py` (imported at app start):

    @log_source("incident")
    def incidents_for_log(session, *, viewer, student, before, limit) -> list[LogEntry]:
        ...  # at most `limit` entries older than `before` (None: newest), newest first,
             # only what `viewer` may see

The students domain merges all sources into the paginated endpoint; nobody edits that view to add a kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class LogEntry:
    """One line of a student's log: what kind, when, who, a short summary (never sensitive note text
    for a viewer who may not see it), and what record it points at."""

    kind: str
    occurred_at: datetime
    summary: str
    ref_type: str
    ref_id: int
    author_id: int | None = None
    author_name: str | None = None
    # Structured facts (enum values, dates, counts) so a client can say it in its own language.
    detail: dict[str, Any] | None = None


LogSource = Callable[..., Iterable[LogEntry]]
_SOURCES: dict[str, LogSource] = {}


def log_source(kind: str) -> Callable[[LogSource], LogSource]:
    """Register a function that yields a student's log entries of one kind."""

    def decorator(fn: LogSource) -> LogSource:
        _SOURCES[kind] = fn
        return fn

    return decorator


def sources() -> dict[str, LogSource]:
    """Every registered source by kind."""
    return dict(_SOURCES)


def collect(
    session: Session,
    *,
    viewer: Any,
    student: Any,
    before: datetime | None,
    limit: int,
    kinds: Iterable[str] | None = None,
) -> list[LogEntry]:
    """Merge the sources: the newest `limit` entries older than `before`."""
    wanted = set(kinds) if kinds else None
    entries: list[LogEntry] = []
    for kind, fn in sorted(_SOURCES.items()):
        if wanted is not None and kind not in wanted:
            continue
        entries.extend(fn(session, viewer=viewer, student=student, before=before, limit=limit))
    entries.sort(key=lambda e: (e.occurred_at, e.kind, e.ref_id), reverse=True)
    return entries[:limit]
