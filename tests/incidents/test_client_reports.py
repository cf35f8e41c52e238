"""An API client with incidents:write reports incidents (a student-support system logging what it was told):
POST /incidents answers 201 with the client named as the reporter, the school's leader reads the case and is
told of it, an Idempotency-Key replay writes one case, every write is audited as the client with its scope.
Without the scope it is 403; a client never reports a case accusing staff; a write-only client's answer does
not name the students it gave by id (that would read the roster)."""

from __future__ import annotations

from sqlalchemy import func, select

from api.core.audit import AuditEntry
from api.incidents.models import Incident, IncidentEvent
from api.notifications.models import Notification
from tests.factories import client_token, make_api_client
from tests.incidents.factories import headers, make_world

BODY = {"classification": "bullying", "place": "schoolyard", "knowledge_source": "told_by_student"}


def _body(world, **extra):
    return {**BODY, "students": [{"student_id": world.anna.id, "role": "target"}], **extra}


def _bearer(app, caller, **extra) -> dict[str, str]:
    return {"Authorization": f"Bearer {client_token(app, caller)}", **extra}


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Incident))


def test_a_client_with_incidents_write_reports_and_the_leader_sees_it(app, client, session):
    world = make_world(session)
    caller = make_api_client(session, world.school, "incidents:write", name="Elevstøtte")
    resp = client.post(
        "/api/v1/incidents",
        json=_body(world, description="Anna fortalte om drillerier i frikvarteret"),
        headers=_bearer(app, caller, **{"Idempotency-Key": "support-1"}),
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert resp.headers["Location"] == f"/api/v1/incidents/{body['id']}"
    assert body["reporter"] is None
    assert body["reporting_client"] == {"id": caller.id, "name": "Elevstøtte"}
    assert body["view"] == "client" and body["allowed_actions"] == [] and body["description"] is None
    # it gave Anna's id; without roster:read or incidents:read it is not told her name
    assert body["students"] == [
        {"id": world.anna.id, "display_name": "", "class_name": None, "role": "target"}
    ]
    assert "Anna" not in resp.get_data(as_text=True)
    leader = world.users["leader"]
    read = client.get(f"/api/v1/incidents/{body['id']}", headers=headers(app, world, leader)).json
    assert read["reporter"] is None and read["reporting_client"]["name"] == "Elevstøtte"
    assert read["description"] == "Anna fortalte om drillerier i frikvarteret"
    assert read["students"][0]["display_name"] == "Anna Holm"
    listed = client.get("/api/v1/incidents", headers=headers(app, world, leader)).json["items"]
    assert [i["reporting_client"]["name"] for i in listed if i["id"] == body["id"]] == ["Elevstøtte"]
    # bullying-like: the leader is told, as of a staff member's report
    told = session.scalars(select(Notification).where(Notification.incident_id == body["id"])).all()
    assert leader.id in {n.user_id for n in told}
    # the timeline names the client; no user acted
    created = session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == body["id"])).one()
    assert created.actor_id is None and created.detail["api_client_id"] == caller.id
    # the student's log names the client as author
    log = client.get(f"/api/v1/students/{world.anna.id}/log", headers=headers(app, world, leader)).json
    reported = [
        e for e in log["items"] if e["ref_id"] == body["id"] and e["detail"].get("event") == "reported"
    ]
    assert [(e["author_id"], e["author_name"]) for e in reported] == [(None, "Elevstøtte")]
    # audited as the client with the scope it used
    row = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "incident_created", AuditEntry.client_id == caller.id)
    ).one()
    assert (row.user_id, row.scope, row.student_id, row.school_id) == (
        None,
        "incidents:write",
        world.anna.id,
        world.school.id,
    )


