"""Notifications: each user reads and marks their own."""

from __future__ import annotations

from api.notifications.service import notify
from tests.factories import auth, make_school, make_user


def test_notify_list_unread_and_mark_read(app, client, session):
    school = make_school(session)
    leader = make_user(session, school, "leader")
    teacher = make_user(session, school, "teacher")
    gone = make_user(session, school, "leader", active=False)
    due = {"classification": "bullying", "action_plan_due": "2026-04-20"}
    sent = notify(session, user_ids=[leader.id, gone.id], kind="bullying_established", params=due)
    notify(session, user_ids=[leader.id, teacher.id], kind="staff_accused", caller=teacher)
    session.commit()
    assert [n.user_id for n in sent] == [leader.id]  # deactivated users are not notified
    h = auth(app, leader)
    page = client.get("/api/v1/notifications?unread=true", headers=h).json
    assert page["total"] == 2
    assert [(n["kind"], n["params"]) for n in page["items"]] == [
        ("staff_accused", {}),
        ("bullying_established", due),
    ]
    assert "message" not in page["items"][0]  # the UI words it, in Danish or English
    first = page["items"][1]
    assert first["read"] is False and first["kind"] == "bullying_established"
    # nobody else can mark it read, nor see it
    assert (
        client.post(f"/api/v1/notifications/{first['id']}/read", headers=auth(app, teacher)).status_code
        == 404
    )
    assert client.get("/api/v1/notifications", headers=auth(app, teacher)).json["total"] == 0
    resp = client.post(f"/api/v1/notifications/{first['id']}/read", headers=h)
    assert resp.status_code == 200 and resp.json["read"] is True and resp.json["read_at"]
    again = client.post(f"/api/v1/notifications/{first['id']}/read", headers=h)
    assert again.json["read_at"] == resp.json["read_at"]
    assert client.get("/api/v1/notifications?unread=true", headers=h).json["total"] == 1
    assert client.get("/api/v1/notifications?unread=false", headers=h).json["total"] == 1
    assert client.post("/api/v1/notifications/99999/read", headers=h).status_code == 404
