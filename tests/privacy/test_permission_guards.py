"""The privacy guards, asked directly: leaders and admins see the retention policy and erase a student on
request; only admins set the policy; only a leader produces an access export. Each refusal is a denied audit
row."""

from __future__ import annotations

import pytest

from api.core import audit
from api.errors import Forbidden
from api.privacy import permissions
from tests.factories import make_school, make_user

ROLES = ("leader", "admin", "teacher", "pedagogue", "sfo_staff", "resource_person")


@pytest.mark.parametrize(
    ("guard", "allowed"),
    [
        (permissions.ensure_can_read_policy, {"leader", "admin"}),
        (permissions.ensure_can_set_policy, {"admin"}),
        (permissions.ensure_can_erase, {"leader", "admin"}),
        (permissions.ensure_can_export_access, {"leader"}),
    ],
)
def test_each_guard_lets_exactly_its_roles_through(session, guard, allowed):
    school = make_school(session)
    passed = set()
    for role in ROLES:
        try:
            guard(make_user(session, school, role))
        except Forbidden:
            continue
        passed.add(role)
    assert passed == allowed
    rows = audit.take_pending(succeeded=False)
    assert [(r.action, r.outcome) for r in rows] == [("denied", "denied")] * (len(ROLES) - len(allowed))
