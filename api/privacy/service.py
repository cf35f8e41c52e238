"""Privacy (HTTP-free): the retention policy, erasure on request, and the access export (GDPR art. 15)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.core import audit
from api.privacy import erasure, permissions, policy
from api.students.service import get_student


def retention_policy(session: Session, *, caller: Any) -> dict[str, Any]:
    """The school's retention periods per data category, with defaults and legal minimums."""
    permissions.ensure_can_read_policy(caller)
    return policy.describe(session, school_id=caller.school_id)


def set_retention_policy(session: Session, *, caller: Any, periods: dict[str, int | None]) -> dict[str, Any]:
    """Set the school's own periods (admins); below a legal minimum is 422 below_legal_minimum."""
    permissions.ensure_can_set_policy(caller)
    policy.set_periods(session, school_id=caller.school_id, user_id=caller.id, periods=periods)
    audit.record("retention_policy_changed", resource_type="retention_policy", detail=periods)
    return policy.describe(session, school_id=caller.school_id)


def erase_student(session: Session, *, caller: Any, student_id: int) -> dict[str, int]:
    """Erase one student on request (leaders, admins); 409 data_still_needed while a case or complaint needs it."""
    permissions.ensure_can_erase(caller)
    student = get_student(session, caller=caller, student_id=student_id, audited=False)
    return erasure.erase(session, caller=caller, student=student)


def access_export(session: Session, *, caller: Any, student_id: int, fmt: str) -> tuple[Any, str, str]:
    """Everything about one student and who accessed it (GDPR art. 15; leaders): a JSON text stream or PDF
    bytes, with the file name and media type. Audited before the first byte."""
    from api.privacy import access
    from api.schools.service import current_school

    permissions.ensure_can_export_access(caller)
    student = get_student(session, caller=caller, student_id=student_id, audited=False)
    audit.record(
        "access_export",
        resource_type="student",
        resource_id=student.id,
        student_ids=[student.id],
        detail={"format": fmt},
    )
    school = current_school(session, caller=caller).name
    name = f"indsigt-elev-{student.id}.{fmt}"
    if fmt == "pdf":
        return (
            access.pdf(session, caller=caller, student=student, school_name=school),
            name,
            "application/pdf",
        )
    return (
        access.json_stream(session, caller=caller, student=student, school_name=school),
        name,
        "application/json",
    )
