"""The wellbeing-day guards on their own: who sees and who plans, and refusals audited with the day."""

from __future__ import annotations

import pytest

from api.core import audit
from api.errors import Forbidden
from api.wellbeing_days import permissions
from tests.matrix import tenant


def test_every_child_facing_role_sees_wellbeing_days_and_an_admin_does_not(session):
    users = tenant(session).users
    for role in ("leader", "resource_person", "teacher", "pedagogue", "sfo_staff"):
        permissions.ensure_can_view(users[role])
    assert audit.take_pending(succeeded=False) == []
    with pytest.raises(Forbidden):
        permissions.ensure_can_view(users["admin"])
    assert [(e.outcome, e.resource_type) for e in audit.take_pending(succeeded=False)] == [
        ("denied", "wellbeing_day")
    ]


def test_leaders_resource_persons_teachers_and_pedagogues_plan_and_sfo_staff_do_not(session):
    users = tenant(session).users
    for role in ("leader", "resource_person", "teacher", "pedagogue"):
        permissions.ensure_can_plan(users[role], day_id=3)
    assert audit.take_pending(succeeded=False) == []
    for role in ("sfo_staff", "admin"):
        with pytest.raises(Forbidden):
            permissions.ensure_can_plan(users[role], day_id=3)
        assert [(e.outcome, e.resource_type, e.resource_id) for e in audit.take_pending(succeeded=False)] == [
            ("denied", "wellbeing_day", "3")
        ], role
