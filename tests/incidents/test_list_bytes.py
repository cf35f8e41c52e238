"""The case list's answer, pinned to the byte: the same cases give the same JSON (field order, nesting,
nulls, the deadline state), by page number and by cursor, so making the list cheaper cannot change what a
client or the UI parses. Ids and times come from the arranged data; everything else is literal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from api.core.audit import AuditEntry
from api.core.timeutil import local_date
from api.incidents.models import Incident
from tests.factories import client_token, make_api_client
from tests.incidents.factories import adopt_plan, headers, make_incident, make_world

URL = "/api/v1/incidents"
T0 = datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=UTC)


def _arrange(session, world):
    leader, teacher = world.users["leader"], world.users["teacher"]
    due = local_date() + timedelta(days=1)
    plain = make_incident(session, world, students=[(world.anna, "target")])
    planned = make_incident(
        session,
        world,
        reporter=leader,
        students=[(world.anna, "target"), (world.bo, "actor"), (world.carl, "bystander")],
        classification="bullying",
        status="action_plan",
        established_at=T0,
        established_by=leader,
        action_plan_due=due,
    )
    adopt_plan(session, planned, leader, local_date() + timedelta(days=7))
    pending = make_incident(
        session,
        world,
        reporter=teacher,
        students=[(world.carl, "target"), (world.bo, "actor")],
        classification="bullying",
        status="investigating",
        established_at=T0,
        established_by=leader,
        action_plan_due=local_date() - timedelta(days=3),
    )
    caller = make_api_client(session, world.school, "incidents:write", name="Elevstøtte")
    cases = [plain, planned, pending]
    for i, case in enumerate(cases):
        session.execute(
            update(Incident)
            .where(Incident.id == case.id)
            .values(
                occurred_at=T0 - timedelta(hours=i),
                created_at=T0 + timedelta(minutes=i),
                updated_at=T0 + timedelta(minutes=10 + i),
                place="schoolyard" if i != 1 else None,
                knowledge_source="told_by_student" if i == 2 else None,
                # The first was reported by an API client.
                **({"reported_by_id": None, "reported_by_client_id": caller.id} if i == 0 else {}),
            )
        )
    session.commit()
    return cases, caller, due


def _student(student, role, name, class_name):
    return f'{{"id":{student.id},"display_name":"{name}","class_name":"{class_name}","role":"{role}"}}'


def _expected_items(world, cases, caller, due):
    plain, planned, pending = cases
    leader, teacher = world.users["leader"], world.users["teacher"]
    anna = _student(world.anna, "target", "Anna Holm", "3.A")
    return [
        (
            f'{{"id":{plain.id},"classification":"teasing","status":"open",'
            f'"occurred_at":"2026-03-02T09:15:30.123456+00:00","place":"schoolyard","knowledge_source":null,'
            f'"students":[{anna}],"reporter":null,'
            f'"reporting_client":{{"id":{caller.id},"name":"Elevstøtte"}},"established_at":null,'
            f'"action_plan_due":null,"deadline_status":null,"created_at":"2026-03-02T09:15:30.123456+00:00",'
            f'"updated_at":"2026-03-02T09:25:30.123456+00:00","etag":"\\"incidents-{plain.id}-v1\\""}}'
        ),
        (
            f'{{"id":{planned.id},"classification":"bullying","status":"action_plan",'
            f'"occurred_at":"2026-03-02T08:15:30.123456+00:00","place":null,"knowledge_source":null,'
            f'"students":[{anna},{_student(world.bo, "actor", "Bo Lund", "3.A")},'
            f"{_student(world.carl, 'bystander', 'Carl Berg', '4.B')}],"
            f'"reporter":{{"id":{leader.id},"name":"leader A"}},"reporting_client":null,'
            f'"established_at":"2026-03-02T09:15:30.123456+00:00","action_plan_due":"{due.isoformat()}",'
            f'"deadline_status":"met","created_at":"2026-03-02T09:16:30.123456+00:00",'
            f'"updated_at":"2026-03-02T09:26:30.123456+00:00","etag":"\\"incidents-{planned.id}-v2\\""}}'
        ),
        (
            f'{{"id":{pending.id},"classification":"bullying","status":"investigating",'
            f'"occurred_at":"2026-03-02T07:15:30.123456+00:00","place":"schoolyard",'
            f'"knowledge_source":"told_by_student","students":['
            f"{_student(world.carl, 'target', 'Carl Berg', '4.B')},"
            f"{_student(world.bo, 'actor', 'Bo Lund', '3.A')}],"
            f'"reporter":{{"id":{teacher.id},"name":"teacher A"}},"reporting_client":null,'
            f'"established_at":"2026-03-02T09:15:30.123456+00:00",'
            f'"action_plan_due":"{(local_date() - timedelta(days=3)).isoformat()}",'
            f'"deadline_status":"overdue","created_at":"2026-03-02T09:17:30.123456+00:00",'
            f'"updated_at":"2026-03-02T09:27:30.123456+00:00","etag":"\\"incidents-{pending.id}-v1\\""}}'
        ),
    ]


def _compact(body: bytes) -> str:
    # Only the whitespace between tokens is the JSON provider's (compact under test, indented for a browser
    # in debug); re-encoding keeps every key, value and its order exactly as sent.
    return json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":"))


def test_a_list_page_is_the_same_json_by_page_and_by_cursor(app, client, session):
    world = make_world(session)
    cases, caller, due = _arrange(session, world)
    items = _expected_items(world, cases, caller, due)
    leader = headers(app, world, world.users["leader"])

    by_page = client.get(URL, query_string={"page_size": 10}, headers=leader)
    assert by_page.status_code == 200, by_page.json
    assert _compact(by_page.data) == f'{{"items":[{",".join(items)}],"total":3,"page":1,"page_size":10}}'

    app.config["FEED_SAFETY_LAG_SECONDS"] = 0
    by_cursor = client.get(URL, query_string={"page_size": 10, "cursor": ""}, headers=leader)
    assert by_cursor.status_code == 200, by_cursor.json
    mark = by_cursor.json["complete_up_to"]
    # The feed's order: oldest change first.
    assert _compact(by_cursor.data) == (
        f'{{"items":[{",".join(items)}],"page_size":10,"next_cursor":null,'
        f'"complete_up_to":"{mark}","deleted":[]}}'
    )

    # Two pages of two: the first names the second by its cursor, the second ends the sync.
    first = client.get(URL, query_string={"page_size": 2, "cursor": ""}, headers=leader).json
    assert [i["id"] for i in first["items"]] == [c.id for c in cases[:2]]
    second = client.get(URL, query_string={"page_size": 2, "cursor": first["next_cursor"]}, headers=leader)
    assert _compact(second.data) == (
        f'{{"items":[{items[2]}],"page_size":2,"next_cursor":null,'
        f'"complete_up_to":"{first["complete_up_to"]}","deleted":[]}}'
    )


def test_a_list_page_leaves_one_audit_row_per_student_read(app, client, session):
    world = make_world(session)
    cases, _caller, _due = _arrange(session, world)
    leader = world.users["leader"]
    app.config["FEED_SAFETY_LAG_SECONDS"] = 0
    resp = client.get(URL, query_string={"page_size": 10, "cursor": ""}, headers=headers(app, world, leader))
    assert resp.status_code == 200
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "incidents_listed").order_by(AuditEntry.student_id)
    ).all()
    assert [r.student_id for r in rows] == sorted([world.anna.id, world.bo.id, world.carl.id])
    # Each student's row names the page's cases that name that student, not the whole page.
    plain, planned, pending = cases
    named = {
        world.anna.id: [plain.id, planned.id],
        world.bo.id: [planned.id, pending.id],
        world.carl.id: [planned.id, pending.id],
    }
    for row in rows:
        assert (row.user_id, row.school_id, row.resource_type, row.outcome, row.roles) == (
            leader.id,
            world.school.id,
            "incident",
            "allowed",
            "leader",
        )
        assert row.detail == {"incident_ids": named[row.student_id]}
        assert row.request_id and row.client_id is None
    # By the API client (incidents:read): the same rows, as the client with its scope.
    reader = make_api_client(session, world.school, "incidents:read", name="Statistik")
    resp = client.get(
        URL,
        query_string={"page_size": 10, "status": "open"},
        headers={"Authorization": f"Bearer {client_token(app, reader)}"},
    )
    assert resp.status_code == 200 and [i["id"] for i in resp.json["items"]] == [cases[0].id]
    row = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "incidents_listed", AuditEntry.client_id == reader.id)
    ).one()
    assert (row.student_id, row.user_id, row.scope) == (world.anna.id, None, "incidents:read")
    assert row.detail == {"incident_ids": [cases[0].id], "criteria": {"status": "open"}}
