"""Settings from the environment; development secrets are generated once and kept in instance/."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("TRIVSEL_INSTANCE_DIR", PROJECT_ROOT / "instance"))

SECRET_NAMES = ("SECRET_KEY", "JWT_SECRET_KEY")
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 16
# Words of the placeholders that templates, tutorials and our own docs use; compared without case or
# punctuation, so "changeme-changeme…" and "Change_Me" are both caught.
PLACEHOLDER_WORDS = (
    "changeme",
    "changethis",
    "replaceme",
    "placeholder",
    "yoursecret",
    "secretkey",
    "mysecret",
    "notsecret",
    "insecure",
    "example",
    "dummy",
)
GENERATE_HINT = 'generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'


class ConfigError(RuntimeError):
    """The configuration cannot be used (for example: production without real secrets)."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _dev_secret(name: str) -> str:
    """A secret generated once per checkout and kept in instance/, so restarts keep sessions."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / f"{name.lower()}.txt"
    if path.exists():
        value = path.read_text().strip()
        if len(value) >= MIN_SECRET_LENGTH:
            return value
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


def _check_production_secret(name: str, value: str | None) -> None:
    """Refuse a production secret that is missing, short, repetitive or a known placeholder."""
    problem = None
    if not value or len(value) < MIN_SECRET_LENGTH:
        problem = f"must be set to a random value of at least {MIN_SECRET_LENGTH} characters"
    elif len(set(value)) < MIN_SECRET_DISTINCT:
        problem = f"has fewer than {MIN_SECRET_DISTINCT} distinct characters, so it is not random"
    elif any(word in "".join(c for c in value.lower() if c.isalnum()) for word in PLACEHOLDER_WORDS):
        problem = "looks like a placeholder, not a random value"
    if problem:
        raise ConfigError(f"{name} {problem} (TRIVSEL_ENV=production); {GENERATE_HINT}")


def check_rate_limit_storage(*, production: bool, storage_uri: str, workers: int) -> None:
    """Refuse per-process rate-limit counters in production when several worker processes serve it."""
    if production and storage_uri.startswith("memory://") and workers > 1:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI=memory:// counts per process, so {workers} workers would each allow the "
            "whole login limit; set RATELIMIT_STORAGE_URI=redis://… (shared by every worker) when "
            "TRIVSEL_ENV=production"
        )


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the settings dict from the environment, then apply overrides (tests pass these)."""
    overrides = dict(overrides or {})
    env = overrides.get("TRIVSEL_ENV") or os.environ.get("TRIVSEL_ENV", "development")
    production = env == "production"
    testing = bool(overrides.get("TESTING"))

    default_db = f"sqlite:///{INSTANCE_DIR / 'trivsel.db'}"
    cfg: dict[str, Any] = {
        "TRIVSEL_ENV": env,
        "TESTING": testing,
        "DATABASE_URL": os.environ.get("DATABASE_URL", default_db),
        "SQL_ECHO": False,
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 1024 * 1024),
        "IMPORT_MAX_BYTES": _env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024),
        # Aggregates hide counts under this in every view that adds up classes (as the national wellbeing
        # survey's results do).
        "ANALYTICS_MIN_CELL": _env_int("ANALYTICS_MIN_CELL", 5),
        # JWT
        "JWT_ALGORITHM": "HS256",
        "JWT_DECODE_ALGORITHMS": ["HS256"],
        "JWT_ENCODE_ISSUER": "trivsel",
        "JWT_DECODE_ISSUER": "trivsel",
        "JWT_ENCODE_AUDIENCE": "trivsel-api",
        "JWT_DECODE_AUDIENCE": "trivsel-api",
        "JWT_TOKEN_LOCATION": ["headers", "cookies"],
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(seconds=_env_int("JWT_ACCESS_TOKEN_SECONDS", 15 * 60)),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(seconds=_env_int("JWT_REFRESH_TOKEN_SECONDS", 14 * 24 * 3600)),
        "JWT_COOKIE_SECURE": production,
        "JWT_COOKIE_SAMESITE": "Strict",
        "JWT_COOKIE_CSRF_PROTECT": True,
        "JWT_CSRF_IN_COOKIES": True,
        "JWT_ACCESS_COOKIE_PATH": "/api/",
        "JWT_REFRESH_COOKIE_PATH": "/api/v1/auth/",
        "JWT_ACCESS_CSRF_COOKIE_PATH": "/",
        "JWT_REFRESH_CSRF_COOKIE_PATH": "/",
        "JWT_SESSION_COOKIE": False,
        "JWT_ERROR_MESSAGE_KEY": "message",
        # Rate limits
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "trivsel"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Requests per API client (all its tokens and processes together, on RATELIMIT_STORAGE_URI)
        "API_CLIENT_RATE_LIMIT": os.environ.get("API_CLIENT_RATE_LIMIT", "600 per minute"),
        # Token requests per client address (each costs an Argon2 verification of the secret)
        "API_CLIENT_TOKEN_RATE_LIMIT": os.environ.get("API_CLIENT_TOKEN_RATE_LIMIT", "60 per minute"),
        # Lifetime of an API client's access token (client credentials; no refresh token)
        "API_CLIENT_TOKEN_SECONDS": _env_int("API_CLIENT_TOKEN_SECONDS", 10 * 60),
        # Whether an admin may let an API client read other schools of the deployment (a municipality's)
        "API_CLIENTS_ACROSS_SCHOOLS": os.environ.get("API_CLIENTS_ACROSS_SCHOOLS", "").lower()
        in ("1", "true", "yes"),
        # The issuer in /.well-known/oauth-authorization-server (default: the address the request came to)
        "OAUTH2_ISSUER": os.environ.get("OAUTH2_ISSUER"),
        # Worker processes serving the app (gunicorn reads the same variable; gunicorn.conf.py exports its
        # real count), so per-process rate-limit storage can be refused.
        "WEB_CONCURRENCY": _env_int("WEB_CONCURRENCY", 1),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none, the
        # client's address is the connection's).
        "TRUSTED_PROXY_HOPS": _env_int("TRUSTED_PROXY_HOPS", 0),
        # flask-smorest / OpenAPI
        "API_TITLE": "Trivsel API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        # Where the built single-page app lives
        "FRONTEND_DIST": os.environ.get("TRIVSEL_FRONTEND_DIST", str(PROJECT_ROOT / "frontend" / "dist")),
        "PASSWORD_MIN_LENGTH": 10,
        # Single sign-on (OpenID Connect). The public address the providers send browsers back to (register
        # <PUBLIC_BASE_URL>/api/v1/auth/sso/providers/<id>/callback); unset: the address the request came to.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or None,
        "SSO_HTTP_TIMEOUT_SECONDS": _env_int("SSO_HTTP_TIMEOUT_SECONDS", 10),
        # Authlib keeps a sign-in's state, nonce and PKCE verifier in Flask's signed session cookie, sent only to
        # the sign-in routes. Lax, because the provider's redirect back is a cross-site navigation.
        "SESSION_COOKIE_NAME": "trivsel_sso",
        "SESSION_COOKIE_PATH": "/api/v1/auth/sso/",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": production,
        # Argon2id time cost, memory (KiB), parallelism: argon2-cffi's defaults
        "ARGON2_PARAMS": (3, 65536, 4),
        # Events and webhooks (`trivsel worker`); loopback http endpoints only for development and tests
        "OUTBOX_ENABLED": os.environ.get("TRIVSEL_EVENTS", "on").lower() not in ("off", "0", "false"),
        "WEBHOOK_ALLOW_LOOPBACK": os.environ.get("WEBHOOK_ALLOW_LOOPBACK", "").lower()
        in ("1", "true", "yes"),
        # The change feed (api/core/pagination.py): a sync reads only up to now minus this lag, longer than any
        # write transaction takes, so nothing commits behind its watermark; tombstones are kept this long, and
        # an older cursor or updated_since is 410.
        "FEED_SAFETY_LAG_SECONDS": _env_int("FEED_SAFETY_LAG_SECONDS", 5),
        "TOMBSTONE_RETENTION_DAYS": _env_int("TOMBSTONE_RETENTION_DAYS", 90),
        "WEBHOOK_TIMEOUT_SECONDS": _env_int("WEBHOOK_TIMEOUT_SECONDS", 10),
        "WEBHOOK_MAX_RESPONSE_BYTES": _env_int("WEBHOOK_MAX_RESPONSE_BYTES", 64 * 1024),
        # Operations: JSON log lines (default in production), Prometheus metrics on a port of their own
        # (off unless set; gunicorn's master serves them, see gunicorn.conf.py).
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json" if production else "text").lower(),
        "METRICS_PORT": _env_int("METRICS_PORT", 0),
    }
    for name in SECRET_NAMES:
        cfg[name] = os.environ.get(name)
    cfg.update(overrides)

    for name in SECRET_NAMES:
        if production:
            _check_production_secret(name, cfg.get(name))
        elif not cfg.get(name):
            cfg[name] = secrets.token_urlsafe(48) if testing else _dev_secret(name)
    if production and cfg["SECRET_KEY"] == cfg["JWT_SECRET_KEY"]:
        raise ConfigError(
            f"SECRET_KEY and JWT_SECRET_KEY must be two different random values; {GENERATE_HINT}"
        )
    check_rate_limit_storage(
        production=production, storage_uri=cfg["RATELIMIT_STORAGE_URI"], workers=cfg["WEB_CONCURRENCY"]
    )
    if production and cfg["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        logging.getLogger("trivsel").warning(
            "RATELIMIT_STORAGE_URI=memory:// keeps login limits per process: fine for one worker only. "
            "Run several workers (or several app containers) only with RATELIMIT_STORAGE_URI=redis://…"
        )
    if cfg["LOG_FORMAT"] not in ("json", "text"):
        raise ConfigError("LOG_FORMAT must be json or text")
    if cfg["TRUSTED_PROXY_HOPS"] < 0:
        raise ConfigError("TRUSTED_PROXY_HOPS must be 0 (no proxy) or the number of proxies in front")
    if production and cfg.get("WEBHOOK_ALLOW_LOOPBACK"):
        raise ConfigError(
            "WEBHOOK_ALLOW_LOOPBACK is for development and tests; it cannot be on in production"
        )
    if production and cfg["DATABASE_URL"].startswith("sqlite") and not os.environ.get("TRIVSEL_ALLOW_SQLITE"):
        raise ConfigError("DATABASE_URL must point at PostgreSQL when TRIVSEL_ENV=production")
    cfg["SQLALCHEMY_DATABASE_URI"] = cfg["DATABASE_URL"]
    return cfg
