"""Webhook tests: an app that allows http://127.0.0.1 endpoints (as development and tests may), a school
with staff in every role, and real receivers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.conftest import _clean, make_test_app
from tests.incidents.factories import World, make_world
from tests.webhooks.receiver import Receiver, start_receiver


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """A fresh app per test with loopback endpoints allowed and a short delivery timeout."""
    application = make_test_app(database_url, WEBHOOK_ALLOW_LOOPBACK=True, WEBHOOK_TIMEOUT_SECONDS=2)
    try:
        yield application
    finally:
        _clean(database_url)


@pytest.fixture
def world(session: Any) -> World:
    """The school of the incident tests."""
    return make_world(session)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver that answers 204 to every verified request."""
    r = start_receiver()
    yield r
    r.stop()


@pytest.fixture
def receivers() -> Iterator[Any]:
    """Start as many receivers as a test needs; all are stopped afterwards."""
    started: list[Receiver] = []

    def start(**kwargs: Any) -> Receiver:
        r = start_receiver(**kwargs)
        started.append(r)
        return r

    yield start
    for r in started:
        r.stop()
