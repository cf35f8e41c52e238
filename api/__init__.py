"""Trivsel: the Flask app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, send_from_directory
from flask.wrappers import Response
from werkzeug.routing import PathConverter

__all__ = ["create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by `config`."""
    from api import discovery, errors
    from api.auth import jwt_setup
    from api.config import load_config
    from api.core import lifecycle, logs, metrics
    from api.core.db import db
    from api.core.integration_doc import INTEGRATION_DESCRIPTION
    from api.extensions import Api, compress, jwt, limiter

    app = Flask(__name__, static_folder=None)
    app.config.update(load_config(config))
    logs.configure(app)

    discovery.load_models()
    db.init_app(app)
    jwt.init_app(app)
    jwt_setup.install(app)
    limiter.init_app(app)
    if app.config["TRUSTED_PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only as many X-Forwarded-* entries as there are proxies are believed; the rest may be forged.
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    app.config["API_SPEC_OPTIONS"] = {
        "info": {
            "description": "Trivsel: anti-bullying and wellbeing work in Danish schools. Every route needs a "
            "bearer token or the session cookie unless marked otherwise. Every error has one shape, "
            "`{code, status, type, message, errors}` (the Error schema): branch on `type`, show `message`, and "
            "find field errors in `errors` by field name. A query argument an operation does not document is "
            "422 `unknown_query_argument`; a JSON body may nest at most 32 levels (400 `json_too_deep`) and "
            "be at most 1 MiB (413, chunked bodies too).\n" + INTEGRATION_DESCRIPTION,
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
            # Who answers for the API: the project (a deployment's own support desk is its school's).
            "contact": {"name": "Trivsel maintainers"},
        },
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        "servers": [{"url": "/"}],
    }
    api = Api(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    api.spec.components.security_scheme(
        "cookieAuth",
        {
            "type": "apiKey",
            "in": "cookie",
            "name": app.config.get("JWT_ACCESS_COOKIE_NAME", "access_token_cookie"),
            "description": "Browser session; non-GET requests also need X-CSRF-TOKEN (double submit).",
        },
    )
    from api.auth.scopes import RATE_LIMIT_HEADERS, RATE_LIMITED_RESPONSE, SCOPES, SECURITY_SCHEME

    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {
            "type": "oauth2",
            "description": "API clients (other school tools): OAuth 2.0 client credentials. An admin registers "
            "the client (/api/v1/api-clients); each operation lists the scope it needs, and an operation "
            "listing none refuses a client's token (403 not_for_api_clients).",
            "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": dict(SCOPES)}},
        },
    )
    api.spec.components.response(
        RATE_LIMITED_RESPONSE,
        {
            "description": "Too many requests: an API client's rate limit (per client)",
            "headers": RATE_LIMIT_HEADERS,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    )
    api.spec.components.security_scheme(
        "clientBasic",
        {"type": "http", "scheme": "basic", "description": "An API client's client_id and client_secret"},
    )
    for module in discovery.domain_modules("routes"):
        api.register_blueprint(module.blp)
    discovery.domain_modules("student_log")
    app.extensions["trivsel_api"] = api

    errors.register_error_handlers(app)
    # Registered before the request hooks, so their after_request functions run after the commit: they see
    # the status the client gets.
    metrics.install(app)
    logs.install(app)
    # Registered before the request hooks, so it runs after them: it compresses the final response.
    compress.init_app(app)
    lifecycle.install(app)
    _register_docs(app)
    _register_frontend(app)

    from api import cli

    cli.register(app)
    return app


def _register_docs(app: Flask) -> None:
    """Swagger UI from local files (no CDN) at /api/docs."""
    import swagger_ui_bundle

    ui_dir = Path(swagger_ui_bundle.swagger_ui_path)
    static_dir = Path(__file__).parent / "static" / "docs"

    def swagger_ui() -> Response:
        return send_from_directory(static_dir, "index.html")

    def swagger_static(filename: str) -> Response:
        if (static_dir / filename).is_file():
            return send_from_directory(static_dir, filename)
        return send_from_directory(ui_dir, filename)

    swagger_ui._trivsel_public = True  # type: ignore[attr-defined]
    swagger_static._trivsel_public = True  # type: ignore[attr-defined]
    app.add_url_rule("/api/docs", "docs.swagger_ui", swagger_ui)
    app.add_url_rule("/api/docs/", "docs.swagger_ui_slash", swagger_ui)
    app.add_url_rule("/api/docs/<path:filename>", "docs.swagger_static", swagger_static)


# A private app: nothing in it is for search engines.
ROBOTS_TXT = "User-agent: *\nDisallow: /\n"


class AppPathConverter(PathConverter):
    """A path of the web app: any path except /api, /oauth and /.well-known and what lies under them, which are
    the API's alone (an API path with the wrong method is then 405 with Allow, never the web app's 404)."""

    regex = r"(?!(?:api|oauth|\.well-known)(?:/|$))[^/].*?"


def _register_frontend(app: Flask) -> None:
    """Serve the built single-page app at / (its routes fall back to index.html), and /robots.txt."""
    dist = Path(app.config["FRONTEND_DIST"])

    def robots() -> Response:
        resp = Response(ROBOTS_TXT, mimetype="text/plain")
        resp.headers["Cache-Control"] = "public, max-age=86400"
        return resp

    def frontend(path: str = "") -> Response:
        if not (dist / "index.html").is_file():
            return Response(
                "Trivsel API is running. The web app is not built: run `make run` (or `make frontend`).",
                mimetype="text/plain",
            )
        if path and (dist / path).is_file():
            resp = send_from_directory(dist, path)
            if path.startswith("assets/"):
                resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            elif path in ("sw.js", "manifest.webmanifest"):
                resp.headers["Cache-Control"] = "no-cache"
            return resp
        resp = send_from_directory(dist, "index.html")
        resp.headers["Cache-Control"] = "no-cache"
        return resp

    robots._trivsel_public = True  # type: ignore[attr-defined]
    frontend._trivsel_public = True  # type: ignore[attr-defined]
    app.url_map.converters["app_path"] = AppPathConverter
    app.add_url_rule("/robots.txt", "robots", robots)
    app.add_url_rule("/", "frontend", frontend)
    app.add_url_rule("/<app_path:path>", "frontend_path", frontend)
