"""The demo school speaks Danish: every text a person wrote in it (descriptions, notes, measures, purposes,
names of things) is Danish, and notifications carry no sentence at all."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.calendar.models import ClosedPeriod
from api.core import audit
from api.demo import load_demo
from api.incidents.models import (
    AcuteMeasure,
    AudienceItem,
    CaseNote,
    FollowUp,
    Incident,
    PlanMeasure,
    Referral,
)
from api.notifications.models import PARAMS, Notification
from api.observations.models import Observation
from api.play_partners.models import ArrangementCheckIn, PlayPartnerArrangement
from api.wellbeing_days.models import WellbeingDay

# Words that appear in English sentences and never in Danish ones.
ENGLISH = re.compile(
    r"\b(the|and|with|was|were|they|their|them|is|are|of|after|played|together|help|told|said|"
    r"mentioned|things|nobody|someone|no one|left out|meet|checks)\b",
    re.IGNORECASE,
)
TEXTS = [
    (Incident, ("description", "pupil_perspective", "digital_medium")),
    (CaseNote, ("body", "participants")),
    (AcuteMeasure, ("description",)),
    (PlanMeasure, ("description", "responsible")),
    (FollowUp, ("summary",)),
    (Referral, ("note", "partner_name")),
    (AudienceItem, ("how",)),
    (Observation, ("note",)),
    (PlayPartnerArrangement, ("purpose",)),
    (ArrangementCheckIn, ("note",)),
    (WellbeingDay, ("title", "description")),
    (ClosedPeriod, ("name",)),
]


def test_every_demo_text_is_danish(app: Flask, session: Session) -> None:
    with app.test_request_context():
        assert load_demo(session) is not None
        audit.flush_pending(session)
        session.commit()
    english: list[str] = []
    counted = 0
    for model, fields in TEXTS:
        for row in session.scalars(select(model)):
            for field in fields:
                text = getattr(row, field)
                if text:
                    counted += 1
                    if ENGLISH.search(text):
                        english.append(f"{model.__name__}.{field}: {text}")
    assert counted > 50  # the demo has texts of every kind above
    assert english == []
    notifications = session.scalars(select(Notification)).all()
    assert notifications and all(set(n.params) == set(PARAMS[n.kind]) for n in notifications)
