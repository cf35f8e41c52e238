"""Complaints: who complained and when, the municipality's decision due in 20 working days, the complainant's
answer, forwarding to the configured national body; the case file as a PDF with an index and a ZIP of parts."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.core.timeutil import utcnow
from api.incidents.models import AcuteMeasure
from tests.incidents.factories import adopt_plan, headers, make_incident, make_world
from tests.observations.factories import make_observation
from tests.students.factories import make_guardian

BODY_NAME = "Børne- og Undervisningsministeriet (klager over mobning)"


@pytest.fixture
def world(app, session):
    app.config["COMPLAINT_BODY_NAME"] = BODY_NAME
    w = make_world(session)
    w.case = make_incident(
        session,
        w,
        classification="bullying",
        status="action_plan",
        established_at=utcnow(),
        established_by=w.users["leader"],
        students=[(w.anna, "target"), (w.bo, "actor")],
    )
    w.mother = make_guardian(session, w.anna, name="Mette Holm")
    w.bo_father = make_guardian(session, w.bo, name="Lars Lund", relation="father")
    return w


def _complain(client, app, world, **over):
    body = {
        "student_id": world.anna.id,
        "complainant_kind": "guardian",
        "guardian_id": world.mother.id,
        "received_on": "2026-04-01",
        "complaint_text": "Skolen greb ikke ind, da Bo Lund blev ved med at skubbe Anna.",
    }
    body.update(over)
    return client.post(
        f"/api/v1/incidents/{world.case.id}/complaints",
        json=body,
        headers=headers(app, world, world.users["leader"]),
    )


def _pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_complaints_course_is_on_its_own_timeline(app, client, world):
    resp = _complain(client, app, world)
    assert resp.status_code == 201, resp.json
    c = resp.json
    assert c["complainant_name"] == "Mette Holm"
    # Received Wednesday 1 April 2026: Easter skipped, 1 May counts, the 20th working day is Monday 4 May.
    assert c["decision_due"] == "2026-05-04"
    assert c["decision_overdue"] is True  # today is after 4 May 2026 and nothing is decided
    assert c["national_body"] == BODY_NAME
    h = headers(app, world, world.users["leader"])
    url = f"/api/v1/complaints/{c['id']}"
    decided = client.post(
        f"{url}/decision",
        json={
            "decision_outcome": "rejected",
            "decision_text": "Skolen handlede efter strategien.",
            "decided_on": "2026-04-28",
        },
        headers=h,
    ).json
    assert decided["status"] == "decided"
    assert decided["decision_overdue"] is False
    answered = client.post(
        f"{url}/answer",
        json={"answered_on": "2026-05-02", "satisfied": False, "complainant_answer": "Uenig."},
        headers=h,
    ).json
    assert answered["allowed_steps"] == ["forwarded", "closed"]
    forwarded = client.post(f"{url}/forward", json={"forwarded_on": "2026-05-03"}, headers=h).json
    assert forwarded["forwarded_to"] == BODY_NAME
    assert [e["status"] for e in forwarded["events"]] == ["received", "decided", "answered", "forwarded"]
    assert (
        client.post(
            f"{url}/decision",
            json={"decision_outcome": "upheld", "decision_text": "x", "decided_on": "2026-05-03"},
            headers=h,
        ).status_code
        == 409
    )
    assert client.post(f"{url}/close", headers=h).json["status"] == "closed"


def _decided_and_answered(client, url: str, h: dict, *, outcome: str, satisfied: bool):
    """The municipality's decision on the complaint, then the complainant's answer to it (that answer returned)."""
    client.post(
        f"{url}/decision",
        json={"decision_outcome": outcome, "decision_text": "Afgjort.", "decided_on": "2026-04-20"},
        headers=h,
    )
    return client.post(f"{url}/answer", json={"answered_on": "2026-04-21", "satisfied": satisfied}, headers=h)


def test_forwarding_needs_a_configured_or_named_body(app, client, world):
    app.config["COMPLAINT_BODY_NAME"] = None
    c = _complain(client, app, world).json
    h = headers(app, world, world.users["leader"])
    url = f"/api/v1/complaints/{c['id']}"
    _decided_and_answered(client, url, h, outcome="rejected", satisfied=False)
    resp = client.post(f"{url}/forward", json={"forwarded_on": "2026-04-22"}, headers=h)
    assert resp.status_code == 422
    assert "forwarded_to" in resp.json["errors"]
    named = client.post(
        f"{url}/forward", json={"forwarded_on": "2026-04-22", "forwarded_to": "Klageinstansen"}, headers=h
    )
    assert named.json["forwarded_to"] == "Klageinstansen"


def test_a_satisfied_complainant_is_offered_closing_only(app, client, world):
    """allowed_steps lists only what the API accepts: forwarding a satisfied complainant's complaint is refused,
    so it is not offered."""
    c = _complain(client, app, world).json
    h = headers(app, world, world.users["leader"])
    url = f"/api/v1/complaints/{c['id']}"
    answered = _decided_and_answered(client, url, h, outcome="upheld", satisfied=True)
    assert answered.json["allowed_steps"] == ["closed"]
    assert client.get(url, headers=h).json["allowed_steps"] == ["closed"]
    assert client.post(f"{url}/forward", json={"forwarded_on": "2026-04-22"}, headers=h).status_code == 409
    assert client.post(f"{url}/close", headers=h).json["status"] == "closed"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"student_id": "carl"}, "student_id"),
        ({"guardian_id": "bo_father"}, "guardian_id"),
        ({"received_on": "2099-01-01"}, "received_on"),
        ({"guardian_id": None, "complainant_name": None}, "complainant_name"),
        ({"complaint_text": ""}, "complaint_text"),
    ],
)
def test_bad_complaints_are_refused(app, client, world, over, field):
    if over.get("student_id") == "carl":
        over["student_id"] = world.carl.id
    if over.get("guardian_id") == "bo_father":
        over["guardian_id"] = world.bo_father.id
    resp = _complain(client, app, world, **over)
    assert resp.status_code == 422, resp.json
    assert field in resp.json["errors"]


def test_who_may_see_and_record_complaints(app, client, world):
    c = _complain(client, app, world).json
    url = f"/api/v1/incidents/{world.case.id}/complaints"
    for role, (read, write) in {
        "leader": (200, 201),
        "resource_person": (200, 403),
        "teacher": (403, 403),  # works the case, does not handle complaints
        "teacher_b": (404, 404),
        "admin": (404, 404),
    }.items():
        h = headers(app, world, world.users[role])
        assert client.get(url, headers=h).status_code == read, role
        assert client.get(f"/api/v1/complaints/{c['id']}", headers=h).status_code == read, role
        body = {
            "student_id": world.anna.id,
            "complainant_kind": "other",
            "complainant_name": "X",
            "received_on": "2026-04-01",
            "complaint_text": "x",
        }
        assert client.post(url, json=body, headers=h).status_code == write, role
    for user in world.other_users.values():
        h = headers(app, world, user)
        assert client.get(f"/api/v1/complaints/{c['id']}", headers=h).status_code == 404
        assert (
            client.get(f"/api/v1/complaints/{c['id']}/case-file?purpose=municipality", headers=h).status_code
            == 404
        )


def test_the_case_file_is_one_pdf_with_an_index_and_other_children_by_role(app, client, session, world):
    h = headers(app, world, world.users["leader"])
    client.post(
        f"/api/v1/incidents/{world.case.id}/notes",
        json={"kind": "parents", "body": "Samtale med Lars Lund om Bo. Anna var ked af det."},
        headers=h,
    )
    session.add(
        AcuteMeasure(
            incident_id=world.case.id,
            description="Bo holder frikvarter et andet sted",
            recorded_by_id=world.users["leader"].id,
        )
    )
    session.commit()
    adopt_plan(session, world.case, world.users["leader"], date(2026, 4, 20))
    linked = make_observation(
        session, world.users["leader"], [world.anna, world.bo], note="Anna og Bo skændtes"
    )
    linked.incident_id = world.case.id
    make_observation(session, world.users["leader"], [world.anna], note="IKKE-RELEVANT-MARKER")
    session.commit()
    session.expire_all()  # the requests share this session (one app context), as they would not in production
    c = _complain(client, app, world).json
    resp = client.get(f"/api/v1/complaints/{c['id']}/case-file?purpose=national_body", headers=h)
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    pages = _pdf_text(resp.data)
    text = "\n".join(pages)
    # The index on the first page lists the nine parts in the order of the complaint rules.
    for title in (
        "Klagen",
        "Første afgørelse og klagerens bemærkninger",
        "Elevens perspektiv",
        "Antimobbestrategien",
        "Undervisningsmiljøvurderingen (UMV)",
        "Den nationale trivselsmåling for klassen",
        "Handlingsplanen",
        "De midlertidige foranstaltninger",
        "Andet relevant materiale",
    ):
        assert title in pages[0], title
    assert len(pages) >= 10
    assert "Anna Holm" in text
    assert "Bo" not in text.replace("Børn", "")  # no "Bo", "Bo Lund" nor "Lars Lund" anywhere
    assert "Lund" not in text
    assert "anden elev, udøver" in text
    assert "forælder til anden elev, udøver" in text
    assert "anden elev, udøver holder frikvarter et andet sted" in text
    assert "skændtes" in text  # the observation linked to the case
    assert "IKKE-RELEVANT-MARKER" not in text  # not the one that is not about the case
    assert "Trivsel rummer ingen resultater fra den nationale trivselsmåling" in text
    assert "Voksen i skolegården" in text  # the action plan's measure
    row = session.scalar(select(AuditEntry).where(AuditEntry.action == "case_file_exported"))
    assert (row.detail["purpose"], row.detail["format"]) == ("national_body", "pdf")
    assert row.detail["criteria"] == {"purpose": "national_body"}  # the request's own criteria, as every read


def test_the_case_file_as_a_zip_of_its_parts(app, client, world):
    c = _complain(client, app, world).json
    resp = client.get(
        f"/api/v1/complaints/{c['id']}/case-file?purpose=municipality&format=zip",
        headers=headers(app, world, world.users["resource_person"]),
    )
    assert resp.status_code == 200
    assert resp.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(resp.data)) as z:
        names = z.namelist()
        assert names[0] == "00-sagsakt.pdf"
        assert names[1:] == [
            "01-klagen.pdf",
            "02-afgoerelse.pdf",
            "03-elevens-perspektiv.pdf",
            "04-antimobbestrategi.pdf",
            "05-umv.pdf",
            "06-trivselsmaaling.pdf",
            "07-handlingsplan.pdf",
            "08-midlertidige-foranstaltninger.pdf",
            "09-andet-materiale.pdf",
        ]
        first = _pdf_text(z.read("01-klagen.pdf"))
        assert "Mette Holm" in first[0]


def test_case_file_without_complaint_or_purpose_is_a_clear_4xx(app, client, world):
    h = headers(app, world, world.users["leader"])
    resp = client.get(f"/api/v1/incidents/{world.case.id}/case-file?purpose=municipality", headers=h)
    assert resp.status_code == 409
    assert resp.json["type"] == "no_complaint"
    c = _complain(client, app, world).json
    assert (
        client.get(f"/api/v1/incidents/{world.case.id}/case-file?purpose=municipality", headers=h).status_code
        == 200
    )
    missing = client.get(f"/api/v1/complaints/{c['id']}/case-file", headers=h)
    assert missing.status_code == 422
    assert "purpose" in missing.json["errors"]
