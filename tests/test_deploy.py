"""Starting several app replicas at once: each container runs `trivsel db upgrade` before serving (see
docker-entrypoint.sh); on PostgreSQL they take turns on an advisory lock, so one migrates and the others
find the schema current."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from api.core.db import make_engine
from tests.conftest import drop_postgres_database, fresh_postgres_database, make_test_app
from tests.servers import ROOT


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_replicas_migrating_at_the_same_moment_all_succeed(tmp_path):
    url = fresh_postgres_database("deploy")
    env = {**os.environ, "DATABASE_URL": url, "TRIVSEL_INSTANCE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    try:
        replicas = [
            subprocess.Popen(
                [sys.executable, "-m", "api.cli", "db", "upgrade"],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(3)
        ]
        outputs = []
        for proc in replicas:
            try:
                outputs.append(proc.communicate(timeout=300)[0])
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        assert [p.returncode for p in replicas] == [0, 0, 0], outputs
        assert make_test_app(url).test_client().get("/api/v1/health/ready").status_code == 200
    finally:
        make_engine(url).dispose()
        drop_postgres_database(url)
