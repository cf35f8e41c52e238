"""The demo school gets prevention data: recent observations, arrangements today, a planned wellbeing day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from api.core.timeutil import local_date
from api.demo import load_demo
from api.observations.models import Observation
from api.play_partners import service as play_partners
from api.users.models import User
from api.wellbeing_days.models import WellbeingDay, WellbeingGroupMember


def test_demo_has_prevention_data(app, session):
    with app.test_request_context():
        assert load_demo(session) is not None
        session.commit()
        observations = session.scalars(select(Observation)).all()
        assert len(observations) >= 30
        days = {o.observed_at.date() for o in observations}
        assert max(days) - min(days) >= timedelta(days=14)
        assert any(o.sensitive and o.note for o in observations)
        assert any(o.incident_id for o in observations)

        duty = session.scalars(select(User).where(User.email == "laerer@vestrup.example")).one()
        today = play_partners.list_arrangements(session, caller=duty, date=local_date())
        assert today["total"] >= 2

        day = session.scalars(select(WellbeingDay)).one()
        assert day.day > local_date() and day.groups_planned
        members = session.scalar(select(func.count()).select_from(WellbeingGroupMember))
        assert members and members > 0
