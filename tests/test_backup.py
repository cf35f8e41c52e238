"""The backup and restore drill of the README, run for real: a populated database (the demo school plus
writes through the API) is dumped with pg_dump, restored with pg_restore into a fresh database, and every
row of every table (each table's count and checksum, the audit log's included) is found again; the app then
serves from the restored database and keeps writing.

PostgreSQL only (skipped without TEST_DATABASE_URL); pg_dump and pg_restore must be the server's version."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.cli import upgrade_database
from api.core.db import make_engine, normalize_url
from tests.conftest import drop_postgres_database, fresh_postgres_database, make_test_app

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
    ),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs pg_dump and pg_restore"),
]


def _libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it."""
    return make_url(normalize_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


def _snapshot(url: str) -> dict[str, tuple[int, str | None]]:
    """Per table: its row count and an md5 over its rows in primary-key order (every column)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ).scalars()
        result = {}
        for table in list(tables):
            # Table names from pg_tables, not from input.
            sql = f'SELECT count(*), md5(string_agg(t::text, chr(10) ORDER BY t::text)) FROM "{table}" t'  # noqa: S608
            count, checksum = conn.execute(text(sql)).one()
            result[table] = (count, checksum)
    return result


def _populate(url: str) -> tuple[dict[str, str], int, int]:
    """The demo school, then a teacher's report, a note and reads of a student's log, through the API."""
    from api.core import audit
    from api.core.db import db
    from api.demo import DEMO_PASSWORD, load_demo

    app = make_test_app(url)
    with app.test_request_context():
        load_demo(db.session)
        audit.flush_pending(db.session)
        db.session.commit()
    client = app.test_client()
    login = client.post(
        "/api/v1/auth/login", json={"email": "laerer@vestrup.example", "password": DEMO_PASSWORD}
    )
    assert login.status_code == 200
    auth = {"Authorization": f"Bearer {login.json['access_token']}"}
    student_id = client.get("/api/v1/students?page_size=1", headers=auth).json["items"][0]["id"]
    created = client.post(
        "/api/v1/incidents",
        json={
            "classification": "exclusion",
            "students": [{"student_id": student_id, "role": "target"}],
            "description": "Holdt udenfor legen i storefrikvarteret",
        },
        headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert created.status_code == 201, created.json
    incident_id = created.json["id"]
    note = client.post(
        f"/api/v1/incidents/{incident_id}/notes",
        json={"kind": "students", "body": "Samtale med eleven i frikvarteret"},
        headers=auth,
    )
    assert note.status_code == 201
    assert client.get(f"/api/v1/students/{student_id}/log", headers=auth).status_code == 200
    return auth, student_id, incident_id


def test_a_dump_restored_into_a_fresh_database_has_every_row_and_serves(tmp_path):
    source = fresh_postgres_database("backup_src")
    restored = fresh_postgres_database("backup_dst")
    try:
        upgrade_database(source)
        _, student_id, incident_id = _populate(source)
        before = _snapshot(source)
        assert before["audit_log"][0] > 0 and before["incidents"][0] > 0 and before["students"][0] > 0

        # The README's procedure: a custom-format dump, restored without owners into an empty database.
        dump = tmp_path / "trivsel.dump"
        subprocess.run(  # noqa: S603  (fixed tools, our own arguments)
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), _libpq(source)],  # noqa: S607
            check=True,
        )
        subprocess.run(  # noqa: S603
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq(restored), str(dump)],  # noqa: S607
            check=True,
        )

        after = _snapshot(restored)
        assert after == before, "a table lost or changed rows"
        assert after["audit_log"] == before["audit_log"]
        assert after["alembic_version"][0] == 1

        # The app serves from the restored database: ready, the teacher's case readable, new writes fit.
        client = make_test_app(restored).test_client()
        assert client.get("/api/v1/health/ready").status_code == 200
        from api.demo import DEMO_PASSWORD

        login = client.post(
            "/api/v1/auth/login", json={"email": "laerer@vestrup.example", "password": DEMO_PASSWORD}
        )
        assert login.status_code == 200
        auth = {"Authorization": f"Bearer {login.json['access_token']}"}
        case = client.get(f"/api/v1/incidents/{incident_id}", headers=auth)
        assert case.status_code == 200
        assert case.json["description"] == "Holdt udenfor legen i storefrikvarteret"
        # Sequences came along: a new report gets a fresh id instead of colliding with a restored one.
        new = client.post(
            "/api/v1/incidents",
            json={"classification": "teasing", "students": [{"student_id": student_id, "role": "target"}]},
            headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert new.status_code == 201 and new.json["id"] > incident_id
        assert _snapshot(restored)["audit_log"][0] > before["audit_log"][0]
    finally:
        make_engine(source).dispose()
        make_engine(restored).dispose()
        drop_postgres_database(source)
        drop_postgres_database(restored)
