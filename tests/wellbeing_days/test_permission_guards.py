"""The wellbeing-day guards on their own: who sees and who plans, and refusals audited with the day."""

from __future__ import annotations

import pytest

from api.auth.scopes import ClientPrincipal
from api.core import audit
from api.errors import Forbidden
from api.wellbeing_days import permissions
from tests.factories import auth, make_api_client
from tests.matrix import tenant
from tests.wellbeing_days.factories import make_day


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


def test_a_client_with_prevention_read_passes_the_viewing_guard_but_never_plans(session):
    # A client holds no role; its scope was checked on the operation, so the viewing guard lets it through.
    school = tenant(session).school
    principal = ClientPrincipal(
        client_pk=1,
        client_id="trvc_x",
        name="Skoleportal",
        school_id=school.id,
        scopes=frozenset({"prevention:read"}),
    )
    permissions.ensure_can_view(principal)
    assert audit.take_pending(succeeded=False) == []
    with pytest.raises(Forbidden):
        permissions.ensure_can_plan(principal, day_id=3)


def test_a_client_reads_the_list_the_day_and_its_groups(app, client, session):
    a = tenant(session)
    day = make_day(session, a.users["leader"])
    h = auth(app, make_api_client(session, a.school, "prevention:read"))
    listed = client.get("/api/v1/wellbeing-days", headers=h)
    assert listed.status_code == 200, listed.json
    assert day.id in {d["id"] for d in listed.json["items"]}
    assert client.get(f"/api/v1/wellbeing-days/{day.id}", headers=h).json["id"] == day.id
    assert client.get(f"/api/v1/wellbeing-days/{day.id}/groups", headers=h).status_code == 200
