"""Who manages webhook endpoints, asked of the guard itself: a school's admins, and an API client holding
`webhooks:manage`; a leader, a teacher, or a client with other scopes is refused, audited as about webhook
endpoints."""

from __future__ import annotations

import pytest

from api.auth.scopes import ClientPrincipal
from api.core import audit
from api.errors import Forbidden
from api.webhooks import permissions
from tests.factories import make_school, make_user


def _client(school_id: int, *scopes: str) -> ClientPrincipal:
    return ClientPrincipal(
        client_pk=1, client_id="trvc_x", name="Skoleportal", school_id=school_id, scopes=frozenset(scopes)
    )


def test_an_admin_and_a_client_with_the_scope_manage_webhooks(session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    assert permissions.may_manage(admin) is True
    assert permissions.may_manage(_client(school.id, "roster:read", "webhooks:manage")) is True
    permissions.ensure_can_manage(admin)
    permissions.ensure_can_manage(_client(school.id, "webhooks:manage"))
    assert audit.take_pending(succeeded=False) == []


def test_staff_who_are_not_admins_and_clients_without_the_scope_do_not(session):
    school = make_school(session)
    assert permissions.may_manage(make_user(session, school, "leader")) is False
    assert permissions.may_manage(make_user(session, school, "teacher", "resource_person")) is False
    assert permissions.may_manage(_client(school.id, "roster:read", "incidents:read")) is False
    assert permissions.may_manage(_client(school.id)) is False


def test_a_caller_with_neither_roles_nor_scopes_does_not_manage_webhooks(session):
    # Something that is neither a user nor a client (no has_role, no scopes) is never let through.
    assert permissions.may_manage(object()) is False


@pytest.mark.parametrize("who", ["leader", "client"])
def test_a_refusal_is_audited_as_about_webhook_endpoints(session, who):
    school = make_school(session)
    caller = make_user(session, school, "leader") if who == "leader" else _client(school.id, "analytics:read")
    with pytest.raises(Forbidden):
        permissions.ensure_can_manage(caller)
    (row,) = audit.take_pending(succeeded=False)
    assert (row.action, row.outcome, row.resource_type, row.resource_id) == (
        "denied",
        "denied",
        "webhook_endpoint",
        None,
    )
