"""Check-ins of a play-partner arrangement (HTTP-free): whether the agreed play happened and how it went; the
note is for the arrangement's adults and the students' class staff."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.pagination import paginate
from api.core.timeutil import local_date
from api.errors import InvalidInput
from api.play_partners import permissions
from api.play_partners.models import (
    ArrangementCheckIn,
    PlayPartnerArrangement,
)
from api.students.permissions import staff_class_ids


def present_check_ins(
    session: Session, *, caller: Any, arrangement: PlayPartnerArrangement, check_ins: list[ArrangementCheckIn]
) -> list[dict[str, Any]]:
    """Check-ins as the caller may see them (the note only with need-to-know)."""
    class_ids = staff_class_ids(session, caller)
    out = []
    for c in check_ins:
        shown = permissions.can_see_check_in_note(caller, arrangement, c, class_ids=class_ids)
        out.append(
            {
                "id": c.id,
                "arrangement_id": c.arrangement_id,
                "date": c.day,
                "recess": c.recess,
                "outcome": c.outcome,
                "note": c.note if shown else None,
                "note_hidden": not shown and c.note is not None,
                "author": c.author,
                "created_at": c.created_at,
            }
        )
    return out


def add_check_in(
    session: Session,
    *,
    caller: Any,
    arrangement: PlayPartnerArrangement,
    outcome: str,
    date: date | None = None,
    recess: str | None = None,
    note: str | None = None,
) -> ArrangementCheckIn:
    """Record whether the arrangement happened on a day (today by default) and how it went."""
    today = local_date()
    permissions.ensure(
        caller,
        arrangement,
        permissions.ArrangementAction.CHECK_IN,
        class_ids=staff_class_ids(session, caller),
        today=today,
    )
    day = date or today
    if day > today:
        raise InvalidInput("A check-in cannot be in the future.", errors={"date": ["in the future"]})
    if not (arrangement.start_date <= day <= arrangement.end_date):
        raise InvalidInput(
            f"The arrangement runs from {arrangement.start_date} to {arrangement.end_date}.",
            errors={"date": ["outside the arrangement's period"]},
        )
    if recess is not None and recess not in arrangement.recesses:
        raise InvalidInput(
            f"The arrangement covers {', '.join(arrangement.recesses)}.",
            errors={"recess": ["not one of the arrangement's recesses"]},
        )
    check_in = ArrangementCheckIn(
        arrangement_id=arrangement.id,
        day=day,
        recess=recess,
        outcome=outcome,
        note=(note or "").strip() or None,
        author_id=caller.id,
    )
    session.add(check_in)
    session.flush()
    audit.record(
        "play_partner_check_in_created",
        resource_type="play_partner_check_in",
        resource_id=check_in.id,
        student_ids=arrangement.student_ids,
        detail={"arrangement_id": arrangement.id, "outcome": outcome},
    )
    return check_in


def list_check_ins(
    session: Session,
    *,
    caller: Any,
    arrangement: PlayPartnerArrangement,
    from_date: date | None = None,
    to_date: date | None = None,
    page: int = 1,
    page_size: int = 25,
) -> dict[str, Any]:
    """One page of an arrangement's check-ins, newest first."""
    permissions.ensure_child_facing(caller, action="see check-ins")
    C = ArrangementCheckIn
    stmt: Select[Any] = select(C).where(C.arrangement_id == arrangement.id)
    if from_date is not None:
        stmt = stmt.where(C.day >= from_date)
    if to_date is not None:
        stmt = stmt.where(C.day <= to_date)
    stmt = stmt.order_by(C.day.desc(), C.created_at.desc(), C.id.desc())
    result = paginate(session, stmt, page=page, page_size=page_size)
    audit.record(
        "play_partner_check_ins_listed",
        resource_type="play_partner_arrangement",
        resource_id=arrangement.id,
        student_ids=arrangement.student_ids,
        detail={"count": len(result["items"])},
    )
    result["items"] = present_check_ins(
        session, caller=caller, arrangement=arrangement, check_ins=result["items"]
    )
    return result
