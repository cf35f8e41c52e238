"""The shared permission helpers: a role check lets the right roles through, and every denial is audited with
its resource, students, outcome and reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.core import audit
from api.core.audit import AuditEntry
from api.core.permissions import deny, ensure_roles
from api.errors import Forbidden
from tests.factories import auth, make_school, make_user


def test_ensure_roles_lets_any_of_the_roles_through(session):
    school = make_school(session)
    both = make_user(session, school, "teacher", "leader")
    ensure_roles(both, "leader", "admin", action="read the audit log")
    ensure_roles(both, "admin", "teacher")
    assert audit.take_pending(succeeded=False) == []


def test_ensure_roles_refuses_with_a_denied_audit_row(session):
    teacher = make_user(session, make_school(session), "teacher")
    with pytest.raises(Forbidden):
        ensure_roles(teacher, "leader", "admin", action="read the audit log")
    (entry,) = audit.take_pending(succeeded=False)
    assert (entry.action, entry.outcome, entry.resource_type, entry.resource_id, entry.student_id) == (
        "denied",
        "denied",
        "request",
        None,
        None,
    )
    assert entry.detail["reason"]


def test_deny_audits_one_row_per_student_with_the_resource(session):
    error = deny("Not for you.", resource_type="guardian", resource_id=7, student_ids=(12, 11, 12))
    assert isinstance(error, Forbidden)
    entries = audit.take_pending(succeeded=False)
    assert sorted((e.action, e.outcome, e.resource_type, e.resource_id, e.student_id) for e in entries) == [
        ("denied", "denied", "guardian", "7", 11),
        ("denied", "denied", "guardian", "7", 12),
    ]
    assert all(e.detail == {"reason": "Not for you."} for e in entries)


def test_a_refused_audit_log_read_is_stored_as_denied_for_the_reader(app, client, session):
    school = make_school(session)
    teacher = make_user(session, school, "teacher")
    leader = make_user(session, school, "leader")
    assert client.get("/api/v1/audit-log", headers=auth(app, teacher)).status_code == 403
    assert client.get("/api/v1/audit-log", headers=auth(app, leader)).status_code == 200
    rows = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).all()
    assert [(r.user_id, r.action, r.resource_type, r.school_id) for r in rows] == [
        (teacher.id, "denied", "request", school.id)
    ]
    assert rows[0].detail["reason"]
