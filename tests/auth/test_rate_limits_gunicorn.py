"""The login limit under real gunicorn with two workers: production refuses per-process counters, and with
Redis the limit holds across the workers (the audit saw 20 of 31 attempts pass a limit of 10 with memory://).

Each test starts gunicorn on a free port of 127.0.0.1 and stops it by its process id."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.servers import GUNICORN, ROOT
from tests.servers import free_port as _free_port
from tests.servers import redis_up as _redis_up


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "WEB_CONCURRENCY"))}
    env.update(
        TRIVSEL_ENV="production",
        TRIVSEL_INSTANCE_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL="postgresql://nobody@127.0.0.1:1/never",  # not reached when refused
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def test_production_with_two_workers_refuses_memory_storage(tmp_path):
    port = _free_port()
    # WEB_CONCURRENCY says 1, but gunicorn is told 2 on its command line: the real count decides.
    env = _production_env(tmp_path, WEB_CONCURRENCY="1", RATELIMIT_STORAGE_URI="memory://")
    proc = subprocess.Popen(  # noqa: S603  (our interpreter, fixed arguments)
        [*GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0, output
    assert "refuses to start" in output and "RATELIMIT_STORAGE_URI" in output
    assert "Booting worker" not in output


def _post_login(port: int, email: str) -> tuple[int, str]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/login",
        data=json.dumps({"email": email, "password": "wrong-password"}).encode(),
        headers={"Content-Type": "application/json", "Connection": "close"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers.get("Retry-After", "")
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Retry-After", "")


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")
def test_with_redis_the_limit_holds_across_two_workers(tmp_path):
    from sqlalchemy import create_engine

    from api import discovery
    from api.core.db import Base

    db_file = tmp_path / "trivsel.db"
    discovery.load_models()
    engine = create_engine(f"sqlite:///{db_file}")
    Base.metadata.create_all(engine)
    engine.dispose()
    port = _free_port()
    env = _production_env(
        tmp_path,
        DATABASE_URL=f"sqlite:///{db_file}",
        TRIVSEL_ALLOW_SQLITE="1",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        RATELIMIT_KEY_PREFIX=f"trivsel-test-{uuid.uuid4().hex}",
        LOGIN_RATE_LIMIT="10 per minute",
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603  (our interpreter, fixed arguments)
            [
                *GUNICORN,
                "--workers",
                "2",
                "--threads",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
                "--access-logformat",
                "served-by %(p)s %(s)s",
            ],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        # Different e-mails from one address: only the per-address limit binds, and it is shared.
        answers = [_post_login(port, f"user{i}@example.dk") for i in range(31)]
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    codes = [code for code, _ in answers]
    workers = {line.split()[1] for line in log.read_text().splitlines() if line.startswith("served-by")}
    print(
        f"\n{codes.count(401)} of 31 attempts passed, {codes.count(429)} limited, workers {sorted(workers)}"
    )
    assert set(codes) <= {401, 429}, codes
    assert codes.count(401) == 10 and codes[10:] == [429] * 21
    assert all(int(retry) > 0 for code, retry in answers if code == 429)
