"""The committed spec as a contract in every test: each response the test client gets from an API operation is
checked against the operation's documented responses, so a field the spec promises and the API omits (or an
undocumented status, or an error body out of shape) fails the test that met it."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import brotli
import jsonschema_rs
from flask import Flask
from flask.testing import FlaskClient
from flask_smorest.spec.plugins import FlaskPlugin
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

SPEC_FILE = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
SPEC: dict[str, Any] = json.loads(SPEC_FILE.read_text())
ERROR_SCHEMA_REF = "#/components/schemas/Error"
_METHODS = {"get", "post", "put", "patch", "delete"}


class SpecViolation(AssertionError):
    """A response that the committed spec does not describe."""


def _resolve(obj: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in obj:
        node: Any = SPEC
        for part in obj["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        obj = node
    return obj


@cache
def _validator(schema_json: str) -> Any:
    schema = {**json.loads(schema_json), "components": SPEC["components"]}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def schema_errors(body: Any, schema: dict[str, Any]) -> list[str]:
    """What is wrong with `body` under a schema of the spec ($refs resolved against the spec)."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    return [
        f"{'/'.join(str(p) for p in error.instance_path) or '(body)'}: {error.message}"
        for error in validator.iter_errors(body)
    ]


def error_shape_errors(body: Any, status: int) -> list[str]:
    """What is wrong with an error body under the one error shape (the spec's Error schema)."""
    problems = schema_errors(body, {"$ref": ERROR_SCHEMA_REF})
    if isinstance(body, dict) and body.get("code") != status:
        problems.append(f"code {body.get('code')!r} is not the status {status}")
    return problems


def _operation(app: Flask, response: TestResponse) -> tuple[str, str, dict[str, Any]] | None:
    """The spec path, method and operation that answered, or None if no documented operation did."""
    environ = response.request.environ
    try:
        rule, _args = app.url_map.bind_to_environ(environ).match(return_rule=True)
    except HTTPException:  # 404, 405, a redirect: no operation answered
        return None
    path = FlaskPlugin.flaskpath2openapi(rule.rule)
    method = environ["REQUEST_METHOD"].lower()
    method = "get" if method == "head" else method
    operation = SPEC["paths"].get(path, {}).get(method)
    if method not in _METHODS or operation is None:
        return None
    return path, method, operation


def check_response(app: Flask, response: TestResponse) -> None:
    """Raise SpecViolation when an API response is not what the spec documents for it."""
    environ = response.request.environ
    if not environ.get("PATH_INFO", "").startswith("/api/") or environ["REQUEST_METHOD"] == "OPTIONS":
        return
    status = response.status_code
    found = _operation(app, response)
    if found is None:
        # Not a documented operation (an unknown path, a wrong method, the docs): errors still have the shape.
        if status >= 400 and response.is_json:
            _fail(environ, status, error_shape_errors(json.loads(_decoded(response)), status))
        return
    path, method, operation = found
    where = f"{method.upper()} {path}"
    documented = operation["responses"].get(str(status))
    if documented is None:
        if status < 500:
            raise SpecViolation(
                f"{where} answered {status}, which the spec does not document for it "
                f"(documented: {', '.join(sorted(operation['responses']))}); document it with blp.errors()"
            )
        documented = operation["responses"]["default"]
    content = _resolve(documented).get("content") or {}
    body = response.get_data()
    if not content:
        if body and environ["REQUEST_METHOD"] != "HEAD":
            raise SpecViolation(f"{where} {status}: the spec documents no body, the response has one")
        return
    if response.mimetype not in content:
        raise SpecViolation(
            f"{where} {status}: content type {response.mimetype!r} is not documented ({', '.join(content)})"
        )
    if environ["REQUEST_METHOD"] == "HEAD" or not response.is_json:
        return
    schema = content[response.mimetype].get("schema") or {}
    data = json.loads(_decoded(response))
    problems = schema_errors(data, schema)
    if status >= 400:
        problems += error_shape_errors(data, status)
        # The spec names the error types each operation answers with each status (one example per type).
        types = content[response.mimetype].get("examples") or {}
        if isinstance(data, dict) and types and data.get("type") not in types:
            problems.append(
                f"error type {data.get('type')!r} is not documented for this status ({', '.join(types)}); "
                "see api/core/openapi.py"
            )
    _fail(environ, status, problems)


def _decoded(response: TestResponse) -> bytes:
    body = response.get_data()
    coding = response.headers.get("Content-Encoding")
    if coding == "br":
        return brotli.decompress(body)
    if coding == "gzip":
        return gzip.decompress(body)
    return body


def _fail(environ: dict[str, Any], status: int, problems: list[str]) -> None:
    if problems:
        request = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
        raise SpecViolation(f"{request} answered {status} out of spec:\n  " + "\n  ".join(problems[:20]))


class SpecCheckingClient(FlaskClient):
    """The test client: every response to an API operation is checked against the committed spec."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)
        check_response(self.application, response)
        return response
