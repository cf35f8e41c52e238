"""What one request costs in SQL statements: a case read and a teacher's status change ask each question once
(who the caller is, the case, the caller's classes), however many students, audiences or referrals it has."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.calendar.models import ClosedPeriod
from api.core.db import db
from api.core.timeutil import local_date
from api.incidents.models import Incident, Referral
from api.schools.models import School
from tests.incidents.factories import adopt_plan, headers, make_incident, make_world
from tests.queries import statements


def _arrange(app, *, established: bool):
    # In an app context of its own, so each request starts with an empty session as in production.
    with app.app_context():
        session = db.session
        world = make_world(session)
        leader = world.users["leader"]
        incident = make_incident(
            session,
            world,
            students=[(world.anna, "target"), (world.bo, "actor"), (world.carl, "bystander")],
            classification="bullying",
            status="action_plan" if established else "open",
            established_at=datetime.now(UTC) - timedelta(days=1) if established else None,
            established_by=leader if established else None,
            action_plan_due=local_date() + timedelta(days=9) if established else None,
        )
        if established:
            adopt_plan(session, incident, leader, local_date() + timedelta(days=7))
            referral = Referral(
                incident_id=incident.id, partner="ssp", status="planned", created_by_id=leader.id
            )
            session.add(referral)
            referral.referred_on = local_date()
            session.commit()
        return incident.id, headers(app, world, world.users["teacher"]), headers(app, world, leader)


def test_a_class_teacher_reads_an_established_case_in_at_most_6_statements(app, client, database_url):
    incident_id, teacher, _ = _arrange(app, established=True)
    with statements(database_url) as sent:
        resp = client.get(f"/api/v1/incidents/{incident_id}", headers=teacher)
    assert resp.status_code == 200 and resp.json["view"] == "full"
    # Everything the class teacher may see is there: the checklist, the plan and the referral.
    assert len(resp.json["audiences"]) == 5 and len(resp.json["referrals"]) == 1
    assert resp.json["action_plan"]["measures"][0]["description"]
    print(f"\nGET /incidents/{{id}} (class teacher, established): {len(sent)} statements")
    assert len(sent) <= 6, "\n".join(sent)


def test_a_leader_reads_an_established_case_in_at_most_6_statements(app, client, database_url):
    incident_id, _, leader = _arrange(app, established=True)
    with statements(database_url) as sent:
        resp = client.get(f"/api/v1/incidents/{incident_id}", headers=leader)
    assert resp.status_code == 200 and resp.json["view"] == "full"
    print(f"\nGET /incidents/{{id}} (leader, established): {len(sent)} statements")
    assert len(sent) <= 6, "\n".join(sent)


def test_a_teachers_status_change_costs_at_most_10_statements(app, client, database_url):
    incident_id, teacher, _ = _arrange(app, established=False)
    etag = client.get(f"/api/v1/incidents/{incident_id}", headers=teacher).headers["ETag"]
    with statements(database_url) as sent:
        resp = client.patch(
            f"/api/v1/incidents/{incident_id}",
            json={"status": "investigating"},
            headers={**teacher, "If-Match": etag},
        )
    assert resp.status_code == 200 and resp.json["status"] == "investigating"
    # Whether the teacher works the case is known from the staff of its students' classes, read with it.
    assert not [s for s in sent if s.startswith("SELECT class_staff")], "\n".join(sent)
    print(f"\nPATCH /incidents/{{id}} status (class teacher): {len(sent)} statements")
    assert len(sent) <= 10, "\n".join(sent)


def _count_closed_days(app, incident_id):
    # The school keeps its own closed days (a week starting tomorrow) and counts them in deadlines.
    with app.app_context():
        session = db.session
        incident = session.get(Incident, incident_id)
        school = session.get(School, incident.school_id)
        school.count_closed_days = True
        tomorrow = local_date() + timedelta(days=1)
        session.add(
            ClosedPeriod(
                school_id=school.id, first_day=tomorrow, last_day=tomorrow + timedelta(days=6), name="Ferie"
            )
        )
        session.commit()


def test_a_met_deadline_reads_no_closed_days_but_a_pending_one_counts_them(app, client, database_url):
    incident_id, teacher, leader = _arrange(app, established=True)
    _count_closed_days(app, incident_id)
    with statements(database_url) as sent:
        resp = client.get(f"/api/v1/incidents/{incident_id}", headers=teacher)
    assert resp.status_code == 200 and resp.json["deadline_status"] == "met"
    assert not [s for s in sent if "calendar_closed_days" in s], "\n".join(sent)
    assert len(sent) <= 6, "\n".join(sent)
    # A plan still due: due in 9 days, and within 2 working days only because the closed week is skipped
    # (without the closed days it would be pending).
    with app.app_context():
        session = db.session
        incident = session.get(Incident, incident_id)
        session.delete(incident.action_plan)
        incident.action_plan_due = local_date() + timedelta(days=8)
        session.commit()
    with statements(database_url) as sent:
        resp = client.get(f"/api/v1/incidents/{incident_id}", headers=leader)
        listed = client.get("/api/v1/incidents", headers=leader)
    assert resp.json["deadline_status"] == "due_soon", resp.json["action_plan_due"]
    assert [i["deadline_status"] for i in listed.json["items"] if i["id"] == incident_id] == ["due_soon"]
    assert len([s for s in sent if "calendar_closed_days" in s]) == 2  # once per request


def test_a_class_teachers_read_knows_their_classes_from_the_case_itself(app, client, database_url):
    # The staff of the involved students' classes come with the students: no statement asks for the
    # teacher's classes, and the teacher still works the case (full view), while a teacher of another class
    # does not see it at all.
    incident_id, teacher, _ = _arrange(app, established=True)
    with statements(database_url) as sent:
        resp = client.get(f"/api/v1/incidents/{incident_id}", headers=teacher)
    assert resp.status_code == 200 and resp.json["view"] == "full"
    assert not [s for s in sent if s.startswith("SELECT class_staff")], "\n".join(sent)
    assert len(sent) <= 5, "\n".join(sent)
    with app.app_context():
        session = db.session
        world = make_world(session)
        of_3a = make_incident(session, world, students=[(world.anna, "target")]).id
        other_class = headers(app, world, world.users["teacher_b"])
        own_class = headers(app, world, world.users["teacher"])
    assert client.get(f"/api/v1/incidents/{of_3a}", headers=other_class).status_code == 404
    assert client.get(f"/api/v1/incidents/{of_3a}", headers=own_class).json["view"] == "full"


def test_a_class_teachers_list_asks_for_their_classes_inside_its_condition(app, client, database_url):
    incident_id, teacher, _ = _arrange(app, established=True)
    with statements(database_url) as sent:
        resp = client.get("/api/v1/incidents?page_size=25", headers=teacher)
    listed = {i["id"]: i for i in resp.json["items"]}
    assert resp.status_code == 200 and listed[incident_id]["deadline_status"] == "met"
    assert not [s for s in sent if s.startswith("SELECT class_staff")], "\n".join(sent)
    # who, how many, the page, its plans, its involvements, their students, the audit
    assert len(sent) <= 7, "\n".join(sent)


def test_a_teachers_report_costs_at_most_11_statements_and_reads_nothing_back(app, client, database_url):
    """A new case is shown from what was just written: its students as checked (with their class and its
    staff, so whether the teacher works the case needs no statement of its own), and no later state or case
    work read back from the database."""
    with app.app_context():
        session = db.session
        world = make_world(session)
        session.commit()
        anna, teacher = world.anna.id, headers(app, world, world.users["teacher"])
    body = {  # teasing: nobody is notified (a bullying-like report tells the leaders, more statements)
        "classification": "teasing",
        "students": [{"student_id": anna, "role": "target"}],
    }
    with statements(database_url) as sent:
        resp = client.post(
            "/api/v1/incidents", json=body, headers={**teacher, "Idempotency-Key": "report-cost-1"}
        )
    assert resp.status_code == 201, resp.json
    assert [(s["id"], s["role"]) for s in resp.json["students"]] == [(anna, "target")]
    assert all(s["display_name"] and s["class_name"] for s in resp.json["students"])
    assert resp.json["view"] == "full" and resp.json["allowed_transitions"]
    reads = [s for s in sent if s.lstrip("( '\"").upper().startswith("SELECT")]
    assert not [s for s in reads if "FROM incidents" in s or "FROM incident_" in s], "\n".join(reads)
    assert sum("FROM students" in s for s in reads) == 1, "\n".join(reads)
    assert not [s for s in reads if s.startswith("SELECT class_staff")], "\n".join(reads)
    print(f"\nPOST /incidents (class teacher): {len(sent)} statements")
    assert len(sent) <= 11, "\n".join(sent)
