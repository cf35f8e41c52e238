"""The play-partner guards on their own: who is close to an arrangement, who may change it (audited when
refused, with its students), who reads a check-in's note, and who may take part at all."""

from __future__ import annotations

import pytest

from api.auth.scopes import ClientPrincipal
from api.core import audit
from api.core.timeutil import local_date
from api.errors import Forbidden
from api.play_partners import permissions
from api.play_partners.models import ArrangementCheckIn
from api.students.permissions import staff_class_ids
from tests.factories import attach_staff, auth, make_api_client, make_class, make_student, make_user
from tests.matrix import tenant
from tests.play_partners.factories import make_arrangement


@pytest.fixture
def world(session):
    a = tenant(session, "A")
    cls = make_class(session, a.school, name="1.A", grade=1)
    other_cls = make_class(session, a.school, name="5.B", grade=5)
    class_teacher = make_user(session, a.school, "teacher")
    attach_staff(session, cls, class_teacher)
    outsider = make_user(session, a.school, "teacher")
    attach_staff(session, other_cls, outsider)
    responsible = make_user(session, a.school, "pedagogue")
    creator = make_user(session, a.school, "sfo_staff")
    kids = [
        make_student(session, a.school, cls),
        make_student(session, a.school, make_class(session, a.school)),
    ]
    classless = [make_student(session, a.school), make_student(session, a.school)]
    return {
        "a": a,
        "class_teacher": class_teacher,
        "outsider": outsider,
        "responsible": responsible,
        "creator": creator,
        "arrangement": make_arrangement(session, creator, kids, responsible=responsible),
        "classless_arrangement": make_arrangement(session, creator, classless, responsible=responsible),
    }


def close(session, user, arrangement) -> bool:
    return permissions.is_close_to(user, arrangement, class_ids=staff_class_ids(session, user))


def test_who_is_close_to_an_arrangement(session, world):
    arrangement = world["arrangement"]
    users = world["a"].users
    for name in ("class_teacher", "responsible", "creator"):
        assert close(session, world[name], arrangement) is True, name
    for role in ("leader", "resource_person"):
        assert close(session, users[role], arrangement) is True, role
    for role in ("teacher", "pedagogue", "sfo_staff", "admin"):
        assert close(session, users[role], arrangement) is False, role
    assert close(session, world["outsider"], arrangement) is False
    # students of no class make no class staff close to it
    assert close(session, world["outsider"], world["classless_arrangement"]) is False
    assert close(session, world["class_teacher"], world["classless_arrangement"]) is False


def test_a_refused_change_is_audited_with_the_arrangements_students(session, world):
    arrangement = world["arrangement"]
    edit = permissions.ArrangementAction.EDIT
    today = local_date()
    permissions.ensure(
        world["class_teacher"],
        arrangement,
        edit,
        class_ids=staff_class_ids(session, world["class_teacher"]),
        today=today,
    )
    assert audit.take_pending(succeeded=False) == []
    with pytest.raises(Forbidden):
        permissions.ensure(
            world["outsider"],
            arrangement,
            edit,
            class_ids=staff_class_ids(session, world["outsider"]),
            today=today,
        )
    entries = audit.take_pending(succeeded=False)
    assert sorted((e.outcome, e.resource_type, e.resource_id, e.student_id) for e in entries) == sorted(
        ("denied", "play_partner_arrangement", str(arrangement.id), sid) for sid in arrangement.student_ids
    )


def test_a_check_in_note_is_for_its_author_and_those_close_to_the_arrangement(session, world):
    arrangement = world["arrangement"]
    duty = make_user(session, world["a"].school, "teacher")  # on schoolyard duty, not close to it
    check_in = ArrangementCheckIn(
        arrangement_id=arrangement.id,
        day=arrangement.start_date,
        outcome="happened",
        note="n",
        author_id=duty.id,
    )
    session.add(check_in)
    session.commit()

    def sees(user) -> bool:
        return permissions.can_see_check_in_note(
            user, arrangement, check_in, class_ids=staff_class_ids(session, user)
        )

    assert sees(duty) is True
    assert sees(world["class_teacher"]) is True
    assert sees(world["a"].users["leader"]) is True
    assert sees(world["outsider"]) is False
    assert sees(world["a"].users["sfo_staff"]) is False


def test_only_child_facing_roles_take_part_and_a_refusal_is_audited(session, world):
    for role in ("leader", "teacher", "pedagogue", "sfo_staff", "resource_person"):
        permissions.ensure_child_facing(world["a"].users[role], action="record check-ins")
    assert audit.take_pending(succeeded=False) == []
    with pytest.raises(Forbidden):
        permissions.ensure_child_facing(world["a"].users["admin"], action="record check-ins")
    assert [(e.outcome, e.resource_type) for e in audit.take_pending(succeeded=False)] == [
        ("denied", "play_partner_arrangement")
    ]


def test_a_client_with_prevention_read_passes_the_child_facing_guard(session, world):
    # A client holds no role; its scope was checked on the operation, so the role guard lets it through.
    principal = ClientPrincipal(
        client_pk=1,
        client_id="trvc_x",
        name="Skoleportal",
        school_id=world["a"].school.id,
        scopes=frozenset({"prevention:read"}),
    )
    permissions.ensure_child_facing(principal, action="see play-partner arrangements")
    assert audit.take_pending(succeeded=False) == []


def test_a_client_reads_the_list_and_the_arrangement_and_its_check_ins(app, client, session, world):
    caller = make_api_client(session, world["a"].school, "prevention:read")
    h = auth(app, caller)
    arrangement = world["arrangement"]
    url = "/api/v1/play-partner-arrangements"
    listed = client.get(url, headers=h)
    assert listed.status_code == 200, listed.json
    assert arrangement.id in {a["id"] for a in listed.json["items"]}
    assert client.get(f"{url}/{arrangement.id}", headers=h).json["id"] == arrangement.id
    assert client.get(f"{url}/{arrangement.id}/check-ins", headers=h).status_code == 200
