"""The students domain's own entries in the student log: when the student joined and left the roster."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy.orm import Session

from api.core.student_log import LogEntry, log_source
from api.core.timeutil import LOCAL_TZ, as_utc


@log_source("roster")
def roster_entries(
    session: Session, *, viewer: Any, student: Any, before: datetime | None, limit: int
) -> list[LogEntry]:
    """ "Added to the roster" and "Left the school" (names and classes are visible to all staff)."""
    entries = [
        LogEntry(
            kind="roster",
            occurred_at=student.created_at,
            summary="Added to the roster",
            ref_type="student",
            ref_id=student.id,
            detail={"event": "joined"},
        )
    ]
    if student.left_on is not None:
        entries.append(
            LogEntry(
                kind="roster",
                occurred_at=as_utc(datetime.combine(student.left_on, time(0, 0), tzinfo=LOCAL_TZ)),
                summary=f"Left the school on {student.left_on:%d.%m.%Y}",
                ref_type="student",
                ref_id=student.id,
                detail={"event": "left", "left_on": student.left_on.isoformat()},
            )
        )
    if before is not None:
        entries = [e for e in entries if e.occurred_at < before]
    entries.sort(key=lambda e: e.occurred_at, reverse=True)
    return entries[:limit]
