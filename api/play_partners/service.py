"""Play-partner arrangement logic (HTTP-free): make, list (also "which apply today"), change, check in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import Session

from api.auth.scopes import is_client
from api.core import audit
from api.core.etag import IfMatch, check_if_match, etag_of
from api.core.pagination import list_page
from api.core.scoping import get_in_school
from api.core.timeutil import local_date, utcnow
from api.core.views import View
from api.errors import Conflict, InvalidInput
from api.incidents.service import open_case_pairs, separation_refusal
from api.play_partners import permissions
from api.play_partners.check_ins import add_check_in as add_check_in
from api.play_partners.check_ins import list_check_ins as list_check_ins
from api.play_partners.check_ins import present_check_ins as present_check_ins
from api.play_partners.models import (
    ArrangementStatus,
    ArrangementStudent,
    PlayPartnerArrangement,
    recess_bit,
    weekday_bit,
)
from api.students.models import Student
from api.students.permissions import staff_class_ids
from api.students.service import students_of_school
from api.users.models import User

IN_FORCE = (ArrangementStatus.ACTIVE.value, ArrangementStatus.PAUSED.value)


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _responsible(session: Session, *, school_id: int, user_id: int) -> User:
    user = session.get(User, user_id)
    if (
        user is None
        or user.school_id != school_id
        or not user.active
        or not user.has_role(*permissions.CHILD_FACING_ROLES)
    ):
        raise InvalidInput(
            "The responsible adult must be an active staff member of your school who works with children.",
            errors={"responsible_id": ["not a child-facing staff member of this school"]},
        )
    return user


def _refuse_open_case_pairs(
    session: Session, *, caller: Any, students: list[Student], arrangement_id: int | None = None
) -> None:
    """Refuse an arrangement that pairs the target and the actor of an open bullying-like case (409),
    telling the caller only what they may see of those cases."""
    pairs = open_case_pairs(session, viewer=caller, student_ids=[s.id for s in students], bullying_like=True)
    if pairs:
        raise separation_refusal(
            pairs,
            error=Conflict,
            explained="A play-partner arrangement may not pair the target and the actor of an open bullying case",
            hidden="This play-partner arrangement cannot be made.",
            field="student_ids",
            names={s.id: s.display_name for s in students},
            resource_type="play_partner_arrangement",
            resource_id=arrangement_id,
        )


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("The end date is before the start date.", errors={"end_date": ["before start"]})


def overlaps_of(session: Session, arrangements: list[PlayPartnerArrangement]) -> dict[int, list[int]]:
    """For each arrangement: the other active/paused ones booking one of its students at the same time
    (periods, weekdays and recesses all intersect). One query for the whole page."""
    result: dict[int, list[int]] = {a.id: [] for a in arrangements}
    live = [a for a in arrangements if a.status in IN_FORCE]
    if not live:
        return result
    student_ids = {i for a in live for i in a.student_ids}
    rows = session.execute(
        select(PlayPartnerArrangement, ArrangementStudent.student_id)
        .join(ArrangementStudent, ArrangementStudent.arrangement_id == PlayPartnerArrangement.id)
        .where(
            PlayPartnerArrangement.school_id == live[0].school_id,
            PlayPartnerArrangement.status.in_(IN_FORCE),
            ArrangementStudent.student_id.in_(sorted(student_ids)),
        )
    ).all()
    by_student: dict[int, list[PlayPartnerArrangement]] = defaultdict(list)
    for other, sid in rows:
        by_student[sid].append(other)
    for a in live:
        found: set[int] = set()
        for sid in a.student_ids:
            for b in by_student.get(sid, []):
                if (
                    b.id != a.id
                    and a.start_date <= b.end_date
                    and b.start_date <= a.end_date
                    and a.weekday_mask & b.weekday_mask
                    and a.recess_mask & b.recess_mask
                ):
                    found.add(b.id)
        result[a.id] = sorted(found)
    return result


def pairings_of(
    session: Session, viewer: Any, arrangements: list[PlayPartnerArrangement]
) -> tuple[set[int], set[int]]:
    """Ids of the arrangements whose students now include both sides of an open bullying-like case: of any
    case (the separation rule's), and of a case the viewer may see (the `case_conflict` flag, which discloses
    no case they may not see). One query for the whole page."""
    if not arrangements:
        return set(), set()
    student_ids = {i for a in arrangements for i in a.student_ids}
    pairs = open_case_pairs(session, viewer=viewer, student_ids=student_ids, bullying_like=True)
    paired = {a.id for a in arrangements if any(p.students <= set(a.student_ids) for p in pairs)}
    seen = [p for p in pairs if p.visible]
    conflicts = {
        a.id for a in arrangements if a.id in paired and any(p.students <= set(a.student_ids) for p in seen)
    }
    return paired, conflicts


def present_many(session: Session, viewer: Any, arrangements: list[PlayPartnerArrangement]) -> list[View]:
    """The arrangements with their overlaps, the case conflicts the viewer may know of and what the viewer may
    do on each now (`allowed_actions`, by the rules the writes check)."""
    overlaps = overlaps_of(session, arrangements)
    paired, conflicts = pairings_of(session, viewer, arrangements)
    class_ids = frozenset() if is_client(viewer) else staff_class_ids(session, viewer)
    today = local_date()
    return [
        View(
            a,
            students=[link.student for link in a.students],
            overlaps=overlaps[a.id],
            case_conflict=a.id in conflicts,
            allowed_actions=permissions.allowed(
                viewer, a, class_ids=class_ids, paired=a.id in paired, today=today
            ),
            etag=etag_of(a),
        )
        for a in arrangements
    ]


def present(session: Session, viewer: Any, arrangement: PlayPartnerArrangement) -> View:
    """One arrangement with its overlaps and the case conflict the viewer may know of."""
    return present_many(session, viewer, [arrangement])[0]


def create_arrangement(
    session: Session,
    *,
    caller: Any,
    student_ids: list[int],
    recesses: list[str],
    weekdays: list[int],
    end_date: date,
    responsible_id: int,
    start_date: date | None = None,
    purpose: str | None = None,
    status: str = ArrangementStatus.ACTIVE.value,
) -> PlayPartnerArrangement:
    """Make an arrangement; refused (409) when it pairs a target and an actor of an open bullying case."""
    permissions.ensure_can_make(caller)
    ids = _unique(student_ids)
    if len(ids) < 2:
        raise InvalidInput(
            "An arrangement needs at least two different students.", errors={"student_ids": ["fewer than 2"]}
        )
    students = students_of_school(session, school_id=caller.school_id, student_ids=ids)
    responsible = _responsible(session, school_id=caller.school_id, user_id=responsible_id)
    start = start_date or local_date()
    _check_period(start, end_date)
    if status != ArrangementStatus.ENDED.value:
        _refuse_open_case_pairs(session, caller=caller, students=students)
    arrangement = PlayPartnerArrangement(
        school_id=caller.school_id,
        purpose=(purpose or "").strip(),
        start_date=start,
        end_date=end_date,
        responsible_id=responsible.id,
        status=status,
        created_by_id=caller.id,
    )
    arrangement.recesses = recesses
    arrangement.weekdays = weekdays
    arrangement.students = [ArrangementStudent(student_id=i) for i in ids]
    session.add(arrangement)
    session.flush()
    audit.record(
        "play_partner_arrangement_created",
        resource_type="play_partner_arrangement",
        resource_id=arrangement.id,
        student_ids=ids,
    )
    return arrangement


def get_arrangement(
    session: Session, *, caller: Any, arrangement_id: int, audited: bool = True
) -> PlayPartnerArrangement:
    """An arrangement of the caller's school (404 for another school's)."""
    # Another school's arrangement is 404 for every role, so the school is checked before the role.
    arrangement = get_in_school(
        session,
        PlayPartnerArrangement,
        arrangement_id,
        school_id=caller.school_id,
        what="Play-partner arrangement",
    )
    permissions.ensure_child_facing(caller, action="see play-partner arrangements")
    if audited:
        audit.record(
            "play_partner_arrangement_read",
            resource_type="play_partner_arrangement",
            resource_id=arrangement.id,
            student_ids=arrangement.student_ids,
        )
    return arrangement


def in_force(day: date, *, any_weekday: bool = False) -> ColumnElement[bool]:
    """SQL condition: the arrangement is active and runs on this day (on any weekday, with `any_weekday`)."""
    A = PlayPartnerArrangement
    running = and_(A.status == ArrangementStatus.ACTIVE.value, A.start_date <= day, A.end_date >= day)
    return (
        running if any_weekday else and_(running, A.weekday_mask.op("&")(weekday_bit(day.isoweekday())) != 0)
    )


def arrangement_students_in_force(
    session: Session, *, school_id: int, day: date, any_weekday: bool = False
) -> list[tuple[int, int]]:
    """(arrangement id, student id) of the school's arrangements in force on the day, by arrangement."""
    rows = session.execute(
        select(ArrangementStudent.arrangement_id, ArrangementStudent.student_id)
        .join(PlayPartnerArrangement, PlayPartnerArrangement.id == ArrangementStudent.arrangement_id)
        .where(PlayPartnerArrangement.school_id == school_id, in_force(day, any_weekday=any_weekday))
        .order_by(ArrangementStudent.arrangement_id, ArrangementStudent.student_id)
    )
    return [(a, s) for a, s in rows]


