"""The strategy's rule: "Skolelederen orienteres, hvis vi får viden om mobning eller digital mobning". A report
of bullying, digital bullying, exclusion or a value-rule breach, or one accusing staff (also when a later change
makes it so), tells every leader and resource person who may see it and the class teacher of each involved
student's class who may see it; never the person who acted. Notifications are a kind and parameters."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.notifications.models import Notification
from api.notifications.service import notify
from tests.factories import make_user
from tests.incidents.factories import headers, make_incident, make_world


@pytest.fixture
def world(app, session):
    world = make_world(session)
    make_user(session, world.school, "leader", active=False)  # a former leader is told nothing
    return world


def _told(session, world):
    """{user name: [(kind, params, incident id)]} of every notification sent."""
    by_id = {
        u.id: name
        for name, u in {**world.users, **{f"other_{k}": v for k, v in world.other_users.items()}}.items()
    }
    out: dict[str, list] = {}
    for n in session.scalars(select(Notification).order_by(Notification.id)):
        out.setdefault(by_id.get(n.user_id, n.user_id), []).append((n.kind, n.params, n.incident_id))
    return out


def _report(client, app, world, user, classification, students, **extra):
    resp = client.post(
        "/api/v1/incidents",
        json={
            "classification": classification,
            "students": [{"student_id": s.id, "role": r} for s, r in students],
            **extra,
        },
        headers=headers(app, world, user),
    )
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


@pytest.mark.parametrize("classification", ["bullying", "digital_bullying", "exclusion", "value_rule_breach"])
def test_a_report_of_bullying_tells_leaders_resource_persons_and_class_teachers(
    app, client, session, world, classification
):
    # Anna is in class A (class teacher: teacher A, who reports it), Carl in class B (class teacher: teacher B).
    case = _report(
        client,
        app,
        world,
        world.users["teacher"],
        classification,
        [(world.anna, "target"), (world.carl, "actor")],
    )
    told = {"kind": "incident_reported", "params": {"classification": classification}}
    expected = {
        name: [(told["kind"], told["params"], case)]
        for name in ("leader", "leader2", "resource_person", "teacher_b")
    }
    assert (
        _told(session, world) == expected
    )  # not the reporter, the pedagogue, SFO staff, admins, other schools
    got = client.get("/api/v1/notifications", headers=headers(app, world, world.users["leader"])).json[
        "items"
    ]
    assert [(n["kind"], n["params"], n["incident_id"]) for n in got] == [(told["kind"], told["params"], case)]


def test_a_conflict_tells_nobody_until_it_is_reclassified_as_bullying(app, client, session, world):
    case = _report(
        client,
        app,
        world,
        world.users["sfo_staff"],
        "conflict",
        [(world.anna, "target"), (world.bo, "actor")],
    )
    assert _told(session, world) == {}
    url = f"/api/v1/incidents/{case}"
    pedagogue = headers(app, world, world.users["pedagogue"])
    etag = client.get(url, headers=pedagogue).headers["ETag"]
    resp = client.patch(url, json={"classification": "exclusion"}, headers={**pedagogue, "If-Match": etag})
    assert resp.status_code == 200
    told = [("incident_reported", {"classification": "exclusion"}, case)]
    # class A's class teacher, not the pedagogue who changed it; SFO staff only see their own report
    assert _told(session, world) == {
        name: told for name in ("leader", "leader2", "resource_person", "teacher")
    }
    # bullying-like to bullying-like tells nobody again
    etag = resp.headers["ETag"]
    client.patch(url, json={"classification": "bullying"}, headers={**pedagogue, "If-Match": etag})
    assert sum(len(v) for v in _told(session, world).values()) == 4


def test_a_case_accusing_staff_tells_only_the_leaders_who_may_see_it(app, client, session, world):
    case = _report(
        client,
        app,
        world,
        world.users["teacher"],
        "bullying",
        [(world.anna, "target")],
        accused_staff_id=world.users["leader2"].id,
    )
    assert _told(session, world) == {"leader": [("staff_accused", {}, case)]}


def test_a_change_that_accuses_staff_tells_the_leaders(app, client, session, world):
    incident = make_incident(session, world, classification="teasing")
    url = f"/api/v1/incidents/{incident.id}"
    leader = headers(app, world, world.users["leader"])
    etag = client.get(url, headers=leader).headers["ETag"]
    resp = client.patch(
        url, json={"accused_staff_id": world.users["pedagogue"].id}, headers={**leader, "If-Match": etag}
    )
    assert resp.status_code == 200
    # the other leader; and class A's class teacher, who reported it and so keeps seeing her report
    told = [("staff_accused", {}, incident.id)]
    assert _told(session, world) == {"leader2": told, "teacher": told}


def test_establishing_tells_who_may_see_it_but_not_who_established_it(app, client, session, world):
    incident = make_incident(session, world, classification="bullying", status="investigating")
    resp = client.post(
        f"/api/v1/incidents/{incident.id}/establish",
        json={},
        headers=headers(app, world, world.users["leader"]),
    )
    assert resp.status_code == 200
    told = [
        (
            "bullying_established",
            {"classification": "bullying", "action_plan_due": resp.json["action_plan_due"]},
            incident.id,
        )
    ]
    assert _told(session, world) == {name: told for name in ("leader2", "resource_person", "teacher")}


def test_an_observation_turned_into_bullying_tells_them_too(app, client, session, world):
    h = headers(app, world, world.users["sfo_staff"])
    obs = client.post("/api/v1/observations", json={"student_ids": [world.carl.id], "mood": 1}, headers=h)
    assert obs.status_code == 201
    resp = client.post(
        f"/api/v1/observations/{obs.json['id']}/incident", json={"classification": "bullying"}, headers=h
    )
    assert resp.status_code == 201
    case = resp.json["incident_id"]
    told = [("incident_reported", {"classification": "bullying"}, case)]
    assert _told(session, world) == {
        name: told for name in ("leader", "leader2", "resource_person", "teacher_b")
    }


def test_a_notification_takes_exactly_its_kinds_parameters(session, world):
    leader = world.users["leader"]
    with pytest.raises(ValueError):
        notify(
            session, user_ids=[leader.id], kind="bullying_established", params={"classification": "bullying"}
        )
    with pytest.raises(ValueError):
        notify(session, user_ids=[leader.id], kind="a sentence for people", params={})
    assert notify(session, user_ids=[leader.id], kind="staff_accused", caller=leader) == []
