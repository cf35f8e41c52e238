"""Assurance: a school may want two factors for case work. A one-factor sign-in still logs incidents and
observations from the schoolyard; case work answers 403 `step_up_required` until the person signs in again with
the second factor. The level rides in the session's tokens, through refresh."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import attach_staff, auth, make_class, make_student, make_user
from tests.sso.conftest import audited, csrf, refusal


@pytest.fixture
def school(sso):
    sso.school.case_work_requires_two_factor = True
    sso.session.commit()
    cls = make_class(sso.session, sso.school)
    teacher = make_user(sso.session, sso.school, "teacher")
    attach_staff(sso.session, cls, teacher)
    sso.link(teacher, "uni-laerer-1")
    return {"teacher": teacher, "student": make_student(sso.session, sso.school, cls)}


def _report(sso, student):
    body = {"classification": "teasing", "students": [{"student_id": student.id, "role": "target"}]}
    return sso.client.post("/api/v1/incidents", json=body, headers=csrf(sso.client))


def test_one_factor_logs_but_case_work_asks_for_a_step_up(sso, school):
    assert refusal(sso.sign_in("laerer")) is None
    reported = _report(sso, school["student"])
    assert reported.status_code == 201, reported.json
    observed = sso.client.post(
        "/api/v1/observations",
        json={"student_ids": [school["student"].id], "mood": 3},
        headers=csrf(sso.client),
    )
    assert observed.status_code == 201, observed.json
    assert sso.client.get("/api/v1/incident-places").status_code == 200

    case = sso.client.get(f"/api/v1/incidents/{reported.json['id']}")
    assert case.status_code == 403 and case.json["type"] == "step_up_required"
    listed = sso.client.get("/api/v1/incidents")
    assert listed.status_code == 403 and listed.json["type"] == "step_up_required"
    note = sso.client.post(
        f"/api/v1/incidents/{reported.json['id']}/notes",
        json={"text": "Talt med Anna"},
        headers=csrf(sso.client),
    )
    assert note.status_code == 403 and note.json["type"] == "step_up_required"
    assert audited(sso.session, "denied")[-1].detail == {"reason": "step_up_required"}


def test_the_step_up_sign_in_asks_the_provider_for_a_fresh_login_and_opens_case_work(sso, school):
    assert refusal(sso.sign_in("laerer")) is None
    incident_id = _report(sso, school["student"]).json["id"]

    authorize = parse_qs(urlsplit(sso.start(step_up="true")).query)
    assert authorize["prompt"] == ["login"]
    resp = sso.sign_in("laerer", two_factor=True, step_up="true", next=f"/cases/{incident_id}")
    assert refusal(resp) is None and resp.headers["Location"] == f"/?sso=ok#/cases/{incident_id}"
    assert sso.client.get(f"/api/v1/incidents/{incident_id}").status_code == 200
    assert audited(sso.session, "login")[-1].detail["loa"] == 2

    # A refresh keeps the level: the rotated tokens still open case work.
    refreshed = sso.client.post(
        "/api/v1/auth/refresh", headers={"X-CSRF-TOKEN": sso.client.get_cookie("csrf_refresh_token").value}
    )
    assert refreshed.status_code == 200
    assert sso.client.get(f"/api/v1/incidents/{incident_id}").status_code == 200


def test_a_step_up_without_the_second_factor_stays_one_factor(sso, school):
    resp = sso.sign_in("laerer", step_up="true")
    assert refusal(resp) is None
    assert sso.client.get("/api/v1/incidents").json["type"] == "step_up_required"


def test_a_password_login_is_one_factor(sso, school):
    headers = auth(sso.app, school["teacher"])  # tokens as a password login issues them
    resp = sso.client.get("/api/v1/incidents", headers=headers)
    assert resp.status_code == 403 and resp.json["type"] == "step_up_required"


def test_schools_that_do_not_ask_for_two_factors_let_one_factor_work_cases(sso, school):
    sso.school.case_work_requires_two_factor = False
    sso.session.commit()
    assert refusal(sso.sign_in("laerer")) is None
    assert sso.client.get("/api/v1/incidents").status_code == 200


def test_the_preset_maps_unilogin_loa_and_generic_amr(sso):
    from api.sso.models import IdentityProvider
    from api.sso.service import assurance

    unilogin = sso.session.get(IdentityProvider, sso.provider_id)
    assert assurance(unilogin, {"unilogin_loa": "ToFaktor"}) == 2
    assert assurance(unilogin, {"unilogin_loa": "EnFaktor"}) == 1
    assert assurance(unilogin, {}) == 1
    generic = sso.session.get(IdentityProvider, sso.add_provider(preset="oidc", name="Entra ID"))
    assert assurance(generic, {"amr": ["pwd", "mfa"]}) == 2
    assert assurance(generic, {"amr": ["pwd"]}) == 1
