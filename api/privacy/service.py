"""Privacy (HTTP-free): the retention policy, erasure on request, and the access export (GDPR art. 15)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.core import audit
from api.privacy import erasure, permissions, policy
from api.students.service import get_student


def retention_policy(session: Session, *, actor: Any) -> dict[str, Any]:
    """The school's retention periods per data category, with defaults and legal minimums."""
    permissions.ensure_can_read_policy(actor)
    return policy.describe(session, school_id=actor.school_id)


def set_retention_policy(session: Session, *, actor: Any, periods: dict[str, int | None]) -> dict[str, Any]:
    """Set the school's own periods (admins); below a legal minimum is 422 below_legal_minimum."""
    permissions.ensure_can_set_policy(actor)
    policy.set_periods(session, school_id=actor.school_id, user_id=actor.id, periods=periods)
    audit.record("retention_policy_changed", resource_type="retention_policy", detail=periods)
    return policy.describe(session, school_id=actor.school_id)


def erase_student(session: Session, *, actor: Any, student_id: int) -> dict[str, int]:
    """Erase one student on request (leaders, admins); 409 data_still_needed while a case or complaint needs it."""
    permissions.ensure_can_erase(actor)
    student = get_student(session, actor=actor, student_id=student_id, audit_read=False)
    return erasure.erase(session, actor=actor, student=student)
