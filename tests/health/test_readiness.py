"""Liveness and readiness: a load balancer sends traffic only to an app whose database answers and whose
schema is the code's; an app with pending migrations or an unreachable database says so (503)."""

from __future__ import annotations

from alembic import command

from api.cli import alembic_config, upgrade_database
from tests.conftest import drop_postgres_database, fresh_postgres_database, make_test_app


def _migrated_url(backend: str, tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'ready.db'}" if backend == "sqlite" else fresh_postgres_database("ready")
    upgrade_database(url)
    return url


def test_a_migrated_database_is_ready_and_one_migration_behind_is_not(backend, tmp_path):
    url = _migrated_url(backend, tmp_path)
    try:
        client = make_test_app(url).test_client()
        ready = client.get("/api/v1/health/ready")
        assert ready.status_code == 200, ready.json
        assert ready.json == {"status": "ready", "database": "ok", "migrations": "current"}

        command.downgrade(alembic_config(url), "-1")
        behind = client.get("/api/v1/health/ready")
        assert behind.status_code == 503
        assert behind.json["errors"] == {"migrations": ["pending"]}
        assert "trivsel db upgrade" in behind.json["message"]
        # Alive all the same: the process and its database answer, so nothing restarts it meanwhile.
        assert client.get("/api/v1/health").status_code == 200

        upgrade_database(url)
        assert client.get("/api/v1/health/ready").status_code == 200
    finally:
        if backend == "postgresql":
            drop_postgres_database(url)


def test_a_database_never_migrated_is_not_ready(client):
    # The suite's database is built from the models, without Alembic's record: as far as readiness can
    # tell, every migration is pending.
    resp = client.get("/api/v1/health/ready")
    assert resp.status_code == 503
    assert resp.json["errors"] == {"migrations": ["pending"]}


def test_an_unreachable_database_is_neither_alive_nor_ready(tmp_path):
    # Nothing listens on port 1: the connection is refused at once.
    client = make_test_app("postgresql://nobody@127.0.0.1:1/trivsel").test_client()
    ready = client.get("/api/v1/health/ready")
    assert ready.status_code == 503
    assert ready.json["errors"] == {"database": ["unreachable"]}
    alive = client.get("/api/v1/health")
    assert alive.status_code == 503
    assert alive.headers["Content-Type"] == "application/json"
