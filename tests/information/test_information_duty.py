"""The information duty per person: each involved pupil and each custodial parent, who informed them, when
and how; the case shows who is still not informed; the attention list's count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.core.audit import AuditEntry
from api.core.timeutil import utcnow
from api.incidents.models import Incident
from api.information.service import cases_with_uninformed_custodians, uninformed_by_case
from tests.incidents.factories import headers, make_incident, make_world
from tests.students.factories import make_guardian


@pytest.fixture
def world(app, session):
    return make_world(session)


@pytest.fixture
def case(session, world):
    """Bullying established: Anna (target) and Bo (actor); Anna's mother and father hold custody, Bo's
    stepfather does not."""
    incident = make_incident(
        session,
        world,
        classification="bullying",
        status="action_plan",
        established_at=utcnow(),
        established_by=world.users["leader"],
    )
    world.mother = make_guardian(session, world.anna, name="Mette Holm", relation="mother")
    world.father = make_guardian(session, world.anna, name="Jens Holm", relation="father")
    world.step = make_guardian(session, world.bo, name="Kim Lund", relation="other", has_custody=False)
    return incident


def _url(incident):
    return f"/api/v1/incidents/{incident.id}/information"


def test_the_case_lists_pupils_and_custodial_parents_and_who_is_not_informed(app, client, world, case):
    resp = client.get(_url(case), headers=headers(app, world, world.users["teacher"]))
    assert resp.status_code == 200, resp.json
    duty = resp.json
    assert duty["required"] is True
    people = [(p["person_kind"], p["student_name"], p["guardian_name"]) for p in duty["people"]]
    assert people == [
        ("student", "Anna Holm", None),
        ("student", "Bo Lund", None),
        ("guardian", "Anna Holm", "Jens Holm"),
        ("guardian", "Anna Holm", "Mette Holm"),
    ]  # the stepfather without custody is not covered
    assert duty["uninformed_count"] == 4


def test_recording_who_informed_whom_when_and_how(app, client, session, world, case):
    h = headers(app, world, world.users["leader"])
    when = (utcnow() - timedelta(hours=2)).isoformat()
    resp = client.post(
        _url(case),
        json={
            "student_id": world.anna.id,
            "guardian_id": world.mother.id,
            "method": "phone",
            "informed_at": when,
            "note": "Mor var ked af det",
        },
        headers=h,
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["informed_by"]["id"] == world.users["leader"].id
    assert resp.json["method"] == "phone"
    client.post(_url(case), json={"student_id": world.anna.id, "method": "meeting"}, headers=h)
    duty = client.get(_url(case), headers=h).json
    informed = {
        (p["person_kind"], p["guardian_name"] or p["student_name"]) for p in duty["people"] if p["informed"]
    }
    assert informed == {("guardian", "Mette Holm"), ("student", "Anna Holm")}
    assert duty["uninformed_count"] == 2
    # The audit says who recorded it and about whom, never the note.
    rows = session.query(AuditEntry).filter_by(action="information_recorded").all()
    assert {r.student_id for r in rows} == {world.anna.id}
    assert all("Mor" not in str(r.detail) for r in rows)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"method": "pigeon"}, "method"),
        ({"method": "letter", "student_id": "carl"}, "student_id"),
        ({"method": "letter", "guardian_id": "step"}, "guardian_id"),
        ({"method": "letter", "informed_at": (utcnow() + timedelta(days=1)).isoformat()}, "informed_at"),
        ({"method": "letter", "note": "x" * 501}, "note"),
    ],
)
def test_bad_records_are_refused(app, client, world, case, body, field):
    body = {"student_id": world.anna.id, **body}
    if body["student_id"] == "carl":
        body["student_id"] = world.carl.id
    if body.get("guardian_id") == "step":
        body["student_id"], body["guardian_id"] = world.bo.id, world.step.id
    resp = client.post(_url(case), json=body, headers=headers(app, world, world.users["leader"]))
    assert resp.status_code == 422, resp.json
    assert field in resp.json["errors"]


def test_who_may_see_and_record(app, client, session, world, case):
    body = {"student_id": world.anna.id, "method": "letter"}
    for role, status in {
        "leader": 201,
        "resource_person": 201,
        "teacher": 201,  # the class's teacher works the case
        "teacher_b": 404,  # another class's teacher does not see it
        "pedagogue": 201,
        "sfo_staff": 404,  # SFO staff do not work bullying cases
        "admin": 404,
    }.items():
        h = headers(app, world, world.users[role])
        assert client.post(_url(case), json=body, headers=h).status_code == status, role
        assert client.get(_url(case), headers=h).status_code == (200 if status == 201 else status), role
    for user in world.other_users.values():
        assert client.get(_url(case), headers=headers(app, world, user)).status_code == 404


def test_the_reporter_without_case_work_sees_no_guardians(app, client, session, world):
    incident = make_incident(session, world, reporter=world.users["teacher_b"], classification="bullying")
    resp = client.get(_url(incident), headers=headers(app, world, world.users["teacher_b"]))
    assert resp.status_code == 403
    assert resp.json["type"] == "forbidden"


def test_attention_count_covers_open_established_cases_only(app, session, world, case):
    plain = make_incident(session, world, classification="teasing")
    with app.app_context():
        cases = [session.get(Incident, case.id), session.get(Incident, plain.id)]
        assert uninformed_by_case(session, incidents=cases) == {case.id: 4}
        assert cases_with_uninformed_custodians(session, incidents=cases) == [case.id]


def test_attention_count_takes_one_statement_whatever_the_number_of_cases(app, session, world, case):
    from sqlalchemy import event

    more = [
        make_incident(
            session, world, classification="bullying", status="action_plan", established_at=utcnow()
        )
        for _ in range(5)
    ]
    with app.app_context():
        cases = [session.get(Incident, i.id) for i in [case, *more]]
        for c in cases:
            _ = c.students  # loaded, as the incidents service returns them
        statements = []
        engine = session.get_bind()
        listener = lambda *args, **kw: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            counts = uninformed_by_case(session, incidents=cases)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert [counts[c.id] for c in cases] == [4] * 6  # Anna, Bo and Anna's two custodial parents each


def test_a_parent_record_whose_guardian_left_does_not_count_the_pupil_as_informed(app, session, world, case):
    from api.information.models import InformationRecord

    with app.app_context():
        session.add(
            InformationRecord(
                school_id=case.school_id,
                incident_id=case.id,
                person_kind="guardian",
                student_id=world.anna.id,
                guardian_id=world.mother.id,
                informed_at=utcnow(),
                method="meeting",
            )
        )
        session.flush()
        assert uninformed_by_case(session, incidents=[case]) == {case.id: 3}
        session.delete(world.mother)  # she leaves the roster: the record stays, naming no guardian
        session.flush()
        session.expire_all()
        # Anna and Bo are still not informed; Anna's father neither: 3, and never Anna counted as informed.
        assert uninformed_by_case(session, incidents=[session.get(Incident, case.id)]) == {case.id: 3}


def _not_informed(client, app, world, user):
    resp = client.get("/api/v1/attention", headers=headers(app, world, user))
    assert resp.status_code == 200, resp.json
    return next(g for g in resp.json["groups"] if g["kind"] == "custodian_not_informed")


def test_the_attention_list_counts_cases_where_someone_is_not_informed(app, client, world, case):
    group = _not_informed(client, app, world, world.users["leader"])
    assert group["total"] == 1
    [item] = group["items"]
    assert (item["record_id"], item["count"]) == (case.id, 4)
    assert item["href"] == f"/api/v1/incidents/{case.id}"
    # Everyone informed: the case leaves the list.
    h = headers(app, world, world.users["leader"])
    for person in client.get(_url(case), headers=h).json["people"]:
        body = {"student_id": person["student_id"], "guardian_id": person["guardian_id"], "method": "meeting"}
        assert client.post(_url(case), json=body, headers=h).status_code == 201
    assert _not_informed(client, app, world, world.users["leader"])["total"] == 0


def test_the_attention_item_shows_only_cases_the_reader_works(app, client, world, case):
    # Class B's teacher does not work class A's case: the kind is there, empty, and tells nothing of it.
    group = _not_informed(client, app, world, world.users["teacher_b"])
    assert group["total"] == 0 and group["items"] == []
