"""The committed spec is what the app generates, and every route documents its errors."""

from __future__ import annotations

import json
from pathlib import Path

from api.cli import spec_json

SPEC_FILE = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
PUBLIC_OPERATIONS = {("post", "/api/v1/auth/login"), ("get", "/api/v1/health")}


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
    assert set(spec["components"]["securitySchemes"]) == {"bearerAuth", "cookieAuth"}
    for method, path, op in _operations(spec):
        if (method, path) in PUBLIC_OPERATIONS:
            assert op.get("security") == [], f"{method} {path} should be public in the spec"
            continue
        assert "security" not in op, f"{method} {path} overrides security"
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
