"""The audit log's own guards, called directly: who reads a school's log, and who the deployment names as its
operators (PLATFORM_ADMIN_EMAILS), however the list is written."""

from __future__ import annotations

import pytest

from api.audit import permissions
from api.core import audit
from api.errors import Forbidden
from tests.factories import make_school, make_user


def test_leaders_and_admins_read_the_log_and_others_are_refused_with_a_denied_row(session):
    school = make_school(session)
    for role in ("leader", "admin"):
        permissions.ensure_can_read(make_user(session, school, role))
    assert audit.take_pending(succeeded=False) == []
    for role in ("teacher", "pedagogue", "sfo_staff", "resource_person"):
        with pytest.raises(Forbidden):
            permissions.ensure_can_read(make_user(session, school, role))
    rows = audit.take_pending(succeeded=False)
    assert [(r.action, r.outcome) for r in rows] == [("denied", "denied")] * 4


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        (None, set()),
        ("", set()),
        ("Ops@Example.DK", {"ops@example.dk"}),
        # Spaces around names and empty or blank items (a trailing comma, ", ,") name nobody.
        (" ops@example.dk ,, ,Drift@Kommune.dk,", {"ops@example.dk", "drift@kommune.dk"}),
        (["Ops@Example.dk", "", "  ", " drift@kommune.dk "], {"ops@example.dk", "drift@kommune.dk"}),
    ],
)
def test_the_operators_are_the_configured_addresses_trimmed_and_casefolded(
    app, session, configured, expected
):
    app.config["PLATFORM_ADMIN_EMAILS"] = configured
    assert permissions.platform_admin_emails() == expected


def test_an_operator_is_recognised_whatever_the_case_of_the_address(app, session):
    school = make_school(session)
    operator = make_user(session, school, "admin", email="Drift@Kommune.dk")
    app.config["PLATFORM_ADMIN_EMAILS"] = "ops@example.dk, DRIFT@kommune.DK"
    permissions.ensure_platform_admin(operator)
    assert audit.take_pending(succeeded=False) == []


def test_anyone_not_named_is_refused_and_the_refusal_is_audited(app, session):
    school = make_school(session)
    admin = make_user(session, school, "admin", email="admin@skole.dk")
    app.config["PLATFORM_ADMIN_EMAILS"] = "ops@example.dk"
    with pytest.raises(Forbidden):
        permissions.ensure_platform_admin(admin)
    (row,) = audit.take_pending(succeeded=False)
    assert (row.action, row.outcome, row.resource_type) == ("denied", "denied", "request")
