"""The per-client rate-limit headers are part of the contract: every operation an API client may call documents
RateLimit and RateLimit-Policy on its successes and its 429 (with Retry-After), as the app sends them; the
flask-limiter headers stay on the operations that send those (login, token) and nowhere else."""

from __future__ import annotations

import json

from api.cli import spec_json
from tests.factories import client_token, make_api_client
from tests.incidents.factories import make_world

CLIENT = {"RateLimit", "RateLimit-Policy"}
FLASK_LIMITER = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}


def _resolve(spec, node):
    while "$ref" in node:
        node = spec["components"]["responses"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, op


def test_every_operation_a_client_may_call_documents_its_rate_limit_headers(app):
    spec = json.loads(spec_json(app))
    checked = 0
    for method, path, op in _operations(spec):
        for_clients = any("oauth2" in r for r in op.get("security") or [])
        for code, response in op["responses"].items():
            headers = set(_resolve(spec, response).get("headers", {}))
            if not (code.startswith("2") or code in {"303", "304", "429"}):
                continue
            if for_clients:
                assert headers >= CLIENT, (method, path, code)
                assert not FLASK_LIMITER & headers, (method, path, code)
                checked += 1
            else:
                assert not CLIENT & headers, (method, path, code)
        if for_clients:
            assert "Retry-After" in _resolve(spec, op["responses"]["429"])["headers"], (method, path)
    assert checked >= 60
    for name in CLIENT:
        assert spec["components"]["headers"][name]["description"]
    login = spec["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert set(login["200"]["headers"]) >= FLASK_LIMITER


def test_a_clients_answers_carry_the_documented_headers(app, client, session):
    world = make_world(session)
    caller = make_api_client(session, world.school, "roster:read", "incidents:write")
    hdrs = {"Authorization": f"Bearer {client_token(app, caller)}"}
    spec = json.loads(spec_json(app))
    for method, url, path, body in (
        ("get", "/api/v1/students", "/api/v1/students", None),
        (
            "post",
            "/api/v1/incidents",
            "/api/v1/incidents",
            {"classification": "teasing", "students": [{"student_id": world.anna.id, "role": "target"}]},
        ),
    ):
        resp = client.open(url, method=method, headers=hdrs, json=body)
        assert resp.status_code in {200, 201}, resp.json
        documented = set(spec["paths"][path][method]["responses"][str(resp.status_code)]["headers"])
        sent = {h for h in CLIENT | FLASK_LIMITER if h in resp.headers}
        assert sent == CLIENT and sent <= documented, (url, sent, documented)
        assert resp.headers["RateLimit-Policy"] == '"per-client";q=600;w=60'
