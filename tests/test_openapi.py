"""The committed spec is what the app generates, every route documents its errors, and the conformance layer
(tests/spec.py) that holds every test's responses to the spec catches what it must."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import spec_json
from tests.spec import SpecViolation

SPEC_FILE = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
PUBLIC_OPERATIONS = {
    ("post", "/api/v1/auth/login"),
    ("get", "/api/v1/health"),
    ("get", "/api/v1/health/ready"),
    ("get", "/.well-known/oauth-authorization-server"),
    # Single sign-on: the login screen's buttons, and the browser's trip to the provider and back.
    ("get", "/api/v1/auth/sso/providers"),
    ("get", "/api/v1/auth/sso/providers/{provider_id}/login"),
    ("get", "/api/v1/auth/sso/providers/{provider_id}/callback"),
}
# Where the standards put them (RFC 8414's well-known path; the OAuth token endpoint the integrations expect).
UNVERSIONED_PATHS = {"/.well-known/oauth-authorization-server", "/oauth/token"}


def test_committed_spec_matches_the_app(app):
    generated = spec_json(app)
    committed = SPEC_FILE.read_text() if SPEC_FILE.exists() else ""
    assert committed == generated, "openapi/openapi.json is stale: run `make openapi` and commit it"


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, op


def test_every_protected_operation_documents_401_and_security(app):
    spec = json.loads(spec_json(app))
    assert set(spec["components"]["securitySchemes"]) == {"bearerAuth", "cookieAuth", "oauth2", "clientBasic"}
    scopes = spec["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"]
    for method, path, op in _operations(spec):
        if (method, path) in PUBLIC_OPERATIONS:
            assert op.get("security") == [], f"{method} {path} should be public in the spec"
            continue
        if path == "/oauth/token":
            assert op["security"] == [{"clientBasic": []}, {}], (
                "the token endpoint takes client authentication"
            )
        elif "security" in op:
            # An operation open to API clients: people's schemes plus the oauth2 scheme with one known scope.
            people, oauth = op["security"][:2], op["security"][2:]
            assert people == [{"bearerAuth": []}, {"cookieAuth": []}], f"{method} {path} overrides security"
            assert len(oauth) == 1 and set(oauth[0]) == {"oauth2"}, f"{method} {path}"
            assert len(oauth[0]["oauth2"]) == 1 and oauth[0]["oauth2"][0] in scopes, f"{method} {path}"
        assert "401" in op["responses"], f"{method} {path} does not document 401"


def test_every_operation_has_a_summary_and_error_shape(app):
    spec = json.loads(spec_json(app))
    for method, path, op in _operations(spec):
        assert op.get("summary"), f"{method} {path} has no summary (the view's docstring)"
        for code, resp in op["responses"].items():
            if code.startswith(("4", "5")):
                assert "$ref" in resp or "content" in resp, f"{method} {path} {code} has no body schema"


def test_paths_are_versioned_plural_kebab_case(app):
    spec = json.loads(spec_json(app))
    for path in spec["paths"]:
        if path in UNVERSIONED_PATHS:
            continue
        assert path.startswith("/api/v1/"), path
        for part in path.split("/"):
            if part and not part.startswith("{"):
                assert part == part.lower() and "_" not in part, f"{path}: use kebab-case"


def test_every_schema_property_has_a_type(app):
    """Generated clients (the frontend, integrations) need a type for every field."""
    spec = json.loads(spec_json(app))
    for name, schema in spec["components"]["schemas"].items():
        for prop, value in schema.get("properties", {}).items():
            assert any(k in value for k in ("type", "$ref", "allOf", "anyOf", "oneOf")), (
                f"{name}.{prop} is untyped"
            )


def _health_answering(database_url, answer):
    """A test app whose health operation answers with `answer` (a Flask view return value)."""
    from tests.conftest import make_test_app

    app = make_test_app(database_url)

    def view():
        return answer

    view._trivsel_public = True
    app.view_functions["health.Health"] = view
    return app.test_client()


def test_conformance_layer_fails_a_response_that_omits_a_promised_field(database_url):
    client = _health_answering(database_url, ({"status": "ok"}, 200))
    with pytest.raises(SpecViolation, match='"database" is a required property'):
        client.get("/api/v1/health")


def test_conformance_layer_fails_an_undocumented_status(database_url):
    client = _health_answering(database_url, ({"status": "ok", "database": "ok"}, 202))
    with pytest.raises(SpecViolation, match="answered 202, which the spec does not document"):
        client.get("/api/v1/health")


def test_conformance_layer_fails_an_error_out_of_shape(database_url):
    client = _health_answering(database_url, ({"code": 503, "message": "down"}, 503))
    with pytest.raises(SpecViolation, match='"type" is a required property'):
        client.get("/api/v1/health")


def test_conformance_layer_fails_an_undocumented_content_type(database_url):
    client = _health_answering(database_url, ("ok", 200, {"Content-Type": "text/plain"}))
    with pytest.raises(SpecViolation, match="content type 'text/plain' is not documented"):
        client.get("/api/v1/health")


def test_conformance_layer_passes_what_the_spec_documents(database_url):
    client = _health_answering(database_url, ({"status": "ok", "database": "ok"}, 200))
    assert client.get("/api/v1/health").status_code == 200
