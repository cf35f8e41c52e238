"""Wellbeing day logic (HTTP-free): days and events, mixed groups, manual edits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.etag import IfMatch, check_if_match
from api.core.pagination import list_page
from api.core.scoping import get_in_school
from api.core.timeutil import utcnow
from api.core.tombstones import record_tombstone
from api.errors import InvalidInput
from api.students.models import SchoolClass
from api.users.models import User
from api.wellbeing_days import permissions
from api.wellbeing_days.groups import GroupStudentView as GroupStudentView
from api.wellbeing_days.groups import _delete_plan
from api.wellbeing_days.groups import build_groups as build_groups
from api.wellbeing_days.groups import get_groups as get_groups
from api.wellbeing_days.groups import move_student as move_student
from api.wellbeing_days.groups import participants as participants
from api.wellbeing_days.groups import play_partner_bundles as play_partner_bundles
from api.wellbeing_days.groups import present_plan as present_plan
from api.wellbeing_days.models import (
    WellbeingDay,
    WellbeingDayAdult,
    WellbeingDayClass,
    WellbeingDayKind,
    WellbeingGroup,
    WellbeingGroupMember,
)


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _check_classes(session: Session, *, school_id: int, class_ids: list[int]) -> list[int]:
    ids = _unique(class_ids)
    found = set(
        session.scalars(
            select(SchoolClass.id).where(SchoolClass.id.in_(ids), SchoolClass.school_id == school_id)
        )
    )
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise InvalidInput(
            "Some classes are not classes of your school.",
            errors={"class_ids": [f"unknown class {i}" for i in unknown]},
        )
    return ids


def _check_adults(session: Session, *, school_id: int, adult_ids: list[int]) -> list[int]:
    ids = _unique(adult_ids)
    found = set(
        session.scalars(
            select(User.id).where(User.id.in_(ids), User.school_id == school_id, User.active.is_(True))
        )
    )
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise InvalidInput(
            "Some adults are not active staff of your school.",
            errors={"adult_ids": [f"unknown adult {i}" for i in unknown]},
        )
    return ids


def _require_participants(class_ids: list[int], grades: list[int]) -> None:
    if not class_ids and not grades:
        raise InvalidInput(
            "Choose the classes or grades that take part.",
            errors={"class_ids": ["give class_ids or grades"], "grades": ["give class_ids or grades"]},
        )


def create_day(
    session: Session,
    *,
    caller: Any,
    date: date,
    title: str,
    kind: str = WellbeingDayKind.WELLBEING_DAY.value,
    description: str | None = None,
    class_ids: list[int] | None = None,
    grades: list[int] | None = None,
    adult_ids: list[int] | None = None,
) -> WellbeingDay:
    """Plan a wellbeing day or event."""
    permissions.ensure_can_plan(caller)
    if not title.strip():
        raise InvalidInput("The title cannot be blank.", errors={"title": ["blank"]})
    classes = _check_classes(session, school_id=caller.school_id, class_ids=class_ids or [])
    grade_list = sorted(set(grades or []))
    _require_participants(classes, grade_list)
    adults = _check_adults(session, school_id=caller.school_id, adult_ids=adult_ids or [])
    day = WellbeingDay(
        school_id=caller.school_id,
        day=date,
        title=title.strip(),
        kind=kind,
        description=(description or "").strip() or None,
        grades=grade_list,
        created_by_id=caller.id,
    )
    day.class_links = [WellbeingDayClass(class_id=i) for i in classes]
    day.adult_links = [WellbeingDayAdult(user_id=i) for i in adults]
    session.add(day)
    session.flush()
    audit.record("wellbeing_day_created", resource_type="wellbeing_day", resource_id=day.id)
    return day


def get_day(
    session: Session, *, caller: Any, day_id: int, audited: bool = True, for_update: bool = False
) -> WellbeingDay:
    """A wellbeing day of the caller's school (404 for another school's); for_update before changing it."""
    # Another school's day is 404 for every role, so the school is checked before the role.
    # Every change of a day or its groups locks the day's row first, before any group or member row:
    # one lock order, so concurrent moves wait for each other instead of deadlocking.
    day = get_in_school(
        session, WellbeingDay, day_id, school_id=caller.school_id, what="Wellbeing day", for_update=for_update
    )
    permissions.ensure_can_view(caller)
    if audited:
        audit.record("wellbeing_day_read", resource_type="wellbeing_day", resource_id=day.id)
    return day


def list_days(
    session: Session,
    *,
    caller: Any,
    from_date: date | None = None,
    to_date: date | None = None,
    kind: str | None = None,
    page: int = 1,
    page_size: int = 25,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> dict[str, Any]:
    """One page of the school's wellbeing days, by date."""
    permissions.ensure_can_view(caller)
    stmt: Select[Any] = select(WellbeingDay).where(WellbeingDay.school_id == caller.school_id)
    if from_date is not None:
        stmt = stmt.where(WellbeingDay.day >= from_date)
    if to_date is not None:
        stmt = stmt.where(WellbeingDay.day <= to_date)
    if kind is not None:
        stmt = stmt.where(WellbeingDay.kind == kind)
    result = list_page(
        session,
        stmt.order_by(WellbeingDay.day, WellbeingDay.id),
        {"page": page, "page_size": page_size, "cursor": cursor, "updated_since": updated_since},
        model=WellbeingDay,
        resource="wellbeing_days",
        school_id=caller.school_id,
    )
    audit.record(
        "wellbeing_days_listed", resource_type="wellbeing_day", detail={"count": len(result["items"])}
    )
    result["can_create"] = permissions.may_plan(caller)
    return result


