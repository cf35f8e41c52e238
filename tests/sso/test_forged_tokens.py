"""Forged ID tokens are refused: the genuine provider signs in the person, and an attacker between it and Trivsel
swaps the ID token of the token response (the test relay does this once). Each forgery is a token a naive client
would accept; each is refused, audited, and no session is given."""

from __future__ import annotations

import time

import pytest
from joserfc.jwk import RSAKey

from tests.factories import make_user
from tests.sso.conftest import APP_HOST, audited, refusal
from tests.sso.harness import CLIENT_ID, KID, browser_sign_in


@pytest.fixture
def teacher(sso):
    user = make_user(sso.session, sso.school, "teacher")
    assert sso.link(user, "uni-laerer-1").status_code == 201
    return user


def _refused(sso, forge):
    sso.provider.relay.forge = forge
    resp = sso.sign_in("laerer")
    assert sso.provider.relay.forge is None, "the forgery was not used"
    assert refusal(resp) == "token_invalid"
    assert sso.client.get_cookie("access_token_cookie") is None
    assert sso.client.get("/api/v1/auth/me").status_code == 401
    row = audited(sso.session, "sso_refused")[-1]
    assert row.detail["reason"] == "token_invalid" and row.outcome == "denied"
    return row


def test_the_genuine_token_passes_the_relay(sso, teacher):
    assert refusal(sso.sign_in("laerer")) is None


def test_a_token_signed_with_another_key_under_the_providers_key_id(sso, teacher):
    attacker = RSAKey.generate_key(2048, parameters={"kid": KID}, private=True)
    row = _refused(sso, lambda token: sso.provider.resign(token, key=attacker))
    assert row.detail["error"] == "BadSignatureError"


def test_a_token_for_another_client(sso, teacher):
    # Naming us as the authorized party does not make a token for another audience ours.
    row = _refused(sso, lambda token: sso.provider.resign(token, aud="another-client", azp=CLIENT_ID))
    assert "aud" in row.detail["message"]
    row = _refused(sso, lambda token: sso.provider.resign(token, aud="another-client", azp="another-client"))
    assert row.detail["error"] == "InvalidClaimError"


def test_a_token_from_another_issuer(sso, teacher):
    row = _refused(
        sso, lambda token: sso.provider.resign(token, iss="https://et-broker.unilogin.dk/auth/realms/broker")
    )
    assert "iss" in row.detail["message"]


def test_an_expired_token(sso, teacher):
    hour_ago = int(time.time()) - 3600
    row = _refused(sso, lambda token: sso.provider.resign(token, iat=hour_ago - 600, exp=hour_ago))
    assert row.detail["error"] == "ExpiredTokenError"


def test_a_token_with_the_nonce_of_an_earlier_sign_in(sso, teacher):
    assert refusal(sso.sign_in("laerer")) is None
    earlier = sso.provider.relay.seen_id_tokens[-1]
    sso.client.post(
        "/api/v1/auth/logout", headers={"X-CSRF-TOKEN": sso.client.get_cookie("csrf_access_token").value}
    )

    # The whole earlier token, replayed (genuine signature, right audience, not expired) ...
    row = _refused(sso, lambda _token: earlier)
    assert "nonce" in row.detail["message"]
    # ... and the new token with only the earlier nonce put back in, signed by the provider's own key.
    old_nonce = sso.provider.claims(earlier)["nonce"]
    row = _refused(sso, lambda token: sso.provider.resign(token, nonce=old_nonce))
    assert "nonce" in row.detail["message"]


def test_a_replayed_callback_is_refused(sso, teacher):
    callback = browser_sign_in(sso.start(), "laerer", app_host=APP_HOST).removeprefix(APP_HOST)
    assert refusal(sso.client.get(callback)) is None
    sso.client.post(
        "/api/v1/auth/logout", headers={"X-CSRF-TOKEN": sso.client.get_cookie("csrf_access_token").value}
    )
    assert refusal(sso.client.get(callback)) == "token_invalid"  # the state was used up


def test_a_callback_without_the_browsers_state_is_refused(sso, teacher, app):
    callback = browser_sign_in(sso.start(), "laerer", app_host=APP_HOST).removeprefix(APP_HOST)
    stranger = app.test_client()  # another browser: the state (and its PKCE verifier) is not in its cookie
    assert refusal(stranger.get(callback)) == "token_invalid"
    assert stranger.get_cookie("access_token_cookie") is None
