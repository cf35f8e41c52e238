"""A wellbeing day's mixed groups (HTTP-free): who takes part, building the plan under the hard rules, showing
it with how well it mixes, and moving a student by hand."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.etag import IfMatch, check_if_match
from api.core.timeutil import utcnow
from api.core.views import View
from api.errors import Conflict, DomainError, InvalidInput
from api.incidents.service import (
    OpenCasePair,
    open_case_pairs,
    separated,
    separation_refusal,
)
from api.play_partners.service import arrangement_students_in_force
from api.students.models import SchoolClass, Student
from api.wellbeing_days import permissions
from api.wellbeing_days.grouping import PlanError, Pupil, plan_groups, quality
from api.wellbeing_days.models import (
    WellbeingDay,
    WellbeingGroup,
    WellbeingGroupAdult,
    WellbeingGroupMember,
)
from api.wellbeing_days.schemas import MAX_SEED


def participants(session: Session, day: WellbeingDay) -> list[Student]:
    """The active students of the participating classes and grades, by id."""
    stmt = (
        select(Student)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(
            Student.school_id == day.school_id,
            Student.active.is_(True),
            or_(Student.class_id.in_(day.class_ids), SchoolClass.grade.in_(list(day.grades or []))),
        )
        .order_by(Student.id)
    )
    return list(session.scalars(stmt).unique())


def play_partner_bundles(session: Session, day: WellbeingDay, student_ids: set[int]) -> list[list[int]]:
    """Students of active play-partner arrangements running on the day, per arrangement (participants); a
    wellbeing day keeps partners together whichever weekdays they usually play."""
    bundles: dict[int, list[int]] = {}
    for arrangement_id, sid in arrangement_students_in_force(
        session, school_id=day.school_id, day=day.day, any_weekday=True
    ):
        if sid in student_ids:
            bundles.setdefault(arrangement_id, []).append(sid)
    return [b for b in bundles.values() if len(b) > 1]


def _delete_plan(session: Session, day: WellbeingDay) -> None:
    group_ids = select(WellbeingGroup.id).where(WellbeingGroup.wellbeing_day_id == day.id)
    session.execute(delete(WellbeingGroupAdult).where(WellbeingGroupAdult.group_id.in_(group_ids)))
    session.execute(delete(WellbeingGroupMember).where(WellbeingGroupMember.wellbeing_day_id == day.id))
    session.execute(delete(WellbeingGroup).where(WellbeingGroup.wellbeing_day_id == day.id))


def _groups(session: Session, day: WellbeingDay) -> list[WellbeingGroup]:
    return list(
        session.scalars(
            select(WellbeingGroup)
            .where(WellbeingGroup.wellbeing_day_id == day.id)
            .order_by(WellbeingGroup.number)
            .execution_options(populate_existing=True)
        )
    )


def _plan_error(
    error: PlanError, *, pairs: list[OpenCasePair], names: dict[int, str], day: WellbeingDay
) -> DomainError:
    if error.rule == "open_case_separation":
        # Pins name the pairs they put together; any other failure is about all of them together.
        clashing = [set(d) for d in error.details if isinstance(d, list | tuple)]
        named = [p for p in pairs if set(p.students) in clashing]
        return separation_refusal(
            named or pairs,
            error=InvalidInput,
            explained=f"The groups cannot be built ({error.rule}): {error.message.rstrip('.')}",
            hidden="These groups cannot be built.",
            field="students",
            names=names,
            resource_type="wellbeing_day",
            resource_id=day.id,
            explain_only_if_all_visible=not named,
        )
    errors: dict[str, Any] = {"rule": [error.rule]}
    if error.details:
        errors["details"] = [str(d) for d in error.details]
    return InvalidInput(f"The groups cannot be built ({error.rule}): {error.message}", errors=errors)


def build_groups(
    session: Session,
    *,
    caller: Any,
    day: WellbeingDay,
    group_size: int | None = None,
    group_count: int | None = None,
    seed: int | None = None,
    keep_play_partners: bool = False,
    pinned: list[dict[str, int]] | None = None,
    if_match: IfMatch | str | None = None,
) -> dict[str, Any]:
    """Build (or rebuild) the day's mixed groups (`if_match` once groups exist); 422 naming the rule when the
    hard rules cannot be met."""
    permissions.ensure_can_plan(caller, day_id=day.id)
    if if_match is not None and day.groups_planned:
        check_if_match(day, if_match)
    students = participants(session, day)
    ids = {s.id for s in students}
    pins: dict[int, int] = {}
    for pin in pinned or []:
        if pins.setdefault(pin["student_id"], pin["group"]) != pin["group"]:
            raise InvalidInput(
                "A student is pinned to two groups.",
                errors={"rule": ["pins"], "details": [str(pin["student_id"])]},
            )
    pairs = open_case_pairs(session, viewer=caller, student_ids=ids)
    together = play_partner_bundles(session, day, ids) if keep_play_partners else []
    seed = seed if seed is not None else secrets.randbelow(MAX_SEED + 1)
    pupils = [Pupil(s.id, s.school_class.grade if s.school_class else None, s.class_id) for s in students]
    try:
        plan = plan_groups(
            pupils,
            seed=seed,
            group_size=group_size,
            group_count=group_count,
            separate=separated(pairs),
            together=together,
            pins=pins,
            adults=day.adult_ids,
        )
    except PlanError as exc:
        names = {s.id: s.display_name for s in students}
        raise _plan_error(exc, pairs=pairs, names=names, day=day) from exc

    _delete_plan(session, day)
    session.flush()
    groups = []
    for index, members in enumerate(plan.groups):
        group = WellbeingGroup(wellbeing_day_id=day.id, number=index + 1)
        group.members = [
            WellbeingGroupMember(wellbeing_day_id=day.id, student_id=sid, pinned=sid in pins)
            for sid in members
        ]
        group.adults = [WellbeingGroupAdult(user_id=uid) for uid in plan.adults[index]]
        groups.append(group)
    session.add_all(groups)
    now = utcnow()
    day.group_size = group_size
    day.group_count = len(plan.groups)
    day.group_seed = seed
    day.keep_play_partners = bool(keep_play_partners)
    day.groups_planned_at = now
    day.groups_updated_at = now
    session.flush()
    audit.record(
        "wellbeing_groups_planned",
        resource_type="wellbeing_day",
        resource_id=day.id,
        student_ids=ids,
        detail={"seed": seed, "groups": len(plan.groups), "attempts": plan.attempts},
    )
    return present_plan(session, caller, day, students=students)


def present_plan(
    session: Session, viewer: Any, day: WellbeingDay, *, students: list[Student] | None = None
) -> View:
    """The stored groups with their quality figures and the participants in no group; the groups holding
    both sides of an open case are flagged only for cases the viewer may see."""
    groups = _groups(session, day)
    if students is None:
        students = participants(session, day)
    placed = {m.student_id for g in groups for m in g.members}
    member_groups = [[m.student_id for m in g.members] for g in groups]
    grade_of: dict[int, Any] = {}
    class_of: dict[int, Any] = {}
    for g in groups:
        for m in g.members:
            grade_of[m.student_id] = m.student.school_class.grade if m.student.school_class else None
            class_of[m.student_id] = m.student.class_id
    pairs = open_case_pairs(session, viewer=viewer, student_ids=placed) if placed else []
    where = {sid: g.number for g in groups for sid in (m.student_id for m in g.members)}
    clash_groups = sorted(
        {
            where[p.target_id]
            for p in pairs
            if p.visible
            and where.get(p.target_id) is not None
            and where[p.target_id] == where.get(p.actor_id)
        }
    )
    q = quality(member_groups, grade_of, class_of)
    return View(
        day,
        wellbeing_day_id=day.id,
        seed=day.group_seed,
        planned_at=day.groups_planned_at,
        updated_at=day.groups_updated_at,
        groups=[
            {
                "number": g.number,
                "size": len(g.members),
                "grades": sorted(
                    {grade_of[m.student_id] for m in g.members if grade_of[m.student_id] is not None}
                ),
                "students": [_group_student(m) for m in g.members],
                "adults": [a.user for a in g.adults],
            }
            for g in groups
        ],
        unassigned=[s for s in students if s.id not in placed],
        stats={
            "student_count": len(placed),
            "group_count": len(groups),
            "min_size": min(q.sizes) if q.sizes else 0,
            "max_size": max(q.sizes) if q.sizes else 0,
            "min_distinct_grades": q.min_distinct_grades,
            "max_grade_share": round(q.max_grade_share, 3),
            "groups_with_open_case": clash_groups,
        },
        student_ids=sorted(placed),  # for the audit row; GroupPlanRead does not show it
        can_plan=permissions.may_plan(viewer),
    )


@dataclass(frozen=True)
class GroupStudentView:
    """A student in a group, as the read schema dumps it."""

    id: int
    display_name: str
    class_id: int | None
    school_class: SchoolClass | None
    pinned: bool

    @property
    def class_name(self) -> str | None:
        """The name of the student's class, if any."""
        return self.school_class.name if self.school_class is not None else None

    @property
    def grade(self) -> int | None:
        """The grade of the student's class, if any."""
        return self.school_class.grade if self.school_class is not None else None