def update_day(
    session: Session,
    *,
    caller: Any,
    day: WellbeingDay,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> WellbeingDay:
    """Change a day (`if_match`: the version read); planned groups stay (new participants show as
    unassigned)."""
    permissions.ensure_can_plan(caller, day_id=day.id)
    if if_match is not None:
        check_if_match(day, if_match)
    class_ids = day.class_ids
    if "class_ids" in changes:
        class_ids = _check_classes(session, school_id=caller.school_id, class_ids=changes["class_ids"])
    grades = sorted(set(changes["grades"])) if "grades" in changes else list(day.grades or [])
    _require_participants(class_ids, grades)
    if "title" in changes:
        if not changes["title"].strip():
            raise InvalidInput("The title cannot be blank.", errors={"title": ["blank"]})
        day.title = changes["title"].strip()
    if "date" in changes:
        day.day = changes["date"]
    if "kind" in changes:
        day.kind = changes["kind"]
    if "description" in changes:
        day.description = (changes["description"] or "").strip() or None
    if "class_ids" in changes:
        keep = [link for link in day.class_links if link.class_id in class_ids]
        have = {link.class_id for link in keep}
        day.class_links = keep + [WellbeingDayClass(class_id=i) for i in class_ids if i not in have]
    if "grades" in changes:
        day.grades = grades
    if "adult_ids" in changes:
        adults = _check_adults(session, school_id=caller.school_id, adult_ids=changes["adult_ids"])
        keep_adults = [link for link in day.adult_links if link.user_id in adults]
        have_adults = {link.user_id for link in keep_adults}
        day.adult_links = keep_adults + [WellbeingDayAdult(user_id=i) for i in adults if i not in have_adults]
    day.updated_at = utcnow()
    session.flush()
    audit.record(
        "wellbeing_day_updated",
        resource_type="wellbeing_day",
        resource_id=day.id,
        detail={"fields": sorted(changes)},
    )
    return day


def delete_day(
    session: Session, *, caller: Any, day: WellbeingDay, if_match: IfMatch | str | None = None
) -> None:
    """Delete a day and its groups (`if_match`: the version read)."""
    permissions.ensure_can_plan(caller, day_id=day.id)
    if if_match is not None:
        check_if_match(day, if_match)
    member_ids = list(
        session.scalars(
            select(WellbeingGroupMember.student_id).where(WellbeingGroupMember.wellbeing_day_id == day.id)
        )
    )
    _delete_plan(session, day)
    session.delete(day)
    record_tombstone(session, school_id=day.school_id, resource="wellbeing_days", resource_id=day.id)
    session.flush()
    audit.record(
        "wellbeing_day_deleted", resource_type="wellbeing_day", resource_id=day.id, student_ids=member_ids
    )


def groups_of_student(session: Session, *, school_id: int, student_id: int) -> list[dict[str, Any]]:
    """The wellbeing days a student was placed on, with the group number (for the student's access export;
    the other members are not named)."""
    rows = session.execute(
        select(WellbeingDay.id, WellbeingDay.day, WellbeingDay.title, WellbeingGroup.number)
        .join(WellbeingGroupMember, WellbeingGroupMember.wellbeing_day_id == WellbeingDay.id)
        .join(WellbeingGroup, WellbeingGroup.id == WellbeingGroupMember.group_id)
        .where(WellbeingDay.school_id == school_id, WellbeingGroupMember.student_id == student_id)
        .order_by(WellbeingDay.day, WellbeingDay.id)
    )
    return [{"id": i, "day": d.isoformat(), "title": t, "group": n} for i, d, t, n in rows]
