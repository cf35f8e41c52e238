"""Case work: the workflow, establishing bullying, the five audiences, the action plan and its deadline,
follow-ups, referrals, notes and the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from api.calendar.service import add_working_days
from api.core.audit import AuditEntry
from api.core.timeutil import local_date
from api.incidents import casework
from api.incidents.models import IncidentEvent
from api.notifications.models import Notification
from tests.factories import make_user
from tests.incidents.factories import adopt_plan, headers, make_incident, make_world


@pytest.fixture
def world(app, session):
    return make_world(session)


def _patch(client, app, world, user, incident_id, body):
    url = f"/api/v1/incidents/{incident_id}"
    h = headers(app, world, user)
    etag = client.get(url, headers=h).headers["ETag"]
    return client.patch(url, json=body, headers={**h, "If-Match": etag})


def _establish(client, app, world, user, incident_id, body=None):
    return client.post(
        f"/api/v1/incidents/{incident_id}/establish", json=body or {}, headers=headers(app, world, user)
    )


def test_workflow_transitions_are_checked(app, client, session, world):
    incident = make_incident(session, world, classification="conflict")
    teacher, resource = world.users["teacher"], world.users["resource_person"]
    # open -> monitoring skips steps: 409
    resp = _patch(client, app, world, resource, incident.id, {"status": "monitoring"})
    assert resp.status_code == 409
    # open -> investigating by the class teacher
    resp = _patch(client, app, world, teacher, incident.id, {"status": "investigating"})
    assert resp.status_code == 200 and resp.json["status"] == "investigating"
    assert resp.json["allowed_transitions"] == ["closed"]  # action_plan is the owners'
    # investigating -> action_plan is for leaders and resource persons
    assert _patch(client, app, world, teacher, incident.id, {"status": "action_plan"}).status_code == 403
    resp = _patch(client, app, world, resource, incident.id, {"status": "action_plan"})
    assert resp.status_code == 200 and resp.json["status"] == "action_plan"
    # action_plan -> monitoring needs a plan
    assert _patch(client, app, world, resource, incident.id, {"status": "monitoring"}).status_code == 409
    # action_plan -> closed is not a transition
    assert _patch(client, app, world, resource, incident.id, {"status": "closed"}).status_code == 409
    adopt_plan(session, incident, resource, local_date() + timedelta(days=10))
    assert _patch(client, app, world, resource, incident.id, {"status": "monitoring"}).status_code == 200
    resp = _patch(client, app, world, resource, incident.id, {"status": "closed"})
    assert resp.status_code == 200 and resp.json["closed_at"] is not None
    # a closed case can be reopened by its owners
    assert _patch(client, app, world, teacher, incident.id, {"status": "investigating"}).status_code == 403
    resp = _patch(client, app, world, resource, incident.id, {"status": "investigating"})
    assert resp.status_code == 200 and resp.json["closed_at"] is None
    kinds = session.scalars(
        select(IncidentEvent.detail).where(
            IncidentEvent.incident_id == incident.id, IncidentEvent.kind == "status_changed"
        )
    ).all()
    assert [(d["old"], d["new"]) for d in kinds] == [
        ("open", "investigating"),
        ("investigating", "action_plan"),
        ("action_plan", "monitoring"),
        ("monitoring", "closed"),
        ("closed", "investigating"),
    ]


def test_reporter_may_add_facts_but_not_change_the_status(app, client, session, world):
    sfo = world.users["sfo_staff"]
    incident = make_incident(session, world, reporter=sfo, classification="conflict")
    resp = _patch(client, app, world, sfo, incident.id, {"description": "Det startede ved gyngerne"})
    assert resp.status_code == 200 and resp.json["view"] == "reporter"
    assert _patch(client, app, world, sfo, incident.id, {"status": "investigating"}).status_code == 403
    assert _patch(client, app, world, sfo, incident.id, {"classification": "bullying"}).status_code == 403


def test_establishing_bullying_on_wednesday_1_april_2026(app, client, session, world, monkeypatch):
    moment = datetime(2026, 4, 1, 8, 30, tzinfo=UTC)  # 10:30 in Copenhagen
    monkeypatch.setattr(casework, "utcnow", lambda: moment)
    incident = make_incident(session, world, classification="teasing", status="investigating")
    leader2 = world.users["leader2"]
    make_user(session, world.school, "leader", active=False)  # a former leader is not notified
    resp = _establish(
        client, app, world, world.users["resource_person"], incident.id, {"classification": "bullying"}
    )
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert body["classification"] == "bullying"
    assert body["established_at"] == "2026-04-01T08:30:00+00:00"
    assert body["established_by"]["id"] == world.users["resource_person"].id
    # Skærtorsdag, Langfredag and 2. påskedag skipped: the plan is due Monday 20 April 2026
    assert body["action_plan_due"] == "2026-04-20"
    assert body["status"] == "action_plan"
    assert [a["audience"] for a in body["audiences"]] == [
        "students",
        "class",
        "parents",
        "staff",
        "leadership",
    ]
    assert body["audiences"][2]["suggested_actions"] == ["contact", "meeting"]
    assert all(a["done"] is False for a in body["audiences"])
    # every (active) leader of the school and the class teacher are notified at once (not the resource
    # person who established it); nobody else, no other school; a kind and parameters, no sentence
    notes = session.scalars(select(Notification)).all()
    assert sorted(n.user_id for n in notes) == sorted(
        [world.users["leader"].id, leader2.id, world.users["teacher"].id]
    )
    assert all(n.kind == "bullying_established" and n.incident_id == incident.id for n in notes)
    assert all(n.params == {"classification": "bullying", "action_plan_due": "2026-04-20"} for n in notes)
    # a teacher of another class cannot read the case (404: its existence is not disclosed)
    other_class = client.get(
        f"/api/v1/incidents/{incident.id}", headers=headers(app, world, world.users["teacher_b"])
    )
    assert other_class.status_code == 404
    # nor can another school
    other_school = headers(app, world, world.other_users["leader"])
    assert client.get(f"/api/v1/incidents/{incident.id}", headers=other_school).status_code == 404
    # establishing twice is a conflict
    assert _establish(client, app, world, world.users["leader"], incident.id).status_code == 409


def test_establishing_late_in_the_evening_counts_from_the_copenhagen_day(
    app, client, session, world, monkeypatch
):
    # 22:30 UTC on Tuesday 31 March is 00:30 on Wednesday 1 April in Copenhagen
    monkeypatch.setattr(casework, "utcnow", lambda: datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    incident = make_incident(session, world, classification="bullying")
    resp = _establish(client, app, world, world.users["leader"], incident.id)
    assert resp.json["action_plan_due"] == "2026-04-20"


def test_only_leaders_and_resource_persons_establish_and_only_bullying_like(app, client, session, world):
    incident = make_incident(session, world, classification="conflict")
    assert _establish(client, app, world, world.users["teacher"], incident.id).status_code == 403
    assert _establish(client, app, world, world.users["leader"], incident.id).status_code == 422
    resp = _establish(client, app, world, world.users["leader"], incident.id, {"classification": "exclusion"})
    assert resp.status_code == 200
    # the other leader, the resource person and the class teacher are told; not the leader who acted
    notified = session.scalars(select(Notification.user_id)).all()
    expected = [world.users[r].id for r in ("leader2", "resource_person", "teacher")]
    assert sorted(notified) == sorted(expected)


def test_five_audience_checklist_records_who_when_how_with_etags(app, client, session, world):
    incident = make_incident(session, world, classification="bullying")
    leader = world.users["leader"]
    body = _establish(client, app, world, leader, incident.id).json
    item = body["audiences"][1]  # the rest of the class
    url = f"/api/v1/incidents/{incident.id}/audiences/{item['id']}"
    teacher = headers(app, world, world.users["teacher"])
    change = {"done": True, "actions": ["inform"], "how": "Klassemøde om god tone"}
    assert client.patch(url, json=change, headers=teacher).status_code == 428
    resp = client.patch(url, json=change, headers={**teacher, "If-Match": item["etag"]})
    assert resp.status_code == 200, resp.json
    assert resp.json["done"] is True and resp.json["actions"] == ["inform"]
    assert resp.json["done_by"]["id"] == world.users["teacher"].id
    assert resp.json["how"] == "Klassemøde om god tone"
    # a second adult with the old etag is refused
    resp2 = client.patch(url, json={"how": "x"}, headers={**teacher, "If-Match": item["etag"]})
    assert resp2.status_code == 412
    bad = client.patch(
        url, json={"actions": ["confront"]}, headers={**teacher, "If-Match": resp.headers["ETag"]}
    )
    assert bad.status_code == 422
    # SFO staff do not work cases
    sfo = headers(app, world, world.users["sfo_staff"], **{"If-Match": resp.headers["ETag"]})
    assert client.patch(url, json={"done": False}, headers=sfo).status_code == 404
    other = f"/api/v1/incidents/{incident.id}/audiences/999999"
    assert client.patch(other, json={"done": True}, headers={**teacher, "If-Match": "*"}).status_code == 404


def test_action_plan_acute_measures_and_deadline(app, client, session, world):
    incident = make_incident(session, world, classification="bullying", status="investigating")
    leader, resource = world.users["leader"], world.users["resource_person"]
    body = _establish(client, app, world, resource, incident.id).json
    expected_due = add_working_days(session, school=world.school, start=local_date(), days=10)
    assert body["action_plan_due"] == expected_due.isoformat()
    assert body["deadline_status"] == "pending"
    h_teacher = headers(app, world, world.users["teacher"])
    acute = client.post(
        f"/api/v1/incidents/{incident.id}/acute-measures",
        json={"description": "Anna og Bo holder frikvarter hver sit sted"},
        headers=h_teacher,
    )
    assert acute.status_code == 201, acute.json
    url = f"/api/v1/incidents/{incident.id}/action-plan"
    follow_up = (local_date() + timedelta(days=10)).isoformat()
    plan = {
        "measures": [
            {"description": "Samtale med Bo og forældre", "responsible_user_id": leader.id},
            {"description": "Legemakker-aftale i frikvartererne", "responsible": "Klasseteamet 3.A"},
        ],
        "follow_up_on": follow_up,
        "informed_students_at": datetime.now(UTC).isoformat(),
    }
    assert client.put(url, json=plan, headers=h_teacher).status_code == 403
    no_who = {**plan, "measures": [{"description": "Noget"}]}
    assert client.put(url, json=no_who, headers=headers(app, world, resource)).status_code == 422
    resp = client.put(url, json=plan, headers=headers(app, world, resource))
    assert resp.status_code == 200, resp.json
    assert resp.json["adopted_at"] is not None and len(resp.json["measures"]) == 2
    assert resp.json["measures"][0]["responsible_user"]["id"] == leader.id
    # Once the plan exists, changing it needs its etag
    assert client.put(url, json=plan, headers=headers(app, world, resource)).status_code == 428
    plan2 = {**plan, "informed_parents_at": datetime.now(UTC).isoformat()}
    resp2 = client.put(
        url, json=plan2, headers=headers(app, world, leader, **{"If-Match": resp.headers["ETag"]})
    )
    assert resp2.status_code == 200 and resp2.json["informed_parents_at"] is not None
    case = client.get(f"/api/v1/incidents/{incident.id}", headers=headers(app, world, leader)).json
    assert case["deadline_status"] == "met"
    assert [m["description"] for m in case["acute_measures"]] == [
        "Anna og Bo holder frikvarter hver sit sted"
    ]
    assert case["action_plan"]["follow_up_on"] == follow_up


def test_follow_ups_continued_reopens_the_plan(app, client, session, world):
    incident = make_incident(
        session,
        world,
        classification="bullying",
        status="action_plan",
        established_at=datetime.now(UTC) - timedelta(days=20),
        established_by=world.users["leader"],
        action_plan_due=local_date() - timedelta(days=5),
    )
    resource = world.users["resource_person"]
    url = f"/api/v1/incidents/{incident.id}/follow-ups"
    h = headers(app, world, resource)
    yesterday = (local_date() - timedelta(days=1)).isoformat()
    assert client.post(url, json={"held_on": yesterday, "outcome": "stopped"}, headers=h).status_code == 409
    adopt_plan(session, incident, resource, local_date())
    teacher = headers(app, world, world.users["teacher"])
    assert (
        client.post(url, json={"held_on": yesterday, "outcome": "stopped"}, headers=teacher).status_code
        == 403
    )
    resp = client.post(
        url, json={"held_on": yesterday, "outcome": "decreased", "summary": "Bedre"}, headers=h
    )
    assert resp.status_code == 201, resp.json
    case = client.get(f"/api/v1/incidents/{incident.id}", headers=h).json
    assert case["status"] == "monitoring"
    assert case["action_plan"]["follow_up_on"] == (local_date() + timedelta(days=13)).isoformat()
    future = (local_date() + timedelta(days=2)).isoformat()
    assert client.post(url, json={"held_on": future, "outcome": "stopped"}, headers=h).status_code == 422
    resp = client.post(url, json={"held_on": local_date().isoformat(), "outcome": "continued"}, headers=h)
    assert resp.status_code == 201
    case = client.get(f"/api/v1/incidents/{incident.id}", headers=h).json
    assert case["status"] == "action_plan"
    assert case["action_plan"]["adopted_at"] is None and case["action_plan"]["reopened_at"] is not None
    assert (
        case["action_plan_due"]
        == add_working_days(session, school=world.school, start=local_date(), days=10).isoformat()
    )
    assert case["deadline_status"] == "pending"
    assert [f["outcome"] for f in case["follow_ups"]] == ["decreased", "continued"]
    # while the plan is being revised there is nothing to follow up
    assert client.post(url, json={"held_on": yesterday, "outcome": "stopped"}, headers=h).status_code == 409
    # an established case cannot be closed while its reopened plan is being revised
    assert "closed" not in case["allowed_transitions"]


def test_referrals_to_external_partners(app, client, session, world):
    incident = make_incident(session, world, classification="wellbeing_concern")
    url = f"/api/v1/incidents/{incident.id}/referrals"
    leader = headers(app, world, world.users["leader"])
    teacher = headers(app, world, world.users["teacher"])
    assert client.post(url, json={"partner": "ssp"}, headers=teacher).status_code == 403
    assert client.post(url, json={"partner": "other"}, headers=leader).status_code == 422
    resp = client.post(url, json={"partner": "school_psychologist", "note": "PPR-henvisning"}, headers=leader)
    assert resp.status_code == 201, resp.json
    assert resp.json["status"] == "planned" and resp.json["referred_on"] == local_date().isoformat()
    rurl = f"{url}/{resp.json['id']}"
    assert client.patch(rurl, json={"status": "sent"}, headers=leader).status_code == 428
    upd = client.patch(rurl, json={"status": "sent"}, headers={**leader, "If-Match": resp.headers["ETag"]})
    assert upd.status_code == 200 and upd.json["status"] == "sent"
    stale = client.patch(
        rurl, json={"status": "accepted"}, headers={**leader, "If-Match": resp.headers["ETag"]}
    )
    assert stale.status_code == 412
    case = client.get(f"/api/v1/incidents/{incident.id}", headers=leader).json
    assert [(r["partner"], r["status"]) for r in case["referrals"]] == [("school_psychologist", "sent")]


def test_notes_and_timeline(app, client, session, world):
    sfo = world.users["sfo_staff"]
    incident = make_incident(session, world, reporter=sfo, classification="exclusion")
    url = f"/api/v1/incidents/{incident.id}/notes"
    teacher = headers(app, world, world.users["teacher"])
    sfo_h = headers(app, world, sfo)
    resp = client.post(
        url,
        json={
            "kind": "parents",
            "participants": "Annas mor",
            "body": "Mor fortæller at Anna græder om aftenen",
        },
        headers=teacher,
    )
    assert resp.status_code == 201, resp.json
    assert (
        client.post(url, json={"kind": "students", "body": "Anna sad alene"}, headers=sfo_h).status_code
        == 201
    )
    assert client.post(url, json={"kind": "students", "body": "   "}, headers=sfo_h).status_code == 422
    # the class teacher sees every note; the SFO reporter only their own
    assert [n["kind"] for n in client.get(url, headers=teacher).json["items"]] == ["students", "parents"]
    assert [n["body"] for n in client.get(url, headers=sfo_h).json["items"]] == ["Anna sad alene"]
    # the timeline records it all, without note text
    timeline = client.get(f"/api/v1/incidents/{incident.id}/timeline", headers=teacher).json
    assert [e["kind"] for e in timeline["items"]] == ["note_added", "note_added"]
    assert "græder" not in str(timeline)
    # the SFO reporter's timeline shows the course of the case and their own doings, not the case work
    sfo_timeline = client.get(f"/api/v1/incidents/{incident.id}/timeline", headers=sfo_h).json
    assert [e["actor"]["id"] for e in sfo_timeline["items"]] == [sfo.id]
    newest = client.get(
        f"/api/v1/incidents/{incident.id}/timeline?order=desc&page_size=1", headers=teacher
    ).json
    assert newest["total"] == 2 and newest["items"][0]["actor"]["id"] == sfo.id
    # the audit log knows who read and wrote which case about whom, never the text
    entries = session.scalars(select(AuditEntry).where(AuditEntry.resource_type == "incident")).all()
    actions = {e.action for e in entries}
    assert {"case_note_added", "case_notes_viewed", "incident_timeline_viewed"} <= actions
    assert {e.student_id for e in entries if e.action == "case_note_added"} == {world.anna.id, world.bo.id}
    assert all("græder" not in str(e.detail) for e in entries)


def test_timeline_cannot_be_edited(app, session, world):
    incident = make_incident(session, world)
    event = IncidentEvent(incident_id=incident.id, kind="created")
    session.add(event)
    session.commit()
    event.kind = "forged"
    with pytest.raises(RuntimeError):
        session.commit()
    session.rollback()
    session.delete(session.get(IncidentEvent, event.id))
    with pytest.raises(RuntimeError):
        session.commit()
    session.rollback()


def test_deadline_lists_for_leaders(app, client, session, world):
    today = local_date()
    leader = world.users["leader"]
    soon = add_working_days(session, school=world.school, start=today, days=2)
    later = add_working_days(session, school=world.school, start=today, days=5)
    est = datetime.now(UTC) - timedelta(days=14)
    overdue = make_incident(
        session,
        world,
        classification="bullying",
        status="action_plan",
        established_at=est,
        established_by=leader,
        action_plan_due=today - timedelta(days=1),
    )
    due_soon = make_incident(
        session,
        world,
        classification="bullying",
        status="action_plan",
        established_at=est,
        established_by=leader,
        action_plan_due=soon,
    )
    make_incident(
        session,
        world,
        classification="bullying",
        status="action_plan",
        established_at=est,
        established_by=leader,
        action_plan_due=later,
    )
    met = make_incident(
        session,
        world,
        classification="bullying",
        status="monitoring",
        established_at=est,
        established_by=leader,
        action_plan_due=today - timedelta(days=3),
    )
    adopt_plan(session, met, leader, today + timedelta(days=7))
    make_incident(session, world, classification="conflict")
    h = headers(app, world, leader)

    def ids(query):
        resp = client.get(f"/api/v1/incidents?{query}", headers=h)
        assert resp.status_code == 200, resp.json
        return [i["id"] for i in resp.json["items"]]

    assert ids("deadline=overdue") == [overdue.id]
    assert ids("deadline=due_soon") == [due_soon.id]
    assert ids("deadline=attention") == [overdue.id, due_soon.id]
    listed = client.get("/api/v1/incidents?deadline=overdue", headers=h).json["items"][0]
    assert listed["deadline_status"] == "overdue"
    assert len(ids("status=action_plan")) == 3
    assert len(ids("classification=conflict")) == 1
    assert len(ids(f"student_id={world.anna.id}")) == 5
    assert ids(f"student_id={world.carl.id}") == []