def _group_student(member: WellbeingGroupMember) -> GroupStudentView:
    s = member.student
    return GroupStudentView(s.id, s.display_name, s.class_id, s.school_class, member.pinned)


def get_groups(
    session: Session, *, caller: Any, day: WellbeingDay, action: str = "wellbeing_groups_read"
) -> dict:
    """The day's groups (audited with every student in them)."""
    permissions.ensure_can_view(caller)
    plan = present_plan(session, caller, day)
    audit.record(action, resource_type="wellbeing_day", resource_id=day.id, student_ids=plan.student_ids)
    return plan


def move_student(
    session: Session,
    *,
    caller: Any,
    day: WellbeingDay,
    student_id: int,
    group: int,
    swap_with: int | None = None,
    if_match: IfMatch | str | None = None,
) -> dict[str, Any]:
    """Move a student to another group (or swap two; `if_match`: the day's version); refused (422) when it
    puts both sides of an open case together. Sizes may become unbalanced by hand; the stats show it."""
    permissions.ensure_can_plan(caller, day_id=day.id)
    if if_match is not None:
        check_if_match(day, if_match)
    groups = _groups(session, day)
    if not groups:
        raise Conflict("There are no groups yet. Build the groups first.")
    by_number = {g.number: g for g in groups}
    target = by_number.get(group)
    if target is None:
        raise InvalidInput(
            f"There is no group {group}; there are {len(groups)}.", errors={"group": ["no such group"]}
        )
    membership = {m.student_id: m for g in groups for m in g.members}
    names = {sid: m.student.display_name for sid, m in membership.items()}
    member = membership.get(student_id)
    if member is None:
        names.update((s.id, s.display_name) for s in participants(session, day))
        if student_id not in names:
            raise InvalidInput(
                "The student does not take part in this day.", errors={"student_id": ["not a participant"]}
            )
    partner = None
    if swap_with is not None:
        partner = membership.get(swap_with)
        if partner is None or partner.group_id != target.id:
            raise InvalidInput(
                f"The student to swap with is not in group {group}.",
                errors={"swap_with": ["not in that group"]},
            )
        if member is None:
            raise InvalidInput(
                "Only a student who is in a group can swap.", errors={"swap_with": ["student is in no group"]}
            )
    if member is not None and member.group_id == target.id:
        return get_groups(session, caller=caller, day=day)
    moving = [student_id] + ([swap_with] if swap_with is not None else [])
    pairs = open_case_pairs(session, viewer=caller, student_ids=set(membership) | {student_id})

    def refuse_if_together(who: int, members: set[int], field: str, explained: str) -> None:
        clash = [p for p in pairs if who in p.students and p.students <= members | {who}]
        if clash:
            raise separation_refusal(
                clash,
                error=InvalidInput,
                explained=explained,
                hidden="This move cannot be made.",
                field=field,
                names=names,
                resource_type="wellbeing_day",
                resource_id=day.id,
            )

    new_target = {m.student_id for m in target.members} - set(moving)
    refuse_if_together(
        student_id,
        new_target,
        "student_id",
        f"Moving the student into group {group} would put the target and the actor of an open case together",
    )
    if partner is not None and member is not None:
        assert swap_with is not None
        old_group = next(g for g in groups if g.id == member.group_id)
        refuse_if_together(
            swap_with,
            {m.student_id for m in old_group.members} - set(moving),
            "swap_with",
            f"Swapping would put the target and the actor of an open case together in group {old_group.number}",
        )
        partner.group_id = member.group_id
    if member is None:
        session.add(WellbeingGroupMember(wellbeing_day_id=day.id, group_id=target.id, student_id=student_id))
    else:
        member.group_id = target.id
    day.groups_updated_at = utcnow()
    session.flush()
    audit.record(
        "wellbeing_groups_edited",
        resource_type="wellbeing_day",
        resource_id=day.id,
        student_ids=moving,
        detail={"group": group},
    )
    return present_plan(session, caller, day)
