"""Settings: production refuses to start without real secrets; development keeps generated ones."""

from __future__ import annotations

import secrets

import pytest

from api import create_app
from api.config import ConfigError, load_config


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"TRIVSEL_ENV": "production", "DATABASE_URL": "postgresql://x@localhost/y"})


PRODUCTION = {"TRIVSEL_ENV": "production", "DATABASE_URL": "postgresql://x@localhost/y"}
GOOD_SECRET = secrets.token_urlsafe(48)
OTHER_GOOD_SECRET = secrets.token_urlsafe(48)


def test_production_refuses_short_secrets_and_sqlite(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("JWT_SECRET_KEY", OTHER_GOOD_SECRET)
    with pytest.raises(ConfigError):
        load_config(PRODUCTION)
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    with pytest.raises(ConfigError, match="PostgreSQL"):
        load_config({"TRIVSEL_ENV": "production", "DATABASE_URL": "sqlite:///x.db"})
    cfg = load_config(PRODUCTION)
    assert cfg["JWT_COOKIE_SECURE"] is True and cfg["SECRET_KEY"] == GOOD_SECRET


@pytest.mark.parametrize(
    ("secret_key", "jwt_secret_key", "complaint"),
    [
        ("changemechangemechangemechangeme", "changemechangemechangemechangeme", "SECRET_KEY"),
        (GOOD_SECRET, GOOD_SECRET, "two different"),
        ("ab" * 20, OTHER_GOOD_SECRET, "distinct characters"),
        (GOOD_SECRET, "0123456789abcde" * 3, "distinct characters"),
        ("Change_Me-" + GOOD_SECRET, OTHER_GOOD_SECRET, "placeholder"),
        (GOOD_SECRET, "your-secret-key-goes-here-1234567890", "placeholder"),
        ("an-example-of-a-long-production-value!", OTHER_GOOD_SECRET, "placeholder"),
    ],
    ids=[
        "changeme-twice",
        "equal",
        "repetitive",
        "few-distinct",
        "changeme-prefix",
        "your-secret",
        "example",
    ],
)
def test_production_refuses_weak_secrets(monkeypatch, secret_key, jwt_secret_key, complaint):
    monkeypatch.setenv("SECRET_KEY", secret_key)
    monkeypatch.setenv("JWT_SECRET_KEY", jwt_secret_key)
    with pytest.raises(ConfigError, match=complaint) as refused:
        create_app(PRODUCTION)
    # The refusal never repeats the secret it refused.
    assert secret_key not in str(refused.value) and jwt_secret_key not in str(refused.value)


def test_production_starts_with_two_random_secrets(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("JWT_SECRET_KEY", OTHER_GOOD_SECRET)
    cfg = load_config(PRODUCTION)
    assert (cfg["SECRET_KEY"], cfg["JWT_SECRET_KEY"]) == (GOOD_SECRET, OTHER_GOOD_SECRET)


def test_development_secrets_are_generated_once(monkeypatch, tmp_path):
    import api.config as config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)
    first = load_config({"TRIVSEL_ENV": "development"})
    second = load_config({"TRIVSEL_ENV": "development"})
    assert first["JWT_SECRET_KEY"] == second["JWT_SECRET_KEY"] and len(first["JWT_SECRET_KEY"]) >= 32
    assert (tmp_path / "jwt_secret_key.txt").stat().st_mode & 0o077 == 0


def test_token_lifetimes_from_environment(monkeypatch):
    monkeypatch.setenv("JWT_ACCESS_TOKEN_SECONDS", "120")
    assert load_config({"TESTING": True})["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds() == 120
    monkeypatch.setenv("JWT_ACCESS_TOKEN_SECONDS", "soon")
    with pytest.raises(ConfigError):
        load_config({"TESTING": True})
