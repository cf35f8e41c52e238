"""Admins link external ids to users (by hand, or by a verified e-mail they allowed per provider)."""

from __future__ import annotations

from tests.factories import auth, make_school, make_user
from tests.sso.conftest import audited, refusal


def test_an_admin_links_a_uniid_and_the_person_can_then_sign_in(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    assert refusal(sso.sign_in("laerer")) == "unknown_subject"

    resp = sso.link(teacher, " uni-laerer-1 ")
    assert resp.status_code == 201, resp.json
    assert resp.json["subject"] == "uni-laerer-1" and resp.json["linked_by"] == "admin"
    assert resp.json["user_id"] == teacher.id and resp.json["last_sign_in_at"] is None

    assert refusal(sso.sign_in("laerer")) is None
    listed = sso.client.get(f"/api/v1/sso/links?user_id={teacher.id}", headers=sso.admin_headers).json
    assert listed["total"] == 1 and listed["items"][0]["last_sign_in_at"] is not None


def test_one_id_links_one_user_and_one_user_one_id_per_provider(sso):
    a = make_user(sso.session, sso.school, "teacher")
    b = make_user(sso.session, sso.school, "teacher")
    assert sso.link(a, "uni-laerer-1").status_code == 201
    again = sso.link(b, "uni-laerer-1")
    assert again.status_code == 409 and again.json["errors"] == {"subject": ["already linked"]}
    second = sso.link(a, "uni-leder-1")
    assert second.status_code == 409 and second.json["errors"] == {"user_id": ["already linked"]}


def test_only_admins_link_and_only_their_own_schools_users(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    body = {"provider_id": sso.provider_id, "user_id": teacher.id, "subject": "uni-laerer-1"}
    denied = sso.client.post("/api/v1/sso/links", json=body, headers=auth(sso.app, teacher))
    assert denied.status_code == 403

    stranger = make_user(sso.session, make_school(sso.session), "teacher")
    assert sso.link(stranger, "uni-laerer-1").status_code == 404


def test_unlinking_ends_the_persons_sessions_and_their_next_sign_in(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    link_id = sso.link(teacher, "uni-laerer-1").json["id"]
    assert refusal(sso.sign_in("laerer")) is None
    assert sso.client.get("/api/v1/auth/me").status_code == 200

    resp = sso.client.delete(f"/api/v1/sso/links/{link_id}", headers=sso.admin_headers)
    assert resp.status_code == 204
    assert sso.client.get("/api/v1/auth/me").status_code == 401
    assert refusal(sso.sign_in("laerer")) == "unknown_subject"


def _generic_provider(sso, **settings):
    return sso.add_provider(
        preset="oidc", name="Kommunens login", scopes="openid email", subject_claim="sub", **settings
    )


def test_a_verified_email_links_a_first_sign_in_only_where_the_admin_allowed_it(sso):
    person = make_user(sso.session, sso.school, "pedagogue", email="Mail.Person@example.dk")
    strict = _generic_provider(sso)
    assert refusal(sso.sign_in("mail", provider_id=strict)) == "unknown_subject"

    allowing = _generic_provider(sso, allow_email_linking=True)
    assert refusal(sso.sign_in("mail", provider_id=allowing)) is None
    assert sso.client.get("/api/v1/auth/me").json["id"] == person.id
    link = audited(sso.session, "sso_link_created")[-1]
    assert link.detail == {"user_id": person.id, "provider_id": allowing, "by": "verified_email"}
    links = sso.client.get(f"/api/v1/sso/links?user_id={person.id}", headers=sso.admin_headers).json
    assert [(x["provider_id"], x["linked_by"], x["subject"]) for x in links["items"]] == [
        (allowing, "email", "mail")
    ]


def test_a_matching_email_of_a_deactivated_user_links_nobody(sso):
    make_user(sso.session, sso.school, "teacher", email="mail.person@example.dk", active=False)
    allowing = _generic_provider(sso, allow_email_linking=True)
    assert refusal(sso.sign_in("mail", provider_id=allowing)) == "unknown_subject"
