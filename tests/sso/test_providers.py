"""Admins set up the school's identity providers; the client secret goes in and never comes out. Password
login can be switched off per school once the admin can sign in with SSO."""

from __future__ import annotations

from sqlalchemy import select

from api.sso.models import IdentityProvider
from tests.factories import PASSWORD, auth, make_school, make_user
from tests.sso.conftest import refusal
from tests.sso.harness import CLIENT_SECRET


def test_the_unilogin_preset_fills_the_claim_mapping_and_the_secret_is_write_only(sso):
    resp = sso.client.get(f"/api/v1/sso/providers/{sso.provider_id}", headers=sso.admin_headers)
    body = resp.json
    assert body["preset"] == "unilogin" and body["scope"] == "school"
    assert body["subject_claim"] == "uniid" and body["staff_claim"] == "aktoer_gruppe"
    assert body["staff_values"] == ["Medarbejder"]
    assert body["loa_claim"] == "unilogin_loa" and body["two_factor_values"] == ["ToFaktor"]
    assert body["redirect_uri"] == f"http://localhost/api/v1/auth/sso/providers/{sso.provider_id}/callback"
    assert body["has_client_secret"] is True
    assert CLIENT_SECRET not in resp.get_data(as_text=True)
    listed = sso.client.get("/api/v1/sso/providers", headers=sso.admin_headers)
    assert CLIENT_SECRET not in listed.get_data(as_text=True) and listed.json["total"] == 1
    stored = sso.session.scalar(select(IdentityProvider.client_secret_encrypted))
    assert CLIENT_SECRET not in stored  # encrypted at rest too


def test_a_new_secret_replaces_the_old_one_and_a_wrong_one_fails_the_sign_in(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    sso.link(teacher, "uni-laerer-1")
    url = f"/api/v1/sso/providers/{sso.provider_id}"
    etag = sso.client.get(url, headers=sso.admin_headers).headers["ETag"]
    changed = sso.client.patch(
        url, json={"client_secret": "a-wrong-secret"}, headers={**sso.admin_headers, "If-Match": etag}
    )
    assert changed.status_code == 200 and "a-wrong-secret" not in changed.get_data(as_text=True)
    assert refusal(sso.sign_in("laerer")) == "token_invalid"  # the provider refuses the code exchange


def test_the_login_screen_lists_enabled_providers_by_name_only(sso):
    resp = sso.client.get("/api/v1/auth/sso/providers")
    assert resp.json == [{"id": sso.provider_id, "name": "Unilogin"}]


def test_providers_are_for_admins_and_another_schools_provider_is_not_found(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    assert sso.client.get("/api/v1/sso/providers", headers=auth(sso.app, teacher)).status_code == 403
    other_admin = make_user(sso.session, make_school(sso.session), "admin")
    url = f"/api/v1/sso/providers/{sso.provider_id}"
    assert sso.client.get(url, headers=auth(sso.app, other_admin)).status_code == 404
    assert sso.client.get("/api/v1/sso/providers", headers=auth(sso.app, other_admin)).json["total"] == 0


def test_a_deployment_provider_serves_every_school_and_no_school_admin_changes_it(sso, app):
    from api.sso.service import create_deployment_provider

    with app.test_request_context():
        provider = create_deployment_provider(
            sso.session,
            preset="unilogin",
            name="Unilogin (kommunen)",
            issuer=sso.provider.issuer,
            client_id="trivsel",
            client_secret=CLIENT_SECRET,
            scopes="openid unilogin",
        )
        sso.session.commit()
    other = make_school(sso.session)
    teacher = make_user(sso.session, other, "teacher")
    other_admin = make_user(sso.session, other, "admin")
    link = {"provider_id": provider.id, "user_id": teacher.id, "subject": "uni-laerer-1"}
    assert sso.client.post("/api/v1/sso/links", json=link, headers=auth(app, other_admin)).status_code == 201
    assert refusal(sso.sign_in("laerer", provider_id=provider.id)) is None
    assert sso.client.get("/api/v1/auth/me").json["id"] == teacher.id

    url = f"/api/v1/sso/providers/{provider.id}"
    etag = sso.client.get(url, headers=auth(app, other_admin)).headers["ETag"]
    denied = sso.client.patch(
        url, json={"enabled": False}, headers={**auth(app, other_admin), "If-Match": etag}
    )
    assert denied.status_code == 403


def test_password_login_is_switched_off_only_by_an_admin_who_can_sign_in_with_sso(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    school = sso.client.get("/api/v1/schools/current", headers=sso.admin_headers)
    assert school.json["password_login"] is True

    def switch_off():
        etag = sso.client.get("/api/v1/schools/current", headers=sso.admin_headers).headers["ETag"]
        return sso.client.patch(
            "/api/v1/schools/current",
            json={"password_login": False},
            headers={**sso.admin_headers, "If-Match": etag},
        )

    refused = switch_off()
    assert refused.status_code == 409 and "password_login" in refused.json["errors"]
    assert sso.link(sso.admin, "uni-leder-1").status_code == 201
    assert switch_off().status_code == 200

    resp = sso.client.post("/api/v1/auth/login", json={"email": teacher.email, "password": PASSWORD})
    assert resp.status_code == 403 and resp.json["type"] == "password_login_disabled"
    wrong = sso.client.post(
        "/api/v1/auth/login", json={"email": teacher.email, "password": "not-the-password"}
    )
    assert wrong.status_code == 401  # a wrong password learns nothing about the school's setting
    sso.link(teacher, "uni-laerer-1")
    assert refusal(sso.sign_in("laerer")) is None


def test_removing_a_provider_removes_its_links_and_its_button(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    sso.link(teacher, "uni-laerer-1")
    resp = sso.client.delete(f"/api/v1/sso/providers/{sso.provider_id}", headers=sso.admin_headers)
    assert resp.status_code == 204
    assert sso.client.get("/api/v1/sso/links", headers=sso.admin_headers).json["total"] == 0
    assert sso.client.get("/api/v1/auth/sso/providers").json == []


def test_the_operator_adds_a_deployment_provider_from_the_command_line(app, sso):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "sso-provider",
            "--preset",
            "oidc",
            "--name",
            "Kommunens login",
            "--issuer",
            sso.provider.issuer,
            "--client-id",
            "trivsel",
        ],
        env={"SSO_CLIENT_SECRET": CLIENT_SECRET},
    )
    assert result.exit_code == 0, result.output
    assert "/api/v1/auth/sso/providers/" in result.output and CLIENT_SECRET not in result.output
    listed = sso.client.get("/api/v1/sso/providers", headers=sso.admin_headers).json["items"]
    assert {(p["name"], p["scope"], p["subject_claim"]) for p in listed} == {
        ("Unilogin", "school", "uniid"),
        ("Kommunens login", "deployment", "sub"),
    }
