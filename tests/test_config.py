"""Settings: production refuses to start without real secrets; development keeps generated ones."""

from __future__ import annotations

import pytest

from api import create_app
from api.config import ConfigError, load_config


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"TRIVSEL_ENV": "production", "DATABASE_URL": "postgresql://x@localhost/y"})


def test_production_refuses_short_secrets_and_sqlite(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("JWT_SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigError):
        load_config({"TRIVSEL_ENV": "production", "DATABASE_URL": "postgresql://x@localhost/y"})
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    with pytest.raises(ConfigError, match="PostgreSQL"):
        load_config({"TRIVSEL_ENV": "production", "DATABASE_URL": "sqlite:///x.db"})
    cfg = load_config({"TRIVSEL_ENV": "production", "DATABASE_URL": "postgresql://x@localhost/y"})
    assert cfg["JWT_COOKIE_SECURE"] is True and cfg["SECRET_KEY"] == "s" * 40


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
