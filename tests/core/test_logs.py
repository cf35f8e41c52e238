"""Structured request logs: one JSON line per request with its id (echoed as X-Request-ID), the acting user,
the route, the status and the duration; never a child's name nor the text of a note, even when the
request carried them (a search, a report, a note, a refused write)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from api.core.logs import RequestContext, json_formatter
from tests.factories import make_student
from tests.incidents.factories import headers, make_world

SECRET_WORDS = ("Zelmira", "Quistgaard", "gyngerne", "skubbede", "hemmelig")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything any logger writes at any level, formatted as the JSON lines production writes."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestContext())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def _requests(out: io.StringIO) -> list[dict]:
    return [line for line in _lines(out) if line["logger"] == "trivsel.request"]


def test_a_request_carrying_a_childs_name_and_a_note_logs_neither(app, client, session, captured):
    world = make_world(session)
    child = make_student(session, world.school, world.class_a, given_name="Zelmira", family_name="Quistgaard")
    teacher = world.users["teacher"]
    h = headers(app, world, teacher)

    assert client.get("/api/v1/students?q=Zelmira Quist", headers=h).status_code == 200
    created = client.post(
        "/api/v1/incidents",
        json={
            "classification": "bullying",
            "students": [{"student_id": child.id, "role": "target"}],
            "description": "Zelmira Quistgaard blev skubbet ved gyngerne; de skubbede hende igen",
        },
        headers={**h, "Idempotency-Key": "log-test-1"},
    )
    assert created.status_code == 201, created.json
    incident_id = created.json["id"]
    note = client.post(
        f"/api/v1/incidents/{incident_id}/notes",
        json={"kind": "students", "body": "Zelmira fortalte noget hemmelig om gyngerne"},
        headers=h,
    )
    assert note.status_code == 201, note.json
    assert client.get(f"/api/v1/students/{child.id}/log", headers=h).status_code == 200
    # Refused writes echo nothing of what they carried into the log either.
    refused = client.post(
        "/api/v1/incidents",
        json={"classification": "Zelmira", "students": [{"student_id": child.id, "role": "gyngerne"}]},
        headers=h,
    )
    assert refused.status_code == 422
    replay_other_body = client.post(
        "/api/v1/incidents",
        json={
            "classification": "teasing",
            "students": [{"student_id": child.id, "role": "target"}],
            "description": "hemmelig Zelmira",
        },
        headers={**h, "Idempotency-Key": "log-test-1"},
    )
    assert replay_other_body.status_code == 422

    text = captured.getvalue()
    assert text, "the requests were logged"
    for word in SECRET_WORDS:
        assert word.lower() not in text.lower(), f"{word!r} reached the log"
    lines = _requests(captured)
    search = next(line for line in lines if line["route"] == "/api/v1/students")
    assert search["method"] == "GET" and search["status"] == 200
    assert search["user_id"] == teacher.id and search["school_id"] == world.school.id
    assert isinstance(search["duration_ms"], float) and search["duration_ms"] >= 0
    assert [line["status"] for line in lines if line["route"] == "/api/v1/incidents"] == [201, 422, 422]
    assert any(line["route"] == "/api/v1/incidents/<int:incident_id>/notes" for line in lines)


def test_the_request_id_is_echoed_and_names_the_log_line(client, captured):
    sent = "3f2a9c1e-proxy-id-42"
    resp = client.get("/api/v1/health", headers={"X-Request-ID": sent})
    assert resp.headers["X-Request-ID"] == sent
    (line,) = [line for line in _requests(captured) if line["request_id"] == sent]
    assert line == {**line, "route": "/api/v1/health", "status": 200, "method": "GET", "user_id": None}
    assert line["level"] == "INFO" and "time" in line

    # An id that could forge log lines or bloat them is replaced by one of our own.
    for insane in ("short", "x" * 65, "abc def ghi jkl", 'abc"}{"level":"ERROR'):
        resp = client.get("/api/v1/health", headers={"X-Request-ID": insane})
        echoed = resp.headers["X-Request-ID"]
        assert echoed != insane and len(echoed) == 32 and echoed.isalnum()
    # Without one, each request gets its own, and an error quotes the same id its line carries.
    a = client.get("/api/v1/nothing-here").headers["X-Request-ID"]
    b = client.get("/api/v1/nothing-here").headers["X-Request-ID"]
    assert a != b
    logged = {line["request_id"]: line for line in _requests(captured)}
    assert logged[a]["status"] == 404 and logged[a]["route"] is None


def test_an_unauthenticated_request_is_logged_without_a_user(client, captured):
    resp = client.get("/api/v1/students")
    assert resp.status_code == 401
    (line,) = [line for line in _requests(captured) if line["route"] == "/api/v1/students"]
    assert line["status"] == 401 and line["user_id"] is None
    assert line["request_id"] == resp.headers["X-Request-ID"]