def list_arrangements(
    session: Session,
    *,
    caller: Any,
    date: date | None = None,
    recess: str | None = None,
    student_id: int | None = None,
    responsible_id: int | None = None,
    status: str | None = None,
    page: int = 1,
    page_size: int = 25,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> dict[str, Any]:
    """One page of the school's arrangements; with `date`: those in force that day (schoolyard duty)."""
    permissions.ensure_child_facing(caller, action="see play-partner arrangements")
    A = PlayPartnerArrangement
    stmt: Select[Any] = select(A).where(A.school_id == caller.school_id)
    if date is not None:
        stmt = stmt.where(in_force(date))
    if recess is not None:
        stmt = stmt.where(A.recess_mask.op("&")(recess_bit(recess)) != 0)
    if student_id is not None:
        stmt = stmt.where(
            A.id.in_(
                select(ArrangementStudent.arrangement_id).where(ArrangementStudent.student_id == student_id)
            )
        )
    if responsible_id is not None:
        stmt = stmt.where(A.responsible_id == responsible_id)
    if status is not None:
        stmt = stmt.where(A.status == status)
    if date is not None:
        stmt = stmt.order_by(A.recess_mask, A.id)
    else:
        stmt = stmt.order_by(A.start_date.desc(), A.id.desc())
    result = list_page(
        session,
        stmt,
        {"page": page, "page_size": page_size, "cursor": cursor, "updated_since": updated_since},
        model=A,
        resource="play_partner_arrangements",
        school_id=caller.school_id,
    )
    items: list[PlayPartnerArrangement] = result["items"]
    audit.record(
        "play_partner_arrangements_listed",
        resource_type="play_partner_arrangement",
        student_ids=[i for a in items for i in a.student_ids],
        detail={"count": len(items), "date": date.isoformat() if date else None},
    )
    result["items"] = present_many(session, caller, items)
    result["can_create"] = permissions.may_make(caller)
    return result


def actions_of_change(changes: dict[str, Any]) -> list[str]:
    """The actions a PATCH takes: `status` is a pause, a resume or an end (also when it is already so: the
    answer says what the caller may do, not that nothing happened); anything else, or nothing, is an edit."""
    found = []
    if "status" in changes:
        found.append(permissions.STATUS_ACTIONS[changes["status"]].value)
    if any(name != "status" for name in changes) or not found:
        found.append(permissions.ArrangementAction.EDIT.value)
    return found


def update_arrangement(
    session: Session,
    *,
    caller: Any,
    arrangement: PlayPartnerArrangement,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> PlayPartnerArrangement:
    """Change, pause, resume or end an arrangement (`if_match`: the version read). Unless it ends, its students
    after the change may not pair both sides of an open bullying-like case: one that pairs them now is ended or
    given other students."""
    class_ids = staff_class_ids(session, caller)
    today = local_date()
    for action in actions_of_change(changes):
        # The separation rule is asked below, where its refusal says what the caller may know of the case.
        permissions.ensure(caller, arrangement, action, class_ids=class_ids, today=today)
    if if_match is not None:
        check_if_match(arrangement, if_match)
    before = set(arrangement.student_ids)
    ids = _unique(changes["student_ids"]) if "student_ids" in changes else arrangement.student_ids
    if len(ids) < 2:
        raise InvalidInput(
            "An arrangement needs at least two different students.", errors={"student_ids": ["fewer than 2"]}
        )
    students = (
        students_of_school(session, school_id=caller.school_id, student_ids=ids)
        if "student_ids" in changes
        else [link.student for link in arrangement.students]
    )
    if "responsible_id" in changes:
        arrangement.responsible = _responsible(
            session, school_id=caller.school_id, user_id=changes["responsible_id"]
        )
    _check_period(
        changes.get("start_date", arrangement.start_date), changes.get("end_date", arrangement.end_date)
    )
    status = changes.get("status", arrangement.status)
    if status != ArrangementStatus.ENDED.value:
        _refuse_open_case_pairs(session, caller=caller, students=students, arrangement_id=arrangement.id)
    if "student_ids" in changes:
        keep = [link for link in arrangement.students if link.student_id in ids]
        have = {link.student_id for link in keep}
        arrangement.students = keep + [ArrangementStudent(student_id=i) for i in ids if i not in have]
    for name in ("recesses", "weekdays", "start_date", "end_date", "status"):
        if name in changes:
            setattr(arrangement, name, changes[name])
    if "purpose" in changes:
        arrangement.purpose = (changes["purpose"] or "").strip()
    arrangement.updated_at = utcnow()
    session.flush()
    audit.record(
        "play_partner_arrangement_updated",
        resource_type="play_partner_arrangement",
        resource_id=arrangement.id,
        student_ids=before | set(ids),
        detail={"fields": sorted(changes)},
    )
    return arrangement
