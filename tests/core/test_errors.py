"""The one error shape: {code, status, type, message, errors}, `errors` always there and keyed by field name,
`type` a stable code a program can branch on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_jwt_extended import create_access_token

from api.cli import spec_json
from api.errors import ERROR_TYPES, Conflict, DomainError, InvalidInput, error_payload
from tests.factories import auth, make_class, make_school, make_student, make_user

SHAPE = {"code", "status", "type", "message", "errors"}


def _shape(resp, status: int, type_: str) -> dict:
    assert resp.status_code == status, resp.json
    body = resp.json
    assert set(body) == SHAPE, body
    assert body["code"] == status and body["type"] == type_ and isinstance(body["errors"], dict)
    return body["errors"]


@pytest.fixture
def admin_headers(app, session):
    school = make_school(session)
    return auth(app, make_user(session, school, "admin", "leader"))


def test_errors_without_details_have_an_empty_errors_object(client, admin_headers):
    assert _shape(client.get("/api/v1/nothing-here"), 404, "not_found") == {}
    assert _shape(client.delete("/api/v1/health"), 405, "method_not_allowed") == {}
    assert _shape(client.get("/api/v1/users"), 401, "not_authenticated") == {}
    assert _shape(client.get("/api/v1/incidents/999999", headers=admin_headers), 404, "not_found") == {}


def test_body_field_errors_are_keyed_by_field_name(client, admin_headers):
    resp = client.post("/api/v1/users", headers=admin_headers, json={"email": "x", "roles": ["pilot"]})
    errors = _shape(resp, 422, "validation_error")
    assert {"email", "roles", "name", "password"} <= set(errors) and "json" not in errors
    assert all(isinstance(v, list | dict) for v in errors.values())


def test_query_field_errors_are_keyed_by_field_name(client, admin_headers):
    errors = _shape(
        client.get("/api/v1/incidents?status=nope", headers=admin_headers), 422, "validation_error"
    )
    assert list(errors) == ["status"]


def test_nested_field_errors_keep_their_own_nesting(app, client, session):
    school = make_school(session)
    teacher = make_user(session, school, "teacher")
    student = make_student(session, school, make_class(session, school))
    body = {"classification": "conflict", "students": [{"student_id": student.id, "role": "villain"}]}
    resp = client.post("/api/v1/incidents", headers=auth(app, teacher), json=body)
    errors = _shape(resp, 422, "validation_error")
    assert list(errors) == ["students"] and list(errors["students"]) == ["0"]
    assert list(errors["students"]["0"]) == ["role"]


def test_service_and_schema_errors_share_the_nesting(client, admin_headers):
    body = {"email": "dup@example.dk", "name": "Dup", "roles": ["teacher"], "password": "long-enough-pw"}
    assert client.post("/api/v1/users", headers=admin_headers, json=body).status_code == 201
    errors = _shape(client.post("/api/v1/users", headers=admin_headers, json=body), 409, "duplicate")
    assert errors == {"email": ["already in use"]}


def test_idempotency_errors_have_their_own_type(client, admin_headers):
    headers = {**admin_headers, "Idempotency-Key": "type-1"}
    body = {"email": "k@example.dk", "name": "K", "roles": ["teacher"], "password": "long-enough-pw"}
    assert client.post("/api/v1/users", headers=headers, json=body).status_code == 201
    resp = client.post("/api/v1/users", headers=headers, json={**body, "name": "Other"})
    assert "Idempotency-Key" in _shape(resp, 422, "idempotency_key_reused")


def test_precondition_errors_are_typed(app, client, session, admin_headers):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    h = auth(app, admin)
    url = f"/api/v1/users/{admin.id}"
    _shape(client.patch(url, headers=h, json={"name": "N"}), 428, "precondition_required")
    stale = {**h, "If-Match": '"users-0-v0"'}
    _shape(client.patch(url, headers=stale, json={"name": "N"}), 412, "precondition_failed")


def test_jwt_errors_are_typed(app, client, session):
    school = make_school(session)
    user = make_user(session, school, "teacher")
    _shape(client.get("/api/v1/auth/me"), 401, "not_authenticated")
    _shape(client.get("/api/v1/auth/me", headers={"Authorization": "Bearer a.b.c"}), 401, "token_invalid")
    with app.app_context():
        expired = create_access_token(
            identity=str(user.id),
            additional_claims={"school_id": school.id},
            expires_delta=timedelta(seconds=-60),
        )
    resp = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})
    _shape(resp, 401, "token_expired")
    h = auth(app, user)
    assert client.post("/api/v1/auth/logout", headers=h).status_code in (200, 204)
    _shape(client.get("/api/v1/auth/me", headers=h), 401, "token_revoked")


def test_browser_write_without_csrf_header_is_csrf_failed(client, session):
    school = make_school(session)
    make_user(session, school, "teacher", email="c@example.dk", password="long-enough-pw")
    login = {"email": "c@example.dk", "password": "long-enough-pw", "use_cookies": True}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    _shape(client.post("/api/v1/auth/logout"), 401, "csrf_failed")


def test_rate_limited_is_typed(database_url):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    body = {"email": "nobody@example.dk", "password": "x"}
    statuses = [client.post("/api/v1/auth/login", json=body).status_code for _ in range(2)]
    assert statuses == [401, 401]
    _shape(client.post("/api/v1/auth/login", json=body), 429, "rate_limited")


def test_domain_errors_have_a_default_type_and_take_a_specific_one():
    assert Conflict("x").type == "conflict" and InvalidInput("x").type == "validation_error"
    assert Conflict("x", type="duplicate").type == "duplicate"
    for cls in DomainError.__subclasses__():
        assert cls.type in ERROR_TYPES, cls
    assert error_payload(418)["type"] == "bad_request" and error_payload(502)["type"] == "internal_error"
    assert error_payload(404)["errors"] == {}


def test_the_spec_documents_the_shape_once_with_type_as_an_enum(app):
    import json

    error = json.loads(spec_json(app))["components"]["schemas"]["Error"]
    assert set(error["required"]) == SHAPE
    assert error["properties"]["type"]["enum"] == list(ERROR_TYPES)
    assert all(f"`{name}`" in error["properties"]["type"]["description"] for name in ERROR_TYPES)
    assert error["additionalProperties"] is False
