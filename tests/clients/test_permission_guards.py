"""Who manages API clients, asked of the guard itself: a school's admins; anyone else (a leader, a client
holding every scope) is refused with a denied audit row about API clients."""

from __future__ import annotations

import pytest

from api.auth.scopes import ClientPrincipal
from api.clients import permissions
from api.core import audit
from api.errors import Forbidden
from tests.factories import ALL_READ_SCOPES, make_school, make_user


def test_an_admin_manages_clients(session):
    admin = make_user(session, make_school(session), "admin")
    permissions.ensure_can_manage(admin)
    assert audit.take_pending(succeeded=False) == []


@pytest.mark.parametrize("roles", [("leader",), ("teacher",), ("resource_person", "leader")])
def test_staff_who_are_not_admins_are_refused_and_the_refusal_names_api_clients(session, roles):
    user = make_user(session, make_school(session), *roles)
    with pytest.raises(Forbidden):
        permissions.ensure_can_manage(user)
    (row,) = audit.take_pending(succeeded=False)
    assert (row.action, row.outcome, row.resource_type, row.resource_id) == (
        "denied",
        "denied",
        "api_client",
        None,
    )


def test_a_client_never_manages_clients_whatever_its_scopes(session):
    school = make_school(session)
    principal = ClientPrincipal(
        client_pk=1,
        client_id="trvc_x",
        name="Dashboard",
        school_id=school.id,
        scopes=frozenset(ALL_READ_SCOPES),
    )
    with pytest.raises(Forbidden):
        permissions.ensure_can_manage(principal)
    (row,) = audit.take_pending(succeeded=False)
    assert (row.outcome, row.resource_type) == ("denied", "api_client")
