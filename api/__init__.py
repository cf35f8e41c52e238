"""Trivsel: the Flask app."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, abort, send_from_directory
from flask.wrappers import Response

__all__ = ["create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by `config`."""
    from api import discovery, errors
    from api.auth import jwt_setup
    from api.config import load_config
    from api.core import requests
    from api.core.db import db
    from api.extensions import Api, jwt, limiter

    app = Flask(__name__, static_folder=None)
    app.config.update(load_config(config))
    app.json.sort_keys = False  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO)

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
            "bearer token or the session cookie unless marked otherwise. Errors always have the shape "
            "`{code, status, message, errors}`.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
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
    for module in discovery.domain_modules("routes"):
        api.register_blueprint(module.blp)
    discovery.domain_modules("student_log")
    app.extensions["trivsel_api"] = api

    errors.register_error_handlers(app)
    requests.install(app)
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


def _register_frontend(app: Flask) -> None:
    """Serve the built single-page app at / (its routes fall back to index.html)."""
    dist = Path(app.config["FRONTEND_DIST"])

    def frontend(path: str = "") -> Response:
        if path.startswith("api/"):
            abort(404)
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

    frontend._trivsel_public = True  # type: ignore[attr-defined]
    app.add_url_rule("/", "frontend", frontend)
    app.add_url_rule("/<path:path>", "frontend_path", frontend)
