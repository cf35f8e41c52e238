"""The one error shape, security headers, health and docs."""

from __future__ import annotations

from flask import Flask

from tests.factories import auth, make_school, make_user


def test_unknown_route_and_method_use_the_error_shape(client):
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404
    assert resp.json["code"] == 404 and resp.json["status"] == "Not Found" and resp.json["message"]
    resp = client.delete("/api/v1/health")
    assert resp.status_code == 405 and resp.json["code"] == 405
    assert "GET" in resp.headers["Allow"]


def test_oversized_body_is_413(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    resp = client.post(
        "/api/v1/users",
        headers={**auth(app, admin), "Content-Type": "application/json"},
        data=b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}',
    )
    assert resp.status_code == 413 and resp.json["code"] == 413


def test_malformed_json_is_a_4xx_not_500(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    resp = client.post(
        "/api/v1/users", headers={**auth(app, admin), "Content-Type": "application/json"}, data=b"{not json"
    )
    assert resp.status_code in (400, 422) and resp.json["code"] == resp.status_code


def test_unexpected_error_is_generic_500_with_request_id(database_url):
    from tests.conftest import make_test_app

    app: Flask = make_test_app(database_url)

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals: SELECT * FROM users")

    boom._trivsel_public = True
    resp = app.test_client().get("/api/v1/boom", headers={"X-Request-ID": "req-12345678"})
    assert resp.status_code == 500
    assert resp.json["errors"]["request_id"] == "req-12345678"
    assert "secret" not in resp.get_data(as_text=True) and "Traceback" not in resp.get_data(as_text=True)
    assert resp.headers["X-Request-ID"] == "req-12345678"


def test_jwt_errors_are_401_never_422(client):
    for header in ("Bearer", "Bearer a.b.c", "Bearer " + "e" * 300, "Token xyz"):
        resp = client.get("/api/v1/auth/me", headers={"Authorization": header})
        assert resp.status_code == 401, header
        assert resp.json["code"] == 401


def test_security_headers(client):
    api = client.get("/api/v1/health")
    assert api.status_code == 200 and api.json == {"status": "ok", "database": "ok"}
    assert api.headers["Cache-Control"] == "no-store"
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert api.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in api.headers["Content-Security-Policy"]
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Frame-Options"] == "DENY"


def test_docs_are_served_locally(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/docs/swagger-ui-bundle.js" in html and "http" not in html.split("<body>")[1]
    assert client.get("/api/docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/init.js").status_code == 200
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.json["openapi"].startswith("3.")


def test_protected_routes_need_a_token(client):
    for method, url in (
        ("GET", "/api/v1/users"),
        ("GET", "/api/v1/schools/current"),
        ("GET", "/api/v1/audit-log"),
        ("POST", "/api/v1/auth/logout"),
    ):
        assert client.open(url, method=method).status_code == 401, url


def test_nul_characters_are_refused_not_500(client):
    resp = client.post("/api/v1/auth/login", json={"email": "a\x00b@example.dk", "password": "x"})
    assert resp.status_code == 422 and "NUL" in str(resp.json["errors"])


def test_the_browser_session_opens_only_with_its_cookie_and_still_round_trips(app):
    """Flask's signed session is opened only when its cookie is sent (api/core/lifecycle.BrowserSessions);
    without it a request gets an empty session that, written to, sets the cookie as before, and a tampered
    cookie is ignored as Flask ignores it."""
    from flask import session

    def remember(value):
        before = dict(session)
        session["seen"] = value
        return {"before": before}

    remember._trivsel_public = True  # only single sign-on's routes use the session; this one stands in
    base = app.config["SESSION_COOKIE_PATH"]  # the cookie is sent on single sign-on's paths only
    app.add_url_rule(f"{base}test-session/<value>", view_func=remember)
    client = app.test_client()
    assert client.get(f"{base}test-session/a").json == {"before": {}}
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], path=base)
    assert cookie is not None and cookie.value
    assert client.get(f"{base}test-session/b").json == {"before": {"seen": "a"}}
    client.set_cookie(cookie.key, cookie.value[:-2] + "xx", path=base)
    assert client.get(f"{base}test-session/c").json == {"before": {}}
    plain = app.test_client().get("/api/v1/health")
    assert "Set-Cookie" not in plain.headers


def test_the_limiter_checks_only_the_operations_that_declare_a_limit(app):
    # Trivsel sets no default, application or blueprint limit: the library's check before every view would
    # find nothing to count (login's own limit is checked by its decorator: tests/auth/test_rate_limits.py).
    from api.extensions import limiter

    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])
