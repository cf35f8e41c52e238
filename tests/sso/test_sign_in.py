"""Signing in with a real OpenID provider configured like Unilogin: the whole flow, then the session it gives."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.factories import make_user
from tests.sso.conftest import refusal


def test_a_linked_teacher_signs_in_with_unilogin_and_gets_the_usual_session(sso):
    teacher = make_user(sso.session, sso.school, "teacher")
    assert sso.link(teacher, "uni-laerer-1").status_code == 201

    resp = sso.sign_in("laerer")

    assert refusal(resp) is None
    assert resp.headers["Location"] == "/?sso=ok#/"
    cookies = {c.key for c in sso.client._cookies.values()}
    assert {"access_token_cookie", "refresh_token_cookie", "csrf_access_token"} <= cookies
    me = sso.client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json["id"] == teacher.id and me.json["roles"] == ["teacher"]


def test_the_authorization_request_uses_pkce_s256_state_and_nonce(sso):
    query = parse_qs(urlsplit(sso.start()).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert "openid" in query["scope"][0].split()
