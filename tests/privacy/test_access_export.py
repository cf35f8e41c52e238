"""The access export for one student (GDPR art. 15): JSON and a readable PDF of everything about the child,
with the access log; other children only by role; audited; another school's student is 404."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.incidents.models import Incident
from api.wellbeing_days.models import WellbeingGroup, WellbeingGroupMember
from tests.incidents.factories import headers, make_incident, make_world
from tests.observations.factories import make_observation
from tests.play_partners.factories import make_arrangement
from tests.students.factories import make_guardian
from tests.wellbeing_days.factories import make_day


@pytest.fixture
def world(app, session):
    w = make_world(session)
    case = make_incident(session, w, students=[(w.anna, "target"), (w.bo, "actor")])
    session.get(Incident, case.id).description = "Bo Lund tog Annas madpakke"
    session.commit()
    w.case = case
    make_guardian(session, w.anna, name="Mette Holm")
    make_observation(session, w.users["teacher"], [w.anna, w.bo], note="Anna og Bo legede fint")
    make_arrangement(session, w.users["teacher"], [w.anna, w.carl], purpose="Anna og Carl leger")
    day = make_day(session, w.users["leader"], title="Trivselsdag i skoven")
    group = WellbeingGroup(wellbeing_day_id=day.id, number=3)
    session.add(group)
    session.flush()
    for child in (w.anna, w.bo):
        session.add(WellbeingGroupMember(wellbeing_day_id=day.id, group_id=group.id, student_id=child.id))
    session.commit()
    w.day = day
    # A teacher read the case: the access log shows it.
    return w


def _url(world, student=None, fmt="json"):
    return f"/api/v1/students/{(student or world.anna).id}/access-export?format={fmt}"


def test_json_holds_everything_about_the_child_and_other_children_by_role(app, client, session, world):
    client.get(f"/api/v1/incidents/{world.case.id}", headers=headers(app, world, world.users["teacher"]))
    resp = client.get(_url(world), headers=headers(app, world, world.users["leader"]))
    assert resp.status_code == 200
    data = json.loads(resp.get_data(as_text=True))
    assert data["format"] == "trivsel-access-export/1"
    assert data["student"]["display_name"] == "Anna Holm"
    assert [g["name"] for g in data["guardians"]] == ["Mette Holm"]
    [case] = data["cases"]
    assert case["role"] == "target"
    assert case["other_students"] == ["anden elev, udøver"]
    assert case["description"] == "anden elev, udøver tog Annas madpakke"
    [obs] = data["observations"]
    assert obs["note"] == "Anna og anden elev legede fint"
    [arr] = data["play_partner_arrangements"]
    assert arr["purpose"] == "Anna og anden elev leger"
    # The wellbeing days she was placed on, with her group (its other members unnamed).
    assert data["wellbeing_day_groups"] == [
        {"id": world.day.id, "day": world.day.day.isoformat(), "title": "Trivselsdag i skoven", "group": 3}
    ]
    text = json.dumps(data, ensure_ascii=False)
    assert "Bo" not in text and "Carl" not in text and "Lund" not in text
    log = data["access_log"]
    viewed = [e for e in log if e["action"] == "incident_viewed"]
    assert viewed and viewed[0]["roles"] == ["teacher"]
    assert any(e["action"] == "access_export" for e in log)  # the export itself is in the log


def test_pdf_is_readable(app, client, world):
    resp = client.get(_url(world, fmt="pdf"), headers=headers(app, world, world.users["leader"]))
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
    assert "Indsigt: oplysninger om Anna Holm" in text
    assert "anden elev, udøver tog Annas madpakke" in text
    assert "adgangslog" in text
    assert "Trivselsdag i skoven" in text and "Gruppe 3" in text
    assert "Bo" not in text.replace("Børn", "")


def test_the_export_is_audited(app, client, session, world):
    client.get(_url(world), headers=headers(app, world, world.users["leader"]))
    row = session.scalar(select(AuditEntry).where(AuditEntry.action == "access_export"))
    assert (row.student_id, row.user_id) == (world.anna.id, world.users["leader"].id)


def test_only_leaders_and_never_another_schools_student(app, client, world):
    for role in ("admin", "teacher", "resource_person", "pedagogue", "sfo_staff"):
        assert client.get(_url(world), headers=headers(app, world, world.users[role])).status_code == 403, (
            role
        )
    other = client.get(
        _url(world, student=world.other_student), headers=headers(app, world, world.users["leader"])
    )
    assert other.status_code == 404
    assert other.json["type"] == "not_found"
