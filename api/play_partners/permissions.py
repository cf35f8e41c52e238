"""Who may see and change play-partner arrangements.

- Every child-facing role sees the school's arrangements: the adult on schoolyard duty (gårdvagt) must
  know today's arrangements for all students, whatever their class. The purpose is shown to them too, so
  it should say what the adults should do, not why (that belongs in a case or a sensitive observation).
- Every child-facing role may make an arrangement and record a check-in (the adult on duty saw it).
- An arrangement is changed by its responsible adult, its creator, the staff of its students' classes,
  leaders and resource persons.
- A check-in note is shown to those with need-to-know of one of its students (class staff, leaders,
  resource persons), the responsible adult, the arrangement's creator and the note's author.
- An administrator without a child-facing role: 403.
- An API client with prevention:read (api/clients) sees the school's arrangements; check-in notes (free text)
  are not for it.

What a caller may do on one arrangement now is one rule per action (`problem`): the writes check it before they
act and ArrangementRead lists the actions that pass (`allowed_actions`), so the app offers exactly what the API
accepts. An ended arrangement is history: nothing more is recorded on it. One that now pairs the target and the
actor of an open bullying-like case is ended, or its students changed so that they no longer pair them: it is
neither paused nor resumed meanwhile, and any change that keeps the pair is refused by the separation rule (as
making one is: `edit` says the caller may change it, not that every change is allowed).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from api.auth.scopes import is_client
from api.core.enums import documented_enum
from api.core.permissions import CHILD_FACING_ROLES, deny
from api.errors import Conflict
from api.play_partners.models import ArrangementCheckIn, ArrangementStatus, PlayPartnerArrangement

# CHILD_FACING_ROLES (api.core.permissions): who takes part, and whom an arrangement's responsible adult may be.
SCHOOL_WIDE_ROLES = ("leader", "resource_person")


@documented_enum(
    {
        "edit": (
            "ret aftalen",
            "Change its students, recesses, weekdays, period, responsible adult or purpose.",
        ),
        "check_in": ("registrér opfølgning", "Record whether it happened and how it went."),
        "pause": ("sæt på pause", "Pause an active arrangement."),
        "resume": ("genoptag", "Make a paused arrangement active again."),
        "end": ("afslut", "End the arrangement (for good)."),
    }
)
class ArrangementAction(StrEnum):
    """Something a caller may do on a play-partner arrangement."""

    EDIT = "edit"
    CHECK_IN = "check_in"
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"


ACTION_VALUES = [a.value for a in ArrangementAction]
# The action a change of `status` is, by the status asked for.
STATUS_ACTIONS = {
    ArrangementStatus.ACTIVE.value: ArrangementAction.RESUME,
    ArrangementStatus.PAUSED.value: ArrangementAction.PAUSE,
    ArrangementStatus.ENDED.value: ArrangementAction.END,
}
# What is not offered while the students include both sides of an open bullying-like case (an edit is: a change
# of students can part them, and the separation rule refuses one that does not).
KEPT_APART = (ArrangementAction.PAUSE, ArrangementAction.RESUME)
CHANGE_REFUSAL = (
    "Only the responsible adult, the creator, the students' class staff, leaders and resource "
    "persons may change this arrangement."
)


def ensure_child_facing(caller: Any, *, action: str) -> None:
    """403 (audited) for a user without a child-facing role (a client's scope was checked on the operation)."""
    if not is_client(caller) and not caller.has_role(*CHILD_FACING_ROLES):
        raise deny(
            f"Your role may not {action}. Needs one of: {', '.join(CHILD_FACING_ROLES)}.",
            resource_type="play_partner_arrangement",
        )


def may_make(caller: Any) -> bool:
    """Whether the caller makes arrangements: a child-facing role (an API client only reads them)."""
    return not is_client(caller) and caller.has_role(*CHILD_FACING_ROLES)


def ensure_can_make(caller: Any) -> None:
    """403 (audited) unless the caller makes arrangements (the list's `can_create` says the same)."""
    if not may_make(caller):
        raise deny(
            f"Your role may not make play-partner arrangements. Needs one of: {', '.join(CHILD_FACING_ROLES)}.",
            resource_type="play_partner_arrangement",
        )


def is_close_to(caller: Any, arrangement: PlayPartnerArrangement, *, class_ids: set[int]) -> bool:
    """Responsible adult, creator, class staff of one of its students, leader or resource person."""
    return (
        caller.has_role(*SCHOOL_WIDE_ROLES)
        or arrangement.responsible_id == caller.id
        or arrangement.created_by_id == caller.id
        or any(
            link.student.class_id is not None and link.student.class_id in class_ids
            for link in arrangement.students
        )
    )


def _denied(arrangement: PlayPartnerArrangement, reason: str) -> Exception:
    return deny(
        reason,
        resource_type="play_partner_arrangement",
        resource_id=arrangement.id,
        student_ids=tuple(arrangement.student_ids),
    )


def problem(
    caller: Any,
    arrangement: PlayPartnerArrangement,
    action: str,
    *,
    class_ids: set[int] | frozenset[int],
    paired: bool,
    today: date,
) -> tuple[int, str] | None:
    """Why the caller may not take `action` on the arrangement now: (403 or 409, reason), or None. `paired`:
    its students include the target and the actor of an open bullying-like case (any, seen or not)."""
    if not may_make(caller):
        return 403, f"Your role may not do this. Needs one of: {', '.join(CHILD_FACING_ROLES)}."
    ended = arrangement.status == ArrangementStatus.ENDED.value
    if action == ArrangementAction.CHECK_IN:
        if ended:
            return 409, "The arrangement has ended; nothing more is recorded on it."
        return (409, "The arrangement has not begun yet.") if arrangement.start_date > today else None
    if action not in ACTION_VALUES:
        raise ValueError(f"unknown arrangement action {action!r}")
    if not is_close_to(caller, arrangement, class_ids=class_ids):
        return 403, CHANGE_REFUSAL
    if ended:
        return 409, "The arrangement has ended; make a new one instead."
    if action == ArrangementAction.PAUSE and arrangement.status != ArrangementStatus.ACTIVE.value:
        return 409, "Only an active arrangement can be paused."
    if action == ArrangementAction.RESUME and arrangement.status != ArrangementStatus.PAUSED.value:
        return 409, "Only a paused arrangement can be resumed."
    if paired and action in KEPT_APART:
        return 409, "The arrangement pairs both sides of an open case; change its students or end it."
    return None


def allowed(
    caller: Any,
    arrangement: PlayPartnerArrangement,
    *,
    class_ids: set[int] | frozenset[int],
    paired: bool,
    today: date,
) -> list[str]:
    """The actions the caller may take on the arrangement now."""
    return [
        a.value
        for a in ArrangementAction
        if problem(caller, arrangement, a, class_ids=class_ids, paired=paired, today=today) is None
    ]


def ensure(
    caller: Any,
    arrangement: PlayPartnerArrangement,
    action: str,
    *,
    class_ids: set[int] | frozenset[int],
    today: date,
) -> None:
    """Raise the refusal (403 audited as denied, or 409) unless the caller may take `action` now. The separation
    rule is the writes' own to ask (its refusal says only what the caller may know of the case)."""
    found = problem(caller, arrangement, action, class_ids=class_ids, paired=False, today=today)
    if found is None:
        return
    code, reason = found
    if code == 403:
        raise _denied(arrangement, reason)
    raise Conflict(reason)


def can_see_check_in_note(
    caller: Any, arrangement: PlayPartnerArrangement, check_in: ArrangementCheckIn, *, class_ids: set[int]
) -> bool:
    """Need-to-know for the free text of a check-in."""
    return check_in.author_id == caller.id or is_close_to(caller, arrangement, class_ids=class_ids)
