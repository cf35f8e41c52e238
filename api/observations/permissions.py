"""Who may log, see and change observations.

- Every child-facing role (leader, teacher, pedagogue, SFO staff, resource person) may log an observation
  about any active student of the school: in the schoolyard an adult sees every child.
- An observation is visible to its author, to leaders and resource persons, to the staff of the class of
  any student it is about, and to SFO staff when any of its students is enrolled in the SFO (the strategy
  asks school and SFO to share what they notice; the SFO serves the whole school).
- The note of an observation marked sensitive is shown only to leaders, resource persons and its author;
  everybody else who sees the observation gets it without the note (`note_hidden: true`).
- An administrator who holds no child-facing role works with users and rosters, not with children: 403.
- An API client with observations:read (api/clients) sees every observation of its school, but never the note of
  a sensitive one.
- Only the author withdraws an observation, just after logging it ("Fortryd"); a withdrawn observation is
  kept for the audit but shown in no list or student log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from api.auth.scopes import is_client
from api.core.permissions import CHILD_FACING_ROLES, deny
from api.observations.models import Observation, ObservationStudent
from api.students.models import Student
from api.students.permissions import staff_class_ids

SCHOOL_WIDE_ROLES = ("leader", "resource_person")
SFO_ROLE = "sfo_staff"


def may_log(caller: Any) -> bool:
    """Whether the caller logs and reads observations: a child-facing role, or a client (whose scope was checked
    on the operation)."""
    return is_client(caller) or caller.has_role(*CHILD_FACING_ROLES)


def ensure_child_facing(caller: Any, *, action: str) -> None:
    """403 (audited) for a user without a child-facing role (a client's scope was checked on the operation)."""
    if not may_log(caller):
        raise deny(
            f"Your role may not {action}. Needs one of: {', '.join(CHILD_FACING_ROLES)}.",
            resource_type="observation",
        )


def visible_clause(session: Session, viewer: Any) -> ColumnElement[bool]:
    """A WHERE clause selecting the observations `viewer` may see (school filter applied separately)."""
    if is_client(viewer) or viewer.has_role(*SCHOOL_WIDE_ROLES):
        return true()
    student_conditions: list[ColumnElement[bool]] = []
    class_ids = staff_class_ids(session, viewer)
    if class_ids:
        student_conditions.append(Student.class_id.in_(sorted(class_ids)))
    if viewer.has_role(SFO_ROLE):
        student_conditions.append(Student.sfo_enrolled.is_(True))
    clause: ColumnElement[bool] = Observation.author_id == viewer.id
    if student_conditions:
        about_visible = (
            select(ObservationStudent.observation_id)
            .join(Student, Student.id == ObservationStudent.student_id)
            .where(or_(*student_conditions))
        )
        clause = or_(clause, Observation.id.in_(about_visible))
    return clause


def can_view(viewer: Any, observation: Observation, *, class_ids: set[int]) -> bool:
    """Whether `viewer` (attached to `class_ids`) may see this observation."""
    if is_client(viewer):
        return observation.school_id == viewer.school_id
    if observation.school_id != viewer.school_id or not viewer.has_role(*CHILD_FACING_ROLES):
        return False
    if viewer.has_role(*SCHOOL_WIDE_ROLES) or observation.author_id == viewer.id:
        return True
    sfo = viewer.has_role(SFO_ROLE)
    return any(
        (link.student.class_id is not None and link.student.class_id in class_ids)
        or (sfo and link.student.sfo_enrolled)
        for link in observation.students
    )


def can_see_note(viewer: Any, observation: Observation) -> bool:
    """The note of a sensitive observation is for leaders, resource persons and its author only."""
    if is_client(viewer):
        return not observation.sensitive
    return (
        not observation.sensitive or observation.author_id == viewer.id or viewer.has_role(*SCHOOL_WIDE_ROLES)
    )


def ensure_can_view(session: Session, viewer: Any, observation: Observation) -> None:
    """403 (audited) unless `viewer` may see the observation."""
    ensure_child_facing(viewer, action="see observations")
    if not can_view(viewer, observation, class_ids=staff_class_ids(session, viewer)):
        raise deny(
            "Only the student's class staff, SFO staff (for SFO children), resource persons, leaders and the "
            "author may see this observation.",
            resource_type="observation",
            resource_id=observation.id,
            student_ids=tuple(observation.student_ids),
        )


def ensure_can_withdraw(viewer: Any, observation: Observation) -> None:
    """Only the author withdraws an observation (it is their own undo, not a correction)."""
    if observation.author_id != viewer.id:
        raise deny(
            "Only the author may withdraw an observation.",
            resource_type="observation",
            resource_id=observation.id,
            student_ids=tuple(observation.student_ids),
        )


def ensure_can_edit(viewer: Any, observation: Observation) -> None:
    """Only the author, leaders and resource persons change an observation."""
    if observation.author_id != viewer.id and not viewer.has_role(*SCHOOL_WIDE_ROLES):
        raise deny(
            "Only the author, a leader or a resource person may change an observation.",
            resource_type="observation",
            resource_id=observation.id,
            student_ids=tuple(observation.student_ids),
        )
