"""The spec as a product for integrators: stable operation ids, named and described enums, error types per
operation, documented headers, examples everywhere, descriptions and roles (api/core/openapi.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import spec_json
from api.core.enums import enum_docs
from api.core.openapi_examples import example_of
from api.core.operation_ids import operation_id
from api.errors import ERROR_TYPE_STATUS, ERROR_TYPES
from tests.spec import schema_errors

ROOT = Path(__file__).resolve().parent.parent
OPERATION_IDS_FILE = ROOT / "openapi" / "operation-ids.txt"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec():
    from tests.conftest import make_test_app

    return json.loads(spec_json(make_test_app("sqlite://")))


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield method, path, op


def _resolve(spec, node):
    while "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def test_operation_ids_are_unique_and_never_change(spec):
    ids = [(op["operationId"], method.upper(), path) for method, path, op in _operations(spec)]
    assert len({i for i, _, _ in ids}) == len(ids), "two operations share an operationId"
    committed = {
        tuple(line.split(" ", 2))
        for line in OPERATION_IDS_FILE.read_text().splitlines()
        if line and not line.startswith("#")
    }
    current = set(ids)
    assert committed - current == set(), "an operationId changed or vanished: clients generated from it break"
    assert current - committed == set(), f"add new operations to {OPERATION_IDS_FILE.name}"


def test_operation_ids_follow_the_convention():
    assert operation_id("get", "/api/v1/incidents") == "listIncidents"
    assert operation_id("get", "/api/v1/incidents/{incident_id}") == "getIncident"
    assert operation_id("post", "/api/v1/incidents/{incident_id}/follow-ups") == "createIncidentFollowUp"
    assert operation_id("post", "/api/v1/incidents/{incident_id}/withdraw") == "withdrawIncident"
    assert operation_id("delete", "/api/v1/students/{student_id}/guardians/{guardian_id}") == (
        "deleteStudentGuardian"
    )
    assert operation_id("get", "/api/v1/classes") == "listClasses"
    assert operation_id("post", "/api/v1/classes") == "createClass"


def test_every_operation_says_what_it_does_and_who_may_call_it(spec):
    for method, path, op in _operations(spec):
        assert op.get("summary"), f"{method} {path}: no summary (the view's docstring)"
        assert "**Who may call it:**" in op.get("description", ""), (
            f"{op['operationId']}: say who may call it in api/core/operation_roles.py"
        )


def test_every_schema_is_described(spec):
    for name, schema in spec["components"]["schemas"].items():
        assert schema.get("description"), f"{name} has no description (give its class a docstring)"


def test_info_names_a_contact_and_a_license(spec):
    assert spec["info"]["contact"]["name"]
    assert spec["info"]["license"]["identifier"] == "AGPL-3.0-or-later"


def _inline_enums(node, path=""):
    if isinstance(node, dict):
        if "enum" in node:
            yield path, node
        for key, value in node.items():
            yield from _inline_enums(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _inline_enums(value, f"{path}/{i}")


def test_one_concept_is_one_named_enum(spec):
    """No enum is spelled out inline (but the error type, which the Error schema lists with meanings), so a
    generated client has one Classification, nullable or not."""
    schemas = spec["components"]["schemas"]
    named = {doc.name for doc in enum_docs()}
    assert named <= set(schemas)
    outside = [
        path
        for path, node in _inline_enums({"paths": spec["paths"], "schemas": schemas})
        if not (path.startswith("/schemas/") and path.split("/")[2] in named)
        and path != "/schemas/Error/properties/type"
        and node.get("enum") != ["true"]  # the Idempotent-Replayed header
    ]
    assert outside == [], f"inline enums (register them in api.core.enums): {outside}"
    refs = json.dumps(spec).count('"#/components/schemas/Classification"')
    assert refs >= 5, "Create, Update, ListItem, Read and the list filter share one Classification"
    nullable = spec["components"]["schemas"]["IncidentUpdate"]["properties"]["knowledge_source"]
    assert nullable["anyOf"] == [{"$ref": "#/components/schemas/KnowledgeSource"}, {"type": "null"}]


def test_each_enum_value_has_its_danish_term_and_meaning(spec):
    classification = spec["components"]["schemas"]["Classification"]
    values = classification["enum"]
    assert "bullying" in values and "value_rule_breach" in values
    descriptions = dict(zip(values, classification["x-enum-descriptions"], strict=True))
    assert descriptions["bullying"].startswith("mobning:")
    assert descriptions["exclusion"].startswith("negligering")
    assert "| `value_rule_breach` | brud på værdiregelsæt |" in classification["description"]
    for doc in enum_docs():
        component = spec["components"]["schemas"][doc.name]
        assert (
            len(component["x-enum-descriptions"])
            == len(component["enum"])
            == len(component["x-enum-varnames"])
        )
        assert all(d.split(":")[0].strip() for d in component["x-enum-descriptions"]), doc.name


def test_every_error_response_names_its_types_with_an_example_each(spec):
    for _method, _path, op in _operations(spec):
        for code, response in op["responses"].items():
            if not (code == "default" or code.startswith(("4", "5"))):
                continue
            resolved = _resolve(spec, response)
            media = resolved["content"]["application/json"]
            if op["operationId"] == "requestOAuthToken" and media["schema"] == {
                "$ref": "#/components/schemas/OAuthError"
            }:
                continue  # the token endpoint's own errors are OAuth's shape (RFC 6749 §5.2), as OAuth libraries read
            assert media["schema"] == {"$ref": "#/components/schemas/Error"}
            assert media["examples"], f"{op['operationId']} {code}: which error types?"
            for error_type, example in media["examples"].items():
                assert error_type in ERROR_TYPES
                value = _resolve(spec, example)["value"]
                assert value["type"] == error_type
                if code != "default":
                    assert value["code"] == int(code), f"{op['operationId']} {code}: {error_type}"
                assert schema_errors(value, {"$ref": "#/components/schemas/Error"}) == []
                assert f"`{error_type}`" in response.get("description", resolved["description"])


def _error_types(spec, op, code):
    response = op["responses"].get(code)
    return set(_resolve(spec, response)["content"]["application/json"]["examples"]) if response else set()


def test_machine_readable_types_tell_the_422s_apart(spec):
    ops = {op["operationId"]: op for _, _, op in _operations(spec)}
    create = _error_types(spec, ops["createIncident"], "422")
    assert {"validation_error", "unknown_query_argument", "idempotency_key_reused"} <= create
    assert "idempotency_key_reused" not in _error_types(spec, ops["listIncidents"], "422")
    assert "unknown_log_kind" in _error_types(spec, ops["listStudentLogEntries"], "422")
    assert {"precondition_failed"} == _error_types(spec, ops["updateIncident"], "412")
    assert "token_expired" in _error_types(spec, ops["getIncident"], "401")
    assert len({ERROR_TYPE_STATUS[t] for t in ("idempotency_key_reused", "validation_error")}) == 1


def test_response_headers_are_documented(spec):
    ops = {op["operationId"]: op for _, _, op in _operations(spec)}
    created = ops["createIncident"]["responses"]["201"]["headers"]
    assert {"Location", "ETag", "Idempotent-Replayed", "Cache-Control", "X-Request-ID"} <= set(created)
    read = ops["getIncident"]["responses"]
    assert {"ETag", "Cache-Control"} <= set(read["200"]["headers"])
    assert "ETag" in read["304"]["headers"]
    limited = _resolve(spec, ops["logIn"]["responses"]["429"])["headers"]
    assert {"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(limited)
    assert "X-RateLimit-Remaining" in ops["logIn"]["responses"]["200"]["headers"]
    for header in spec["components"]["headers"].values():
        assert header["description"] and header["schema"]


def test_every_request_body_and_success_response_has_a_valid_example(spec):
    for _method, _path, op in _operations(spec):
        bodies = [("request", m) for m in op.get("requestBody", {}).get("content", {}).values()]
        for code, response in op["responses"].items():
            if code.startswith("2"):
                bodies += [(code, m) for m in _resolve(spec, response).get("content", {}).values()]
        for where, media in bodies:
            assert "example" in media or "examples" in media, f"{op['operationId']} {where}: no example"
            if "example" in media and media["schema"].get("format") != "binary":
                schema = media["schema"]
                problems = schema_errors(media["example"], schema)
                assert problems == [], (
                    f"{op['operationId']} {where}: example does not fit its schema: {problems}"
                )


def test_examples_take_field_examples_first(spec):
    node = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "x": {"type": "string", "example": "y"}},
    }
    assert example_of(node, spec) == {"id": 42, "x": "y"}
    nullable = {"anyOf": [{"$ref": "#/components/schemas/Classification"}, {"type": "null"}]}
    assert example_of(nullable, spec) == "conflict"


def test_conformance_layer_fails_an_error_type_the_operation_does_not_document(database_url):
    from tests.spec import SpecViolation
    from tests.test_openapi import _health_answering

    body = {"code": 503, "status": "Service Unavailable", "type": "conflict", "message": "down", "errors": {}}
    client = _health_answering(database_url, (body, 503))
    with pytest.raises(SpecViolation, match="error type 'conflict' is not documented"):
        client.get("/api/v1/health")
    client = _health_answering(database_url, ({**body, "type": "service_unavailable"}, 503))
    assert client.get("/api/v1/health").status_code == 503
