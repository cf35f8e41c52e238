"""Instructions per request (issue 10's request path, measured without the machine's noise): the app's
`GET /students/{id}`, `GET /incidents/{id}` and `POST /incidents` and the hand-written `GET /students/{id}`,
each served in-process by Flask's test client under `valgrind --tool=callgrind`, on the demo database.

    BENCH_DATABASE_URL=postgresql://root@127.0.0.1:5432/trivsel_bench python bench/run_all.py instructions

Throughput on this 2-core machine moves by up to 2x within seconds as its neighbours come and go; the number
of instructions the Python process executes for a request does not (the same count to a few parts in a
thousand, whatever else runs). Each figure runs a process with N requests and one with 3N, after the same
warm-up, and divides the difference by 2N, so start-up cancels out. The database's own work is not counted
(it is the same statements for a request either way); throughput and processor time with it are in
`api_throughput`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

REQUESTS = 20  # N: the runs serve N and 3N requests after a warm-up of 20
ENDPOINTS = ("GET /students/{id}", "GET /incidents/{id}", "POST /incidents")
CONFIG = "TRIVSEL_INSTRUCTIONS"


def _child(side: str, endpoint: str, n: int) -> None:
    """Serve `n` requests in this process after a warm-up (run under valgrind by `_count`)."""
    config = json.loads(os.environ[CONFIG])
    os.environ.update(DATABASE_URL=config["url"], JWT_SECRET_KEY=config["secret"])
    from api.core.collector import freeze_loaded_app

    if side == "hand":
        from _baselines import hand_app

        app = hand_app()
    else:
        from api import create_app

        app = create_app({"DATABASE_URL": config["url"], "JWT_SECRET_KEY": config["secret"]})
    freeze_loaded_app()  # as a gunicorn worker does (gunicorn.conf.py)
    from api_throughput import issue10_calls

    call = issue10_calls(app.test_client(), config)[endpoint]
    for _ in range(20):
        resp = call()
    if resp.status_code >= 300:
        raise SystemExit(f"{side} {endpoint}: {resp.status_code} {resp.get_data(as_text=True)[:300]}")
    for _ in range(n):
        call()


def _instructions(side: str, endpoint: str, n: int, env: dict[str, str]) -> int:
    """The instructions a process serving `n` requests executes in all (callgrind's count)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            shutil.which("valgrind") or "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={tmp}/out",
            sys.executable,
            str(Path(__file__).resolve()),
            "child",
            side,
            endpoint,
            str(n),
        ]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)  # noqa: S603
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind run failed ({side} {endpoint}):\n{done.stderr[-3000:]}")
    return int(found.group(1))


def per_request(side: str, endpoint: str, env: dict[str, str]) -> float:
    """Instructions per request: (count with 3N requests - count with N) / 2N."""
    with ThreadPoolExecutor(2) as pool:
        low, high = pool.map(lambda k: _instructions(side, endpoint, k, env), (REQUESTS, 3 * REQUESTS))
    return (high - low) / (2 * REQUESTS)


def run(ctx: Any) -> list[Any]:
    """For make bench: instructions per request of the app's three requests beside the hand-written one."""
    from _framework import Row

    server = ctx.database_url or os.environ.get("TEST_DATABASE_URL")
    if not server or not shutil.which("valgrind"):
        return [
            Row(
                figure="instructions per request: needs BENCH_DATABASE_URL and valgrind (apt-get install -y "
                "valgrind)",
                value="skipped",
            )
        ]
    from api_throughput import _demo_database, _subjects

    from api import create_app
    from api.core.db import normalize_url

    url = _demo_database(normalize_url(server))
    secret = secrets.token_urlsafe(48)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "JWT_SECRET_KEY": secret})
    who = _subjects(app, demo=True)
    config = {
        "url": url,
        "secret": secret,
        "auth": who["auth"],
        "student": who["student"],
        "incident": who["incident"],
    }
    # The same hash seed in every run, so dictionaries and sets do the same work each time.
    env = {**os.environ, CONFIG: json.dumps(config), "PYTHONHASHSEED": "0", "TRIVSEL_ENV": "development"}
    hand = per_request("hand", "GET /students/{id}", env)
    rows = [
        Row(
            figure="hand-written GET /students/{id}: instructions per request in-process (callgrind)",
            value=round(hand / 1e6, 3),
            unit="M",
        )
    ]
    for endpoint in ENDPOINTS:
        app_count = per_request("app", endpoint, env)
        rows.append(
            Row(
                figure=f"{endpoint}: instructions per request in-process (callgrind) vs the hand-written "
                "GET /students/{id}",
                value=round(app_count / 1e6, 3),
                baseline=round(hand / 1e6, 3),
                ratio=hand / app_count,
                unit="M",
            )
        )
    return rows


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "child":
    _child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
