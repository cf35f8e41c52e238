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


def test_no_module_configures_the_mappers_when_imported():
    """Every module of api/, imported alone in a fresh interpreter (in name order, as a script or benchmark may),
    leaves the mappers unconfigured: a loader option built at import (joinedload & co. in a module-level
    statement) configures them before other domains' models exist. Build such statements on first use."""
    script = (
        "import pkgutil, importlib, sys\n"
        "from sqlalchemy import event\n"
        "from sqlalchemy.orm import Mapper\n"
        "seen = []\n"
        "event.listen(Mapper, 'before_configured', lambda: seen.append(current[0]))\n"
        "current = ['']\n"
        "import api\n"
        "for mod in sorted(m.name for m in pkgutil.walk_packages(api.__path__, 'api.')):\n"
        "    if '.migrations' in mod:\n"
        "        continue\n"
        "    current[0] = mod\n"
        "    importlib.import_module(mod)\n"
        "print('configured by:', ','.join(seen) or '-')\n"
    )
    env = {**os.environ, "SECRET_KEY": "s" * 48, "JWT_SECRET_KEY": "j" * 48, "TRIVSEL_ENV": "development"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "configured by: -", done.stdout[-2000:]


def test_a_gunicorn_worker_freezes_what_it_built_at_start():
    """gunicorn.conf.py's post_worker_init moves the loaded app's objects out of the collector's way."""
    import gc
    import importlib.util

    from api.core.collector import THRESHOLDS, freeze_loaded_app

    before = gc.get_threshold()
    spec = importlib.util.spec_from_file_location("trivsel_gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    try:
        conf.post_worker_init(object())
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert gc.get_threshold() == THRESHOLDS  # requests' objects are collected less often
        assert freeze_loaded_app() >= frozen
    finally:
        gc.unfreeze()  # the test process goes on building apps
        gc.set_threshold(*before)
