"""Login limits hold: per client address (behind a trusted proxy, the proxy's X-Forwarded-For; without one, a
forged X-Forwarded-For changes nothing) and per account, whatever address the attempts come from."""

from __future__ import annotations

import logging

import pytest

from api.config import ConfigError, load_config
from tests.conftest import make_test_app


def attempt(client, email, *, addr="198.51.100.7", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": "wrong-password"},
        headers=headers,
        environ_base={"REMOTE_ADDR": addr},
    )


def limited_app(database_url, **overrides):
    return make_test_app(database_url, LOGIN_RATE_LIMIT="3 per minute", **overrides)


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_get_around_the_limit(app, database_url):
    client = limited_app(database_url).test_client()
    codes = [attempt(client, f"user{i}@example.dk", forwarded=f"203.0.113.{i}").status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app, database_url):
    client = limited_app(database_url, TRUSTED_PROXY_HOPS=1).test_client()
    proxy = "10.0.0.2"  # every request arrives from the proxy
    first = [
        attempt(client, f"a{i}@example.dk", addr=proxy, forwarded="203.0.113.1").status_code for i in range(4)
    ]
    assert first == [401, 401, 401, 429]
    # Another client behind the same proxy is not limited by the first one's attempts.
    assert attempt(client, "b@example.dk", addr=proxy, forwarded="203.0.113.2").status_code == 401
    # Only the hop the proxy appended is believed: a forged entry in front of it changes nothing.
    forged = attempt(client, "c@example.dk", addr=proxy, forwarded="192.0.2.99, 203.0.113.1")
    assert forged.status_code == 429 and int(forged.headers["Retry-After"]) > 0


def test_attempts_on_one_account_from_many_addresses_are_limited(app, database_url):
    client = limited_app(database_url).test_client()
    spellings = ["tina@example.dk", "Tina@Example.dk", "  tina@example.dk ", "TINA@EXAMPLE.DK"]
    codes = [attempt(client, email, addr=f"198.51.100.{i}").status_code for i, email in enumerate(spellings)]
    assert codes == [401, 401, 401, 429]
    resp = attempt(client, "tina@example.dk", addr="198.51.100.200")
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    assert resp.json["code"] == 429
    # Another account from a fresh address is not affected.
    assert attempt(client, "someone.else@example.dk", addr="198.51.100.201").status_code == 401


def test_a_login_body_without_an_email_is_still_answered(app, database_url):
    client = limited_app(database_url).test_client()
    resp = client.post("/api/v1/auth/login", data="not json", content_type="application/json")
    assert resp.status_code in (400, 422)
    resp = client.post("/api/v1/auth/login", json=["a", "list"])
    assert resp.status_code in (400, 422)


PRODUCTION = {"TRIVSEL_ENV": "production", "DATABASE_URL": "postgresql://x@localhost/y"}


@pytest.fixture
def production_env(monkeypatch):
    import secrets

    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("JWT_SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    return monkeypatch


def test_production_refuses_per_process_limits_with_several_workers(production_env):
    production_env.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        load_config(PRODUCTION)
    production_env.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    assert load_config(PRODUCTION)["WEB_CONCURRENCY"] == 2


def test_production_warns_about_per_process_limits_with_one_worker(production_env, caplog):
    with caplog.at_level(logging.WARNING, logger="trivsel"):
        load_config(PRODUCTION)
    assert any("memory://" in r.getMessage() for r in caplog.records)
    caplog.clear()
    production_env.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    with caplog.at_level(logging.WARNING, logger="trivsel"):
        load_config(PRODUCTION)
    assert not caplog.records
