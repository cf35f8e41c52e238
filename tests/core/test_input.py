"""Input that used to break: deep JSON, oversize chunked bodies, NUL deep inside, unknown query arguments.
Every such request gets a clear 4xx in the one error shape, never a 5xx or a traceback."""

from __future__ import annotations

import io
import logging

import pytest

from api.core.inputs import MAX_JSON_DEPTH
from tests.factories import auth, make_school, make_user


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("depth", [400, 5_000, 200_000])
def test_deep_json_is_400_json_too_deep_without_a_traceback(client, caplog, depth):
    caplog.set_level(logging.INFO)
    resp = client.post("/api/v1/auth/login", data=_nested(depth), content_type="application/json")
    assert resp.status_code == 400, resp.json
    assert resp.json["type"] == "json_too_deep" and resp.json["errors"] == {}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_deep_json_is_refused_before_any_view_reads_it(app, client, session):
    """Also on an idempotent write, whose key check reads the body before the arguments parser does."""
    school = make_school(session)
    teacher = make_user(session, school, "teacher")
    headers = {**auth(app, teacher), "Idempotency-Key": "deep-1"}
    resp = client.post(
        "/api/v1/incidents", data=_nested(5_000), content_type="application/json", headers=headers
    )
    assert resp.status_code == 400 and resp.json["type"] == "json_too_deep"


def test_json_at_the_depth_limit_is_parsed_and_validated(client):
    """A body nested exactly to the limit reaches the schema (a field error), one level more does not."""
    at_limit = b'{"email": "a@b.dk", "password": ' + _nested(MAX_JSON_DEPTH - 1) + b"}"
    resp = client.post("/api/v1/auth/login", data=at_limit, content_type="application/json")
    assert resp.status_code == 422 and resp.json["type"] == "validation_error"
    assert list(resp.json["errors"]) == ["password"]
    beyond = b'{"email": "a@b.dk", "password": ' + _nested(MAX_JSON_DEPTH) + b"}"
    resp = client.post("/api/v1/auth/login", data=beyond, content_type="application/json")
    assert resp.status_code == 400 and resp.json["type"] == "json_too_deep"


def test_nul_deep_inside_a_body_is_a_field_error(client):
    nested = "[" * 20 + '"a\\u0000b"' + "]" * 20
    body = '{"email": "a@b.dk", "password": ' + nested + "}"
    resp = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert resp.status_code == 422 and "NUL" in resp.json["errors"]["password"][0]


@pytest.mark.parametrize("body", [b"{not json", b'{"email": "\xff"}', b"[1, 2"])
def test_malformed_json_is_400_invalid_json(client, body):
    resp = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert resp.status_code == 400 and resp.json["type"] == "invalid_json" and resp.json["errors"] == {}


def _chunked(client, body: bytes):
    # A chunked body: no Content-Length; the server marks the input as terminated (gunicorn, werkzeug do).
    return client.post(
        "/api/v1/auth/login",
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_oversize_chunked_body_is_413(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b'{"email": "a@b.dk", "password": "' + b"x" * limit + b'"}'
    resp = _chunked(client, body)
    assert resp.status_code == 413, resp.json
    assert resp.json["type"] == "payload_too_large" and resp.json["errors"] == {}


def test_chunked_body_under_the_limit_is_read_whole(client):
    resp = _chunked(client, b'{"email": "nobody@example.dk", "password": "x"' + b" " * 200_000 + b"}")
    assert resp.status_code == 401  # read and checked, not cut off at a buffer boundary


def test_oversize_body_with_content_length_is_413(app, client):
    body = b'{"email": "' + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1) + b'"}'
    resp = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert resp.status_code == 413 and resp.json["type"] == "payload_too_large"


@pytest.fixture
def teacher_headers(app, session):
    school = make_school(session)
    return auth(app, make_user(session, school, "teacher", "leader"))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/incidents?statsu=open",
        "/api/v1/incidents?status=open&created_after=2026-01-01T00:00:00Z",
        "/api/v1/health?verbose=1",  # an operation that takes no query arguments at all
        "/api/v1/auth/me?school=2",
        "/api/v1/students?q=an&class=3",
        "/api/v1/notifications?unread=true&x=1",
    ],
)
def test_unknown_query_arguments_are_422(client, teacher_headers, url):
    resp = client.get(url, headers=teacher_headers)
    assert resp.status_code == 422, resp.json
    assert resp.json["type"] == "unknown_query_argument"
    unknown = url.rsplit("&", 1)[-1].split("?")[-1].split("=")[0]
    assert list(resp.json["errors"]) == [unknown]


def test_unknown_query_arguments_on_writes_and_heads_are_422(client, teacher_headers):
    resp = client.post("/api/v1/auth/logout?all=true", headers=teacher_headers)
    assert resp.status_code == 422 and resp.json["errors"] == {"all": ["Unknown query argument."]}
    assert client.head("/api/v1/incidents?statsu=open", headers=teacher_headers).status_code == 422


def test_documented_query_arguments_are_accepted(client, teacher_headers):
    resp = client.get("/api/v1/incidents?status=open&page=1&page_size=5", headers=teacher_headers)
    assert resp.status_code == 200 and resp.json["page_size"] == 5
    assert client.get("/api/v1/health").status_code == 200


def test_anonymous_callers_get_401_before_any_argument_check(client):
    assert client.get("/api/v1/incidents?statsu=open").status_code == 401
