"""The app factory works in a fresh interpreter, whatever was imported before it: gunicorn imports nothing
first, a script or the benchmarks may import one domain's models first. A module that configures the mappers
at import time (a loader option in a module-level statement) fails when another domain's models are not
imported yet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "first", ["", "import api.incidents.models\n"], ids=["nothing first", "a model first"]
)
def test_create_app_in_a_fresh_interpreter_answers_a_request(tmp_path, first):
    script = first + (
        "from api import create_app\n"
        "app = create_app()\n"
        "resp = app.test_client().get('/api/v1/health')\n"
        "print(resp.status_code)\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
        "SECRET_KEY": "s" * 48,
        "JWT_SECRET_KEY": "j" * 48,
        "TRIVSEL_ENV": "development",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "200", done.stdout
