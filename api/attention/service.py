"""The attention list (HTTP-free): every registered source asked once, for the caller's visibility.
The read is audited with the students its items concern and the criteria it was asked with."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from api import discovery
from api.attention import permissions, sources  # sources also registers the list's own kinds
from api.attention.models import AttentionVisit
from api.attention.registry import Context, ordered
from api.core import audit
from api.core.timeutil import as_utc, local_date, utcnow
from api.schools.service import current_school

# Without a date and without a recorded visit, "new" means the last week.
DEFAULT_NEW_DAYS = 7
DEFAULT_UNASSESSED_AFTER = 2
ITEMS_PER_KIND = 50

_loaded = False


def _load_other_sources() -> None:
    """Import every domain's `attention.py`, where other domains register their kinds."""
    global _loaded
    if not _loaded:
        discovery.domain_modules("attention")
        _loaded = True


def last_visit(session: Session, *, caller: Any) -> datetime | None:
    """When the caller last marked the list as seen."""
    visit = session.get(AttentionVisit, caller.id)
    return visit.seen_at if visit is not None else None


def mark_seen(session: Session, *, caller: Any) -> datetime:
    """Remember now as the caller's last visit: the next list's new reports start here."""
    permissions.ensure_can_read(caller)
    now = utcnow()
    visit = session.get(AttentionVisit, caller.id)
    if visit is None:
        session.add(AttentionVisit(user_id=caller.id, seen_at=now))
    else:
        visit.seen_at = now
    session.flush()
    return now


def attention_list(
    session: Session,
    *,
    caller: Any,
    since: datetime | None = None,
    unassessed_after: int = DEFAULT_UNASSESSED_AFTER,
    kinds: list[str] | None = None,
) -> dict[str, Any]:
    """Everything that needs the caller's attention, grouped by kind, each item linking to its record."""
    permissions.ensure_can_read(caller)
    _load_other_sources()
    now = utcnow()
    if since is None:
        since = last_visit(session, caller=caller) or now - timedelta(days=DEFAULT_NEW_DAYS)
    ctx = Context(
        session=session,
        caller=caller,
        school=current_school(session, caller=caller),
        now=now,
        today=local_date(now),
        since=as_utc(since),
        unassessed_after=unassessed_after,
        limit=ITEMS_PER_KIND,
    )
    groups = []
    students: set[int] = set()
    cases: set[int] = set()
    for source in ordered():
        if kinds and source.kind not in kinds:
            continue
        found = source.fn(ctx)
        students |= found.student_ids
        cases.update(found.case_ids)
        groups.append({"kind": source.kind, "total": found.total, "items": found.items})
    # The students of every listed case, for the audit row: one statement for all the sources.
    students |= sources.students_of_cases(session, sorted(cases))
    audit.record(
        "attention_viewed",
        resource_type="attention",
        student_ids=students,
        detail={
            "since": ctx.since.isoformat(),
            "unassessed_after": unassessed_after,
            "kinds": [g["kind"] for g in groups],
            "totals": {g["kind"]: g["total"] for g in groups},
        },
    )
    return {"generated_at": now, "since": ctx.since, "unassessed_after": unassessed_after, "groups": groups}
