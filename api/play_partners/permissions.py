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
"""

from __future__ import annotations

from typing import Any

from api.auth.scopes import is_client
from api.core.permissions import CHILD_FACING_ROLES, deny
from api.play_partners.models import ArrangementCheckIn, PlayPartnerArrangement

SCHOOL_WIDE_ROLES = ("leader", "resource_person")


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


def ensure_can_change(caller: Any, arrangement: PlayPartnerArrangement, *, class_ids: set[int]) -> None:
    """403 (audited) unless the caller may change this arrangement."""
    if not is_close_to(caller, arrangement, class_ids=class_ids):
        raise deny(
            "Only the responsible adult, the creator, the students' class staff, leaders and resource "
            "persons may change this arrangement.",
            resource_type="play_partner_arrangement",
            resource_id=arrangement.id,
            student_ids=tuple(arrangement.student_ids),
        )


def can_see_check_in_note(
    caller: Any, arrangement: PlayPartnerArrangement, check_in: ArrangementCheckIn, *, class_ids: set[int]
) -> bool:
    """Need-to-know for the free text of a check-in."""
    return check_in.author_id == caller.id or is_close_to(caller, arrangement, class_ids=class_ids)
