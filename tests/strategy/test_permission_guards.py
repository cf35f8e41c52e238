"""The strategy's guards, asked directly: every staff role reads the antimobbestrategi; leaders and admins
record a version; anyone else is refused with a denied audit row."""

from __future__ import annotations

import pytest

from api.core import audit
from api.errors import Forbidden
from api.strategy import permissions
from tests.factories import make_school, make_user

STAFF = ("leader", "teacher", "pedagogue", "sfo_staff", "resource_person", "admin")


def test_every_staff_role_reads_the_strategy(session):
    school = make_school(session)
    for role in STAFF:
        permissions.ensure_can_read(make_user(session, school, role))
    assert audit.take_pending(succeeded=False) == []


def test_leaders_and_admins_record_a_version_and_other_staff_are_refused(session):
    school = make_school(session)
    for role in ("leader", "admin"):
        permissions.ensure_can_write(make_user(session, school, role))
    assert audit.take_pending(succeeded=False) == []
    for role in ("teacher", "pedagogue", "sfo_staff", "resource_person"):
        with pytest.raises(Forbidden):
            permissions.ensure_can_write(make_user(session, school, role))
    assert [(r.action, r.outcome) for r in audit.take_pending(succeeded=False)] == [("denied", "denied")] * 4
