"""Firing requests at the same moment from real threads (each with its own client, context and session)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask
from flask.testing import FlaskClient


def at_once(app: Flask, count: int, send: Callable[[FlaskClient, int], Any]) -> list[Any]:
    """Run `send(client, i)` for i in range(count), all threads released together; the results in order."""
    barrier = threading.Barrier(count)

    def fire(i: int) -> Any:
        client = app.test_client()
        barrier.wait()
        return send(client, i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(fire, range(count)))


def statuses(responses: list[Any]) -> dict[int, int]:
    """How many responses had each status code."""
    counts: dict[int, int] = {}
    for resp in responses:
        counts[resp.status_code] = counts.get(resp.status_code, 0) + 1
    return dict(sorted(counts.items()))
