"""Processor time per request, one request at a time (issue 16: "the ratios hold within 10 % of the demo-size
figures (cost flat as data grows)"): the app's `GET /students/{id}`, `GET /incidents/{id}` and
`POST /incidents` beside the hand-written `GET /students/{id}`, at demo size and on the municipality.

    BENCH_DATABASE_URL=postgresql://root@127.0.0.1:5432/trivsel_bench python bench/run_all.py request_cost

Each request is served in-process by Flask's test client, and costs what this process spends on it
(`process_time_ns`) plus what the PostgreSQL backends serving it spend (`/proc/<pid>/schedstat`, nanoseconds
on a processor). The four kinds of request on both datasets take turns request by request, so a neighbour's
burst falls on all of them alike, and each dataset goes first in every other turn; each figure is the median
of its requests. Under wrk (`api_throughput`) the same shares move by a third between identical rounds,
because a saturated 2-core machine queues the server, its 16 threads and PostgreSQL behind each other and
behind the neighbours; one request at a time, the shares repeat to within a few per cent. Data size acts only in PostgreSQL, which is counted here.
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

ENDPOINTS = ("GET /students/{id}", "GET /incidents/{id}", "POST /incidents")
HAND = "hand-written GET /students/{id}"
REQUESTS = 300  # of each kind on each dataset (each endpoint's turn also serves one hand-written request)
WARM = 30


def _calls(url: str, secret: str, *, demo: bool, events: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The four requests on one dataset, as callables, and the subjects they read."""
    from _baselines import hand_app
    from api_throughput import _subjects, issue10_calls

    from api import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": url, "JWT_SECRET_KEY": secret})
    who = _subjects(app, demo=demo, events=events)
    os.environ.update(DATABASE_URL=url, JWT_SECRET_KEY=secret)  # hand_app reads them when it is made
    hand = hand_app().test_client()
    headers = {"Authorization": who["auth"]}
    calls: dict[str, Callable[[], Any]] = {
        HAND: lambda: hand.get(f"/api/v1/students/{who['student']}", headers=headers),
        **issue10_calls(app.test_client(), who),
    }
    for name, call in calls.items():
        for _ in range(WARM):  # warm the caches, the pool and the prepared statements
            resp = call()
        if resp.status_code >= 300:
            raise RuntimeError(f"{name}: {resp.status_code} {resp.get_data(as_text=True)[:300]}")
    return calls, who


def _one(call: Callable[[], Any], backends: Any) -> int:
    """Nanoseconds of processor time one request costs this process and the database."""
    before = backends.ns()
    start = time.process_time_ns()
    call()
    spent = time.process_time_ns() - start
    return spent + backends.ns() - before


def measure(datasets: dict[str, str], requests: int) -> dict[str, dict[str, list[int]]]:
    """Per request costs (ns) of each kind on each dataset, the kinds and datasets taking turns."""
    from api.core.collector import freeze_loaded_app

    secret = secrets.token_urlsafe(48)
    calls: dict[str, dict[str, Any]] = {}
    events = None
    for label, url in datasets.items():
        # The case read at every size has the same history as the demo's, so its size is not what differs.
        calls[label], who = _calls(url, secret, demo=label == "demo", events=events)
        events = events if events is not None else who["events"]
    freeze_loaded_app()  # as a gunicorn worker does once it has loaded the app (gunicorn.conf.py)
    from _cpu import Backends

    backends = {label: Backends.of_database(url) for label, url in datasets.items()}
    costs: dict[str, dict[str, list[int]]] = {label: {HAND: []} for label in datasets}
    try:
        labels = list(datasets)
        for i in range(requests):
            for name in ENDPOINTS:
                # Each dataset goes first in every other turn: the second of two alike requests finds the
                # processor's caches warm for it, which favoured the municipality by 3-10 % when it always
                # came second.
                for label in labels if i % 2 == 0 else labels[::-1]:
                    costs[label][HAND].append(_one(calls[label][HAND], backends[label]))
                    costs[label].setdefault(name, []).append(_one(calls[label][name], backends[label]))
    finally:
        for b in backends.values():
            b.close()
    return costs


def run(ctx: Any) -> list[Any]:
    """For make bench: each request's share of the hand-written one by processor time, and its flatness."""
    from _framework import Row

    server = ctx.database_url
    if not server or not Path("/proc/self/schedstat").exists():
        return [
            Row(
                figure="request cost: needs BENCH_DATABASE_URL (make bench-data) and /proc/<pid>/schedstat",
                value="skipped",
                issue=16,
                passed=False,
            )
        ]
    from api_throughput import _demo_database

    from api.core.db import normalize_url

    datasets = {"demo": _demo_database(normalize_url(server)), "municipality": normalize_url(server)}
    costs = measure(datasets, 60 if ctx.quick else REQUESTS)
    median = {label: {k: statistics.median(v) / 1e6 for k, v in c.items()} for label, c in costs.items()}
    rows = []
    for label in datasets:
        hand = median[label][HAND]
        rows.append(
            Row(
                figure=f"[{label}] {HAND}: processor time per request, one at a time (this process + its "
                f"PostgreSQL backends; median of {len(costs[label][HAND])})",
                value=round(hand, 3),
                unit="ms",
            )
        )
        for name in ENDPOINTS:
            rows.append(
                Row(
                    figure=f"[{label}] {name}: processor time per request, one at a time, vs hand-written "
                    f"(median of {len(costs[label][name])})",
                    value=round(median[label][name], 3),
                    baseline=round(hand, 3),
                    ratio=hand / median[label][name],
                    unit="ms",
                )
            )
    for name in ENDPOINTS:
        demo = median["demo"][HAND] / median["demo"][name]
        city = median["municipality"][HAND] / median["municipality"][name]
        rows.append(
            Row(
                figure=f"{name}: share of hand-written by processor time per request, municipality (value) / "
                "demo (baseline)",
                value=round(city * 100, 2),
                baseline=round(demo * 100, 2),
                ratio=city / demo,
                unit="%",
                goal="within 10 %",
                issue=16,
                passed=abs(city / demo - 1) <= 0.10,
            )
        )
    return rows


if __name__ == "__main__":
    import run_all

    sys.argv = [sys.argv[0], "request_cost", *sys.argv[1:]]  # run_all's table, without rewriting RESULTS.md
    raise SystemExit(run_all.main())
