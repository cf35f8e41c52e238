"""Play-partner arrangements and their check-ins in the student log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.student_log import LogEntry, log_source
from api.play_partners import permissions
from api.play_partners.models import (
    WEEKDAY_NAMES,
    ArrangementCheckIn,
    ArrangementStudent,
    PlayPartnerArrangement,
)
from api.students.permissions import staff_class_ids

OUTCOME_WORDS = {"good": "went well", "mixed": "went so-so", "did_not_happen": "did not happen"}


def _may_see(viewer: Any, student: Any) -> bool:
    return student.school_id == viewer.school_id and viewer.has_role(*permissions.CHILD_FACING_ROLES)


@log_source("play_partner_arrangement")
def arrangements_for_log(
    session: Session, *, viewer: Any, student: Any, before: datetime | None, limit: int
) -> list[LogEntry]:
    """The arrangements the student is part of, by when they were made."""
    if not _may_see(viewer, student):
        return []
    A = PlayPartnerArrangement
    stmt = (
        select(A)
        .where(
            A.school_id == viewer.school_id,
            A.id.in_(
                select(ArrangementStudent.arrangement_id).where(ArrangementStudent.student_id == student.id)
            ),
        )
        .order_by(A.created_at.desc(), A.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(A.created_at < before)
    entries = []
    for a in session.scalars(stmt):
        others = ", ".join(link.student.display_name for link in a.students if link.student_id != student.id)
        days = "/".join(WEEKDAY_NAMES[d] for d in a.weekdays)
        entries.append(
            LogEntry(
                kind="play_partner_arrangement",
                occurred_at=a.created_at,
                summary=f"Play-partner arrangement with {others} ({', '.join(a.recesses)}; {days}) "
                f"{a.start_date.isoformat()} to {a.end_date.isoformat()}, {a.status}; "
                f"responsible: {a.responsible.name}",
                ref_type="play_partner_arrangement",
                ref_id=a.id,
                author_id=a.created_by_id,
                author_name=a.created_by.name,
                detail={
                    "partners": [
                        link.student.display_name for link in a.students if link.student_id != student.id
                    ],
                    "recesses": list(a.recesses),
                    "weekdays": list(a.weekdays),
                    "start_date": a.start_date.isoformat(),
                    "end_date": a.end_date.isoformat(),
                    "status": a.status,
                    "responsible": a.responsible.name,
                },
            )
        )
    return entries


@log_source("play_partner_check_in")
def check_ins_for_log(
    session: Session, *, viewer: Any, student: Any, before: datetime | None, limit: int
) -> list[LogEntry]:
    """Check-ins of the student's arrangements; the note only for those with need-to-know."""
    if not _may_see(viewer, student):
        return []
    C = ArrangementCheckIn
    stmt = (
        select(C, PlayPartnerArrangement)
        .join(PlayPartnerArrangement, PlayPartnerArrangement.id == C.arrangement_id)
        .where(
            PlayPartnerArrangement.school_id == viewer.school_id,
            C.arrangement_id.in_(
                select(ArrangementStudent.arrangement_id).where(ArrangementStudent.student_id == student.id)
            ),
        )
        .order_by(C.created_at.desc(), C.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(C.created_at < before)
    class_ids = staff_class_ids(session, viewer)
    entries = []
    for c, a in session.execute(stmt):
        text = f"Play-partner check-in for {c.day.isoformat()}"
        if c.recess:
            text += f" ({c.recess})"
        text += f": {OUTCOME_WORDS.get(c.outcome, c.outcome)}"
        if c.note:
            if permissions.can_see_check_in_note(viewer, a, c, class_ids=class_ids):
                text += f". Note: {c.note[:200]}"
            else:
                text += ". (Note hidden)"
        entries.append(
            LogEntry(
                kind="play_partner_check_in",
                occurred_at=c.created_at,
                summary=text,
                ref_type="play_partner_arrangement",
                ref_id=a.id,
                author_id=c.author_id,
                author_name=c.author.name,
                detail={"day": c.day.isoformat(), "recess": c.recess, "outcome": c.outcome},
            )
        )
    return entries