def test_a_replay_with_the_same_key_writes_one_case(app, client, session):
    world = make_world(session)
    caller = make_api_client(session, world.school, "incidents:write")
    hdrs = _bearer(app, caller, **{"Idempotency-Key": "support-2"})
    first = client.post("/api/v1/incidents", json=_body(world), headers=hdrs)
    again = client.post("/api/v1/incidents", json=_body(world), headers=hdrs)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert _count(session) == 1
    other = client.post("/api/v1/incidents", json=_body(world, classification="teasing"), headers=hdrs)
    assert other.status_code == 422 and other.json["type"] == "idempotency_key_reused"
    # a staff member's key of the same name is theirs alone
    staff = headers(app, world, world.users["teacher"], **{"Idempotency-Key": "support-2"})
    assert client.post("/api/v1/incidents", json=_body(world), headers=staff).status_code == 201
    assert _count(session) == 2


def test_without_incidents_write_a_client_reports_nothing(app, client, session):
    world = make_world(session)
    reader = make_api_client(session, world.school, "incidents:read", "incidents:read:text", "roster:read")
    resp = client.post("/api/v1/incidents", json=_body(world), headers=_bearer(app, reader))
    assert resp.status_code == 403
    assert resp.json["type"] == "insufficient_scope" and "incidents:write" in resp.json["message"]
    assert _count(session) == 0
    # incidents:write opens the report and nothing riskier: no change, note or withdrawal of a case
    writer = make_api_client(session, world.school, "incidents:write")
    hdrs = _bearer(app, writer)
    made = client.post("/api/v1/incidents", json=_body(world), headers=hdrs).json
    for method, url in (
        ("get", f"/api/v1/incidents/{made['id']}"),
        ("get", "/api/v1/incidents"),
        ("patch", f"/api/v1/incidents/{made['id']}"),
        ("post", f"/api/v1/incidents/{made['id']}/withdraw"),
        ("post", f"/api/v1/incidents/{made['id']}/notes"),
    ):
        resp = client.open(url, method=method, headers=hdrs, json={} if method != "get" else None)
        assert resp.status_code == 403, (method, url)
        assert resp.json["type"] in {"insufficient_scope", "not_for_api_clients"}, (method, url)


def test_a_client_never_reports_a_case_accusing_staff(app, client, session):
    world = make_world(session)
    caller = make_api_client(session, world.school, "incidents:write", "incidents:read")
    body = _body(world, accused_staff_id=world.users["teacher"].id)
    resp = client.post("/api/v1/incidents", json=body, headers=_bearer(app, caller))
    assert resp.status_code == 403 and resp.json["type"] == "forbidden"
    assert _count(session) == 0


def test_another_schools_student_is_refused(app, client, session):
    world = make_world(session)
    caller = make_api_client(session, world.school, "incidents:write")
    body = {**BODY, "students": [{"student_id": world.other_student.id, "role": "target"}]}
    resp = client.post("/api/v1/incidents", json=body, headers=_bearer(app, caller))
    assert resp.status_code == 422
    assert _count(session) == 0


def test_a_client_that_reads_the_cases_is_answered_with_the_names(app, client, session):
    world = make_world(session)
    caller = make_api_client(session, world.school, "incidents:write", "incidents:read")
    resp = client.post("/api/v1/incidents", json=_body(world), headers=_bearer(app, caller))
    assert resp.status_code == 201
    assert resp.json["students"][0]["display_name"] == "Anna Holm"


def test_a_client_that_reported_is_revoked_not_deleted(app, client, session):
    world = make_world(session)
    caller = make_api_client(session, world.school, "incidents:write", name="Elevstøtte")
    made = client.post("/api/v1/incidents", json=_body(world), headers=_bearer(app, caller)).json
    admin = headers(app, world, world.users["admin"])
    resp = client.delete(f"/api/v1/api-clients/{caller.id}", headers=admin)
    assert resp.status_code == 409 and resp.json["type"] == "conflict"
    assert client.post(f"/api/v1/api-clients/{caller.id}/revoke", headers=admin).status_code == 200
    read = client.get(f"/api/v1/incidents/{made['id']}", headers=headers(app, world, world.users["leader"]))
    assert read.json["reporting_client"] == {"id": caller.id, "name": "Elevstøtte"}
