"""Linking, never guessing: only a person an admin linked signs in; pupils, unknown ids, deactivated users and
another school's users are refused, each refusal audited and named for the Danish sign-in page."""

from __future__ import annotations

from api.sso.models import ExternalIdentity
from tests.factories import make_school, make_user
from tests.sso.conftest import audited, refusal


def _refused_with(sso, login, reason):
    resp = sso.sign_in(login)
    assert refusal(resp) == reason
    assert resp.headers["Location"] == f"/?sso_error={reason}"
    assert sso.client.get_cookie("access_token_cookie") is None  # no session
    rows = audited(sso.session, "sso_refused")
    assert rows and rows[-1].outcome == "denied" and rows[-1].detail["reason"] == reason
    return rows[-1]


def test_an_unknown_subject_is_refused_even_with_a_staff_account_at_the_provider(sso):
    row = _refused_with(sso, "ukendt", "unknown_subject")
    assert row.school_id == sso.school.id


def test_a_pupil_is_refused_even_when_someone_linked_their_uniid_to_a_staff_user(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    assert sso.link(teacher, "uni-elev-1").status_code == 201
    row = _refused_with(sso, "elev", "pupil")
    assert row.detail["group"] == "Elev"


def test_other_actor_groups_than_staff_are_refused(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    sso.link(teacher, "uni-ekstern-1")
    _refused_with(sso, "ekstern", "not_staff")


def test_a_deactivated_user_is_refused(sso):
    gone = make_user(sso.session, sso.school, "teacher", active=False)
    assert sso.link(gone, "uni-inaktiv-1").status_code == 201
    row = _refused_with(sso, "inaktiv", "deactivated")
    assert row.user_id == gone.id


def test_a_user_of_another_school_is_refused_at_this_schools_provider(sso):
    # A link made before the person moved school (the API links only users of the admin's own school).
    other = make_school(sso.session)
    moved = make_user(sso.session, other, "teacher")
    sso.session.add(
        ExternalIdentity(
            provider_id=sso.provider_id,
            subject="uni-laerer-1",
            user_id=moved.id,
            school_id=other.id,
            linked_by="admin",
        )
    )
    sso.session.commit()
    _refused_with(sso, "laerer", "wrong_school")


def test_roles_come_from_trivsel_and_a_sign_in_is_audited_as_a_login(sso):
    leader = make_user(sso.session, sso.school, "leader", "resource_person")
    sso.link(leader, "uni-leder-1")
    assert refusal(sso.sign_in("leder")) is None
    assert sso.client.get("/api/v1/auth/me").json["roles"] == ["leader", "resource_person"]
    login = audited(sso.session, "login")[-1]
    assert login.user_id == leader.id and login.detail["method"] == "sso" and login.detail["loa"] == 1


def test_a_disabled_provider_cannot_be_used(sso):
    etag = sso.client.get(f"/api/v1/sso/providers/{sso.provider_id}", headers=sso.admin_headers).headers[
        "ETag"
    ]
    resp = sso.client.patch(
        f"/api/v1/sso/providers/{sso.provider_id}",
        json={"enabled": False},
        headers={**sso.admin_headers, "If-Match": etag},
    )
    assert resp.status_code == 200 and resp.json["enabled"] is False
    assert sso.client.get(f"/api/v1/auth/sso/providers/{sso.provider_id}/login").status_code == 404
    assert sso.client.get("/api/v1/auth/sso/providers").json == []


def test_a_pupil_is_refused_even_by_a_provider_whose_staff_check_was_switched_off(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    loose = sso.add_provider(staff_claim=None, name="Unilogin uden tjek")
    sso.link(teacher, "uni-elev-1", provider_id=loose)
    assert refusal(sso.sign_in("elev", provider_id=loose)) == "pupil"
