"""Each observation guard on its own (another school's observation, the SFO detail rule, the sensitive note),
the list and the detail agreeing, and the audit rows of an allowed and a denied read."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.auth.scopes import ClientPrincipal
from api.core import audit
from api.core.audit import AuditEntry
from api.errors import Forbidden
from api.observations import permissions
from api.observations.models import Observation
from api.students.permissions import staff_class_ids
from tests.factories import attach_staff, auth, make_class, make_student
from tests.matrix import tenant
from tests.observations.factories import make_observation

URL = "/api/v1/observations"


@pytest.fixture
def world(session):
    a, b = tenant(session, "A"), tenant(session, "B")
    cls = make_class(session, a.school, name="2.A", grade=2)
    other_cls = make_class(session, a.school, name="6.B", grade=6)
    attach_staff(session, cls, a.users["teacher"])
    return {
        "a": a,
        "b": b,
        "class": cls,
        # in the teacher's class, enrolled in the SFO
        "sfo_child": make_student(session, a.school, cls, given_name="Sif", sfo_enrolled=True),
        # another class, not in the SFO
        "plain_child": make_student(session, a.school, other_cls, given_name="Per", sfo_enrolled=False),
        # another class, in the SFO
        "sfo_elsewhere": make_student(session, a.school, other_cls, given_name="Ea", sfo_enrolled=True),
        # no class at all
        "classless": make_student(session, a.school, given_name="Ib", sfo_enrolled=False),
    }


def can_view(session, user, observation) -> bool:
    return permissions.can_view(user, observation, class_ids=staff_class_ids(session, user))


def listed_ids(session, user) -> set[int]:
    return set(session.scalars(select(Observation.id).where(permissions.visible_clause(session, user))))


# --- another school's observation -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "resource_person", "teacher", "sfo_staff", "pedagogue"])
def test_no_one_may_view_another_schools_observation(session, world, role):
    b = world["b"]
    other_child = make_student(session, b.school, make_class(session, b.school), sfo_enrolled=True)
    obs = make_observation(session, b.users["teacher"], [other_child])
    viewer = world["a"].users[role]
    # Even as its author (a user moved between schools keeps no view of the old school's notes)
    obs.author_id = viewer.id
    session.commit()
    assert can_view(session, viewer, obs) is False


# --- the detail rule, role by role --------------------------------------------------------------------------------


def test_sfo_staff_open_an_observation_about_an_sfo_child_and_not_about_others(app, client, session, world):
    a = world["a"]
    sfo = a.users["sfo_staff"]
    about_sfo_child = make_observation(session, a.users["teacher"], [world["sfo_elsewhere"]])
    about_plain_child = make_observation(session, a.users["teacher"], [world["plain_child"]])
    mixed = make_observation(session, a.users["teacher"], [world["plain_child"], world["sfo_elsewhere"]])
    assert can_view(session, sfo, about_sfo_child) is True
    assert can_view(session, sfo, about_plain_child) is False
    assert can_view(session, sfo, mixed) is True
    headers = auth(app, sfo)
    assert client.get(f"{URL}/{about_sfo_child.id}", headers=headers).status_code == 200
    assert client.get(f"{URL}/{about_plain_child.id}", headers=headers).status_code == 403
    assert client.get(f"{URL}/{mixed.id}", headers=headers).status_code == 200
    # the list agrees with the detail
    listed = {o["id"] for o in client.get(URL, headers=headers).json["items"]}
    assert listed == {about_sfo_child.id, mixed.id}
    assert listed_ids(session, sfo) == listed


def test_class_staff_see_their_class_and_no_other(session, world):
    a = world["a"]
    teacher = a.users["teacher"]  # attached to 2.A only
    in_class = make_observation(session, a.users["leader"], [world["sfo_child"]])
    elsewhere = make_observation(session, a.users["leader"], [world["plain_child"]])
    classless = make_observation(session, a.users["leader"], [world["classless"]])
    assert can_view(session, teacher, in_class) is True
    assert can_view(session, teacher, elsewhere) is False
    assert can_view(session, teacher, classless) is False
    assert listed_ids(session, teacher) == {in_class.id}
    # A pedagogue of no class and without the SFO role sees only her own
    pedagogue = a.users["pedagogue"]
    own = make_observation(session, pedagogue, [world["classless"]])
    assert can_view(session, pedagogue, in_class) is False
    assert can_view(session, pedagogue, own) is True
    assert listed_ids(session, pedagogue) == {own.id}


def test_school_wide_roles_see_every_observation_and_an_admin_none(session, world):
    a = world["a"]
    obs = make_observation(session, a.users["teacher"], [world["classless"]])
    for role in ("leader", "resource_person"):
        assert can_view(session, a.users[role], obs) is True, role
        assert obs.id in listed_ids(session, a.users[role]), role
    assert can_view(session, a.users["admin"], obs) is False


def test_an_authors_own_observation_stays_visible_to_her(session, world):
    a = world["a"]
    sfo = a.users["sfo_staff"]
    own = make_observation(session, sfo, [world["plain_child"]])  # not an SFO child
    assert can_view(session, sfo, own) is True
    assert own.id in listed_ids(session, sfo)


# --- the sensitive note --------------------------------------------------------------------------------------------


def test_a_sensitive_note_is_for_leaders_resource_persons_and_its_author(session, world):
    a = world["a"]
    sensitive = make_observation(session, a.users["teacher"], [world["sfo_child"]], note="n", sensitive=True)
    ordinary = make_observation(session, a.users["teacher"], [world["sfo_child"]], note="n")
    for role, sees in {
        "leader": True,
        "resource_person": True,
        "teacher": True,  # the author
        "sfo_staff": False,
        "pedagogue": False,
    }.items():
        assert permissions.can_see_note(a.users[role], sensitive) is sees, role
        assert permissions.can_see_note(a.users[role], ordinary) is True, role


# --- denials and reads are audited ----------------------------------------------------------------------------------


def test_ensure_can_view_denies_with_an_audit_row_per_student(session, world):
    a = world["a"]
    obs = make_observation(session, a.users["leader"], [world["plain_child"], world["classless"]])
    permissions.ensure_can_view(session, a.users["resource_person"], obs)
    assert audit.take_pending(succeeded=False) == []
    with pytest.raises(Forbidden):
        permissions.ensure_can_view(session, a.users["teacher"], obs)
    entries = audit.take_pending(succeeded=False)
    assert sorted(
        (e.action, e.outcome, e.resource_type, e.resource_id, e.student_id) for e in entries
    ) == sorted(
        ("denied", "denied", "observation", str(obs.id), s.id)
        for s in (world["plain_child"], world["classless"])
    )
    with pytest.raises(Forbidden):
        permissions.ensure_can_view(session, a.users["admin"], obs)
    assert [(e.action, e.outcome, e.resource_type) for e in audit.take_pending(succeeded=False)] == [
        ("denied", "denied", "observation")
    ]


def test_an_allowed_and_a_denied_read_leave_their_rows(app, client, session, world):
    a = world["a"]
    obs = make_observation(session, a.users["leader"], [world["plain_child"]], note="n", sensitive=True)
    assert client.get(f"{URL}/{obs.id}", headers=auth(app, a.users["resource_person"])).status_code == 200
    assert client.get(f"{URL}/{obs.id}", headers=auth(app, a.users["teacher"])).status_code == 403
    rows = session.scalars(select(AuditEntry).where(AuditEntry.resource_type == "observation")).all()
    got = sorted((r.user_id, r.action, r.outcome, r.student_id, r.resource_id) for r in rows)
    assert got == sorted(
        [
            (
                a.users["resource_person"].id,
                "observation_read",
                "allowed",
                world["plain_child"].id,
                str(obs.id),
            ),
            (a.users["teacher"].id, "denied", "denied", world["plain_child"].id, str(obs.id)),
        ]
    )


def test_only_the_author_leaders_and_resource_persons_change_it(session, world):
    a = world["a"]
    obs = make_observation(session, a.users["teacher"], [world["sfo_child"]])
    for role in ("teacher", "leader", "resource_person"):
        permissions.ensure_can_edit(a.users[role], obs)
    assert audit.take_pending(succeeded=False) == []
    for role in ("sfo_staff", "pedagogue", "admin"):
        with pytest.raises(Forbidden):
            permissions.ensure_can_edit(a.users[role], obs)
        entries = audit.take_pending(succeeded=False)
        assert [(e.outcome, e.resource_type, e.resource_id, e.student_id) for e in entries] == [
            ("denied", "observation", str(obs.id), world["sfo_child"].id)
        ], role


def test_a_user_without_a_child_facing_role_is_refused_and_audited(session, world):
    for role in ("leader", "teacher", "pedagogue", "sfo_staff", "resource_person"):
        permissions.ensure_child_facing(world["a"].users[role], action="log observations")
    assert audit.take_pending(succeeded=False) == []
    with pytest.raises(Forbidden):
        permissions.ensure_child_facing(world["a"].users["admin"], action="log observations")
    assert [(e.outcome, e.resource_type) for e in audit.take_pending(succeeded=False)] == [
        ("denied", "observation")
    ]


# --- an API client ------------------------------------------------------------------------------------------------


def client_of(school, *scopes: str) -> ClientPrincipal:
    return ClientPrincipal(1, "trvc_test", "Elevplan", school.id, frozenset(scopes or {"observations:read"}))


def test_a_client_reads_every_observation_of_its_school_and_no_other(session, world):
    a, b = world["a"], world["b"]
    ours = [
        make_observation(session, a.users["sfo_staff"], [world["plain_child"]]),
        make_observation(session, a.users["teacher"], [world["classless"]], note="n", sensitive=True),
    ]
    theirs = make_observation(session, b.users["teacher"], [make_student(session, b.school)])
    reader = client_of(a.school)
    permissions.ensure_child_facing(reader, action="see observations")  # its scope was checked already
    assert audit.take_pending(succeeded=False) == []
    # the list's condition selects every observation (the school is filtered apart), the detail keeps to the school
    assert listed_ids(session, reader) == {o.id for o in ours} | {theirs.id}
    for obs in ours:
        assert permissions.can_view(reader, obs, class_ids=set()) is True
    assert permissions.can_view(reader, theirs, class_ids=set()) is False
    assert permissions.can_view(client_of(b.school), theirs, class_ids=set()) is True


def test_a_client_never_gets_the_note_of_a_sensitive_observation(session, world):
    a = world["a"]
    sensitive = make_observation(session, a.users["teacher"], [world["sfo_child"]], note="n", sensitive=True)
    ordinary = make_observation(session, a.users["teacher"], [world["sfo_child"]], note="n")
    reader = client_of(a.school)
    assert permissions.can_see_note(reader, sensitive) is False
    assert permissions.can_see_note(reader, ordinary) is True


# --- withdrawing ------------------------------------------------------------------------------------------------------


def test_only_the_author_withdraws_and_a_refusal_is_audited_with_the_students(session, world):
    a = world["a"]
    obs = make_observation(session, a.users["sfo_staff"], [world["plain_child"], world["sfo_child"]])
    permissions.ensure_can_withdraw(a.users["sfo_staff"], obs)
    assert audit.take_pending(succeeded=False) == []
    for role in ("leader", "resource_person", "teacher"):
        with pytest.raises(Forbidden):
            permissions.ensure_can_withdraw(a.users[role], obs)
        entries = audit.take_pending(succeeded=False)
        assert sorted((e.outcome, e.resource_type, e.resource_id, e.student_id) for e in entries) == sorted(
            ("denied", "observation", str(obs.id), s.id) for s in (world["plain_child"], world["sfo_child"])
        ), role
