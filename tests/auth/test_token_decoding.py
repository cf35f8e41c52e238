"""Trivsel's JWT manager verifies a token in one parse (api/extensions.JWT): for every kind of token it must
answer exactly as flask-jwt-extended's own three-parse path does, claims or error alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest
from flask_jwt_extended import JWTManager, create_access_token

from api.extensions import JWT, jwt


def _token(app, **changes) -> str:
    """A token signed as the app signs, with claims changed (None removes one) or another key or algorithm.
    Times in `changes` are offsets from now (the token is made when the test runs, not when it is collected)."""
    now = datetime.now(UTC)
    changes = {k: now + v if isinstance(v, timedelta) else v for k, v in changes.items()}
    key = changes.pop("_key", app.config["JWT_SECRET_KEY"])
    algorithm = changes.pop("_alg", "HS256")
    claims = {
        "sub": "7",
        "jti": "j-1",
        "type": "access",
        "fam": "f-1",
        "iss": "trivsel",
        "aud": "trivsel-api",
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
    }
    claims.update(changes)
    return pyjwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm=algorithm)


def _outcome(decode, token):
    try:
        return ("claims", decode(token))
    except Exception as exc:  # whatever either path raises is compared
        return (
            "error",
            type(exc),
            str(exc),
            getattr(exc, "jwt_header", None),
            getattr(exc, "jwt_data", None),
        )


CASES = {
    "valid": {},
    "expired": {"exp": -timedelta(minutes=1)},
    "wrong key": {"_key": "another-secret-of-sufficient-length-0123456789"},
    "wrong audience": {"aud": "someone-else"},
    "wrong issuer": {"iss": "someone-else"},
    "no subject": {"sub": None},
    "not yet valid": {"nbf": timedelta(hours=1)},
    "no type": {"type": None},
    "other algorithm": {"_alg": "HS512"},
}


@pytest.mark.parametrize("case", list(CASES))
def test_one_parse_answers_as_the_library_does(app, case):
    token = _token(app, **CASES[case])
    library = JWTManager()
    with app.test_request_context():
        ours = _outcome(jwt._decode_jwt_from_config, token)
        theirs = _outcome(lambda t: JWTManager._decode_jwt_from_config(library, t), token)
    assert ours == theirs
    assert (ours[0] == "claims") == (case in ("valid", "no type"))  # no type: the library reads "access"


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c", "e30.e30.", "🙂.🙂.🙂"])
def test_malformed_tokens_fail_as_in_the_library(app, token):
    library = JWTManager()
    with app.test_request_context():
        assert _outcome(jwt._decode_jwt_from_config, token) == _outcome(
            lambda t: JWTManager._decode_jwt_from_config(library, t), token
        )


def test_an_algorithm_none_token_is_refused(app, client):
    unsigned = pyjwt.encode({"sub": "7", "jti": "x", "type": "access"}, None, algorithm="none")
    resp = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {unsigned}"})
    assert resp.status_code == 401
    assert resp.json["type"] == "token_invalid"


def test_a_decode_key_callback_takes_the_library_path(app):
    """With a per-token key callback registered, the library's own path (which feeds it) runs."""
    manager = JWT()
    seen = []

    def key(header, claims):
        seen.append((header["alg"], claims["sub"]))
        return app.config["JWT_SECRET_KEY"]

    manager.decode_key_loader(key)
    with app.test_request_context():
        token = create_access_token(identity="7", additional_claims={"fam": "f-1"})
        assert manager._decode_jwt_from_config(token)["sub"] == "7"
    assert seen == [("HS256", "7")]
