"""The demo school has realistic cases in every state, one with an overdue action plan."""

from __future__ import annotations

from sqlalchemy import select

from api.core.timeutil import local_date
from api.demo import load_demo
from api.incidents.models import CaseStatus, Incident
from api.incidents.service import deadline_status
from api.users.models import User
from tests.factories import auth


def test_demo_cases_cover_every_state_and_an_overdue_plan(app, client, session):
    assert load_demo(session) is not None
    session.commit()
    incidents = session.scalars(select(Incident)).all()
    assert {i.status for i in incidents} == {s.value for s in CaseStatus}
    today = local_date()
    states = [deadline_status(i, today=today, soon=today) for i in incidents]
    assert "overdue" in states and "met" in states
    leader = session.scalar(select(User).where(User.email == "leder@vestrup.example"))
    h = auth(app, leader)
    overdue = client.get("/api/v1/incidents?deadline=overdue", headers=h).json
    assert overdue["total"] == 1 and overdue["items"][0]["classification"] == "digital_bullying"
    # every case reads cleanly through the API, with its timeline
    for incident in incidents:
        assert client.get(f"/api/v1/incidents/{incident.id}", headers=h).status_code == 200
        timeline = client.get(f"/api/v1/incidents/{incident.id}/timeline", headers=h).json
        assert timeline["items"][0]["kind"] == "created"
    assert client.get("/api/v1/notifications?unread=true", headers=h).json["total"] >= 1
    # the demo teacher works the cases of their class
    teacher = session.scalar(select(User).where(User.email == "laerer@vestrup.example"))
    assert client.get("/api/v1/incidents", headers=auth(app, teacher)).json["total"] >= 3
