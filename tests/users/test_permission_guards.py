"""The users guards on their own: only admins manage users, everyone sees themselves, refusals are audited."""

from __future__ import annotations

import pytest

from api.core import audit
from api.errors import Forbidden
from api.users import permissions
from tests.factories import make_school, make_user
from tests.matrix import ROLES


def test_only_an_admin_manages_users_and_a_refusal_is_audited(session):
    school = make_school(session)
    permissions.ensure_can_manage(make_user(session, school, "admin"))
    assert audit.take_pending(succeeded=False) == []
    for role in (r for r in ROLES if r != "admin"):
        with pytest.raises(Forbidden):
            permissions.ensure_can_manage(make_user(session, school, role))
        assert [(e.outcome, e.resource_type) for e in audit.take_pending(succeeded=False)] == [
            ("denied", "user")
        ], role


def test_everyone_views_themselves_admins_view_others_and_a_refusal_names_the_user(session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    leader = make_user(session, school, "leader")
    teacher = make_user(session, school, "teacher")
    permissions.ensure_can_view(teacher, teacher)
    permissions.ensure_can_view(admin, teacher)
    permissions.ensure_can_view(leader, leader)
    assert audit.take_pending(succeeded=False) == []
    with pytest.raises(Forbidden):
        permissions.ensure_can_view(leader, teacher)
    assert [(e.outcome, e.resource_type, e.resource_id) for e in audit.take_pending(succeeded=False)] == [
        ("denied", "user", str(teacher.id))
    ]
