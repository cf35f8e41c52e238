"""The answers' JSON is written by orjson, byte for byte what Flask's standard encoder wrote before."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from flask import Flask

from api.core.inputs import JSONProvider, encode_json

AWKWARD = [
    "Skolegården",
    "Æble, Ø og Å",
    'tab\there, newline\n, quote ", backslash \\, slash /',
    "controls \x00 \x01 \x1f and DEL \x7f",
    "beyond the first plane: \U0001f600 \U0010ffff",
    "lone surrogate-free CJK 日本",
    "",
]


def _standard(value: object) -> bytes:
    return (json.dumps(value, separators=(",", ":")) + "\n").encode()


@pytest.mark.parametrize("text", AWKWARD)
def test_text_is_escaped_exactly_as_the_standard_encoder_does(text):
    value = {"text": text, "list": [text, 1, None, True, False], text or "empty": 2}
    assert encode_json(value) == _standard(value)


def test_numbers_keys_and_nesting_match():
    value = {
        "ints": [0, -1, 2**31, 2**53 + 1],
        "floats": [0.5, 2.25, -1.75, 4.2],
        1: "int key",
        "nested": {"a": [{"b": {"c": []}}], "e": {}},
    }
    assert encode_json(value) == _standard(value)


def test_dates_uuids_and_dataclasses_go_through_flasks_default_as_before():
    @dataclass
    class Point:
        x: int

    app = Flask(__name__)
    app.json = JSONProvider(app)
    value = {
        "day": date(2026, 3, 2),
        "moment": datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        "id": uuid.UUID(int=7),
        "point": Point(3),
    }
    with app.app_context():
        standard = (app.json.dumps(value, separators=(",", ":")) + "\n").encode()
        assert app.json.response(value).get_data() == standard
    assert b"Mon, 02 Mar 2026" in standard  # Flask's http_date, not an ISO date


def test_an_api_answer_is_ascii_with_its_letters_escaped(app, client):
    resp = client.get("/api/v1/health")
    assert resp.get_data().isascii()
    with app.app_context():
        answer = app.json.response({"name": "Åse Øster"})
    assert answer.get_data() == b'{"name":"\\u00c5se \\u00d8ster"}\n'
    assert answer.mimetype == "application/json"


def test_debug_mode_indents_as_flask_does():
    app = Flask(__name__)
    app.json = JSONProvider(app)
    app.debug = True
    with app.app_context():
        body = app.json.response({"a": [1]}).get_data(as_text=True)
    assert json.loads(body) == {"a": [1]}
    assert body.startswith("{\n  ")
