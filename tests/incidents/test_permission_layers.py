"""More layers of the case permissions, each answering on its own: an API client's SQL condition across
schools, a reporter later accused in her own case, and `may_see` itself."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.auth import service as auth_service
from api.auth.scopes import ClientPrincipal
from api.core.db import db
from api.incidents import permissions
from api.incidents.models import Incident
from api.users.models import User
from tests.factories import attach_staff, auth, make_api_client, make_class, make_student, make_user
from tests.incidents.factories import make_incident, make_world
from tests.queries import statements


@pytest.fixture
def world(session):
    return make_world(session)


def ids_where(session, clause) -> set[int]:
    return set(session.scalars(select(Incident.id).where(clause)))


def client_of(school, *scopes: str) -> ClientPrincipal:
    return ClientPrincipal(1, "trvc_test", "Elevplan", school.id, frozenset(scopes))


def test_a_clients_sql_condition_keeps_to_its_school_and_leaves_out_accusing_cases(session, world):
    own = make_incident(session, world)
    accusing = make_incident(session, world, accused=world.users["teacher_b"])
    other = make_incident(
        session, world, reporter=world.other_users["teacher"], students=[(world.other_student, "target")]
    )
    reader = client_of(world.school, "incidents:read")
    assert ids_where(session, permissions.worker_clause(session, reader)) == {own.id}
    assert ids_where(session, permissions.visibility_clause(session, reader)) == {own.id}
    assert ids_where(
        session, permissions.worker_clause(session, client_of(world.other_school, "incidents:read"))
    ) == {other.id}
    # the detail rule agrees
    assert permissions.is_worker(session, reader, own) is True
    assert permissions.is_worker(session, reader, accusing) is False
    assert permissions.is_worker(session, reader, other) is False
    # without the scope: nothing
    assert ids_where(session, permissions.visibility_clause(session, client_of(world.school))) == set()
    assert permissions.is_worker(session, client_of(world.school), own) is False


def test_a_reporter_accused_in_her_own_report_loses_it_from_her_list(session, world):
    teacher = world.users["teacher_b"]  # class B: the report is about class A, so she works none of it
    kept = make_incident(session, world, reporter=teacher)
    accusing_her = make_incident(session, world, reporter=teacher, accused=teacher)
    accusing_other = make_incident(session, world, reporter=teacher, accused=world.users["pedagogue"])
    visible = ids_where(session, permissions.visibility_clause(session, teacher))
    assert visible == {kept.id, accusing_other.id}
    assert permissions.is_reporter(teacher, accusing_her) is False
    assert permissions.is_reporter(teacher, accusing_other) is True


def test_may_see_is_the_reporter_or_a_worker(session, world):
    users = world.users
    reporter = users["sfo_staff"]
    case = make_incident(session, world, reporter=reporter)  # class A
    assert permissions.may_see(session, reporter, case) is True  # reported it
    assert permissions.may_see(session, users["teacher"], case) is True  # works it
    assert permissions.may_see(session, users["teacher_b"], case) is False  # neither
    assert permissions.may_see(session, world.other_users["leader"], case) is False
    accusing = make_incident(session, world, reporter=reporter, accused=users["teacher"])
    assert permissions.may_see(session, users["teacher"], accusing) is False
    assert permissions.may_see(session, reporter, accusing) is True
    assert permissions.may_see(session, users["leader"], accusing) is True


def test_who_is_told_of_a_case_costs_no_statement_per_class_teacher(app, session, world):
    """The class teachers' involved classes decide whether they work the case: their other classes are not read
    one teacher at a time."""
    students = []
    for n in range(3):
        cls = make_class(session, world.school, name=f"6.{n}", grade=6)
        attach_staff(session, cls, make_user(session, world.school, "teacher"), "class_teacher")
        students.append(make_student(session, world.school, cls, given_name=f"Elev {n}"))
    one_class = make_incident(session, world, students=[(students[0], "target")])
    three_classes = make_incident(session, world, students=[(s, "target") for s in students])
    counts = {}
    for incident in (one_class, three_classes):
        assert all(link.student.class_id for link in incident.students)  # loaded before counting
        with statements(app.config["DATABASE_URL"]) as sent:
            told = permissions.notification_recipients(session, incident)
        counts[incident.id] = len(sent)
        assert len(told) == len(incident.students) + 3  # the class teachers, two leaders, the resource person
    assert counts[one_class.id] == counts[three_classes.id]


# --- a school that wants two factors for case work ---------------------------------------------------------------


def bearer(app, user, *, loa: int) -> dict[str, str]:
    with app.test_request_context():
        pair = auth_service.issue_tokens(db.session, user=db.session.get(User, user.id), loa=loa)
        db.session.commit()
    return {"Authorization": f"Bearer {pair.access_token}"}


def test_a_one_factor_leader_reads_the_places_but_edits_them_only_with_two_factors(
    app, client, session, world
):
    world.school.case_work_requires_two_factor = True
    session.commit()
    leader = world.users["leader"]
    one = bearer(app, leader, loa=auth_service.ONE_FACTOR)
    read = client.get("/api/v1/incident-places", headers=one)
    assert read.status_code == 200
    body = {"places": ["schoolyard", "library"]}
    refused = client.put(
        "/api/v1/incident-places", json=body, headers={**one, "If-Match": read.headers["ETag"]}
    )
    assert refused.status_code == 403 and refused.json["type"] == "step_up_required"
    two = bearer(app, leader, loa=auth_service.TWO_FACTOR)
    done = client.put("/api/v1/incident-places", json=body, headers={**two, "If-Match": read.headers["ETag"]})
    assert done.status_code == 200, done.json


def test_a_one_factor_login_logs_and_withdraws_but_works_no_case(app, client, session, world):
    world.school.case_work_requires_two_factor = True
    session.commit()
    teacher = world.users["teacher"]
    one = bearer(app, teacher, loa=auth_service.ONE_FACTOR)
    body = {"classification": "teasing", "students": [{"student_id": world.anna.id, "role": "target"}]}
    reported = client.post("/api/v1/incidents", json=body, headers=one)
    assert reported.status_code == 201, reported.json
    url = f"/api/v1/incidents/{reported.json['id']}"
    assert client.get("/api/v1/incident-places", headers=one).status_code == 200
    for resp in (client.get(url, headers=one), client.get("/api/v1/incidents", headers=one)):
        assert resp.status_code == 403 and resp.json["type"] == "step_up_required"
    # the quick log's own undo stays open
    assert client.post(f"{url}/withdraw", headers=one).status_code == 200
    # two factors open case work; a machine client signs in with none and reads what its scope allows
    assert client.get(url, headers=bearer(app, teacher, loa=auth_service.TWO_FACTOR)).status_code == 200
    reader = make_api_client(session, world.school, "incidents:read")
    assert client.get("/api/v1/incidents", headers=auth(app, reader)).status_code == 200
    # a browser's preflight carries no login at all
    assert client.options(url).status_code == 200
