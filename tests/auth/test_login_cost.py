"""Login costs the same whether the e-mail exists or not: one Argon2 verification, no hash computed."""

from __future__ import annotations

import argon2
import pytest

from api.auth import passwords
from tests.conftest import FAST_ARGON2
from tests.factories import PASSWORD, make_school, make_user


@pytest.fixture
def argon2_calls(monkeypatch):
    """Counts of Argon2 hash computations and verifications (with the parameters of each hash verified)."""
    calls: dict[str, list] = {"hash": [], "verify": []}
    real_hash, real_verify = argon2.PasswordHasher.hash, argon2.PasswordHasher.verify

    def counting_hash(self, password, **kw):
        calls["hash"].append(password)
        return real_hash(self, password, **kw)

    def counting_verify(self, hash, password):
        calls["verify"].append(argon2.extract_parameters(hash))
        return real_verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "hash", counting_hash)
    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting_verify)
    return calls


def _login(client, email, password):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


@pytest.mark.parametrize(
    ("email", "password", "status"),
    [
        ("nobody@example.dk", "whatever-password", 401),
        ("known@example.dk", "not-the-password", 401),
        ("gone@example.dk", PASSWORD, 401),
        ("known@example.dk", PASSWORD, 200),
    ],
    ids=["unknown-email", "wrong-password", "inactive-user", "right-password"],
)
def test_every_login_path_verifies_once_and_hashes_nothing(
    app, client, session, argon2_calls, email, password, status
):
    school = make_school(session)
    make_user(session, school, email="known@example.dk")
    make_user(session, school, email="gone@example.dk", active=False)
    argon2_calls["hash"].clear()
    for _ in range(3):
        assert _login(client, email, password).status_code == status
    assert argon2_calls["hash"] == []
    assert len(argon2_calls["verify"]) == 3
    # Each verification runs with the configured cost, the dummy hash's included.
    t, m, p = FAST_ARGON2
    assert {(v.time_cost, v.memory_cost, v.parallelism) for v in argon2_calls["verify"]} == {(t, m, p)}


def test_the_dummy_hash_is_made_once_per_process_with_the_configured_parameters(app):
    with app.app_context():
        first = passwords.dummy_hash(FAST_ARGON2)
        assert passwords.dummy_hash(FAST_ARGON2) is first
        params = argon2.extract_parameters(first)
        assert (params.time_cost, params.memory_cost, params.parallelism) == FAST_ARGON2
        assert passwords.verify_password(None, "") is False
