"""examples/sync_client.py against the running app: the app served on 127.0.0.1 by this test, the client run as
an integrator runs it (its own process, its position kept in a file). A full sync, an incremental one after
staff worked, and a start-over after a 410; the copy always equals what the API serves."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from werkzeug.serving import make_server

from api.core.timeutil import utcnow
from tests.factories import PASSWORD
from tests.incidents.factories import make_incident, make_world
from tests.students.factories import make_guardian

ROOT = Path(__file__).resolve().parents[1]
CLIENT = ROOT / "examples" / "sync_client.py"
COLLECTIONS = ["students", "guardians", "incidents"]


@pytest.fixture
def server(app) -> Iterator[str]:
    """The test's app on a free port of 127.0.0.1, stopped at the end."""
    app.config["FEED_SAFETY_LAG_SECONDS"] = 0
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        thread.join(timeout=10)


def _login(base: str, email: str) -> str:
    """A bearer token from the password login (until the client uses OAuth client credentials)."""
    resp = httpx.post(f"{base}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def _run(base: str, token: str, tmp: Path, *extra: str) -> list[dict[str, Any]]:
    done = subprocess.run(  # noqa: S603  (our interpreter, our script, fixed arguments)
        [
            sys.executable,
            str(CLIENT),
            "--base-url",
            base,
            "--bearer",
            token,
            "--state",
            str(tmp / "state.json"),
            "--copy",
            str(tmp / "copy.json"),
            "--page-size",
            "2",
            *extra,
            *COLLECTIONS,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _served(base: str, token: str) -> dict[str, dict[str, Any]]:
    """Every record the API serves now, collection by collection (offset paging, as a person's screen)."""
    served: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
        for name in COLLECTIONS:
            page = http.get(f"/api/v1/{name}", params={"page_size": 100}).json()
            served[name] = {str(i["id"]): i for i in page["items"]}
    return served


def test_the_example_client_keeps_a_true_copy(app, session, server, tmp_path):
    world = make_world(session)
    leader = world.users["leader"]
    cases = [make_incident(session, world) for _ in range(5)]
    mother = make_guardian(session, world.anna)
    make_guardian(session, world.bo, name="Per Lund", relation="father")
    token = _login(server, leader.email)

    runs = _run(server, token, tmp_path)
    assert [(r["collection"], r["full"]) for r in runs] == [(c, 1) for c in COLLECTIONS]
    copy = json.loads((tmp_path / "copy.json").read_text())
    served = _served(server, token)
    # The offset list leaves students who left out; none has left yet, so the copies match exactly.
    assert copy == served

    # Staff work: a case worked, one withdrawn, a guardian removed, a student leaves.
    h = {"Authorization": f"Bearer {token}"}
    assert (
        httpx.post(
            f"{server}/api/v1/incidents/{cases[1].id}/notes",
            headers=h,
            json={"kind": "students", "body": "Samtale med Bo."},
        ).status_code
        == 201
    )
    cases[3].withdrawn_at = utcnow()
    from api.core.tombstones import record_tombstone

    record_tombstone(
        session, school_id=world.school.id, resource="incidents", resource_id=cases[3].id, reason="withdrawn"
    )
    session.commit()
    assert (
        httpx.delete(f"{server}/api/v1/students/{world.anna.id}/guardians/{mother.id}", headers=h).status_code
        == 204
    )
    runs = _run(server, token, tmp_path)
    by = {r["collection"]: r for r in runs}
    assert (
        by["incidents"]["full"] == 0 and by["incidents"]["upserted"] == 1 and by["incidents"]["deleted"] == 1
    )
    assert by["guardians"]["deleted"] == 1 and by["students"]["upserted"] == 0
    assert json.loads((tmp_path / "copy.json").read_text()) == _served(server, token)

    # A watermark older than the tombstones are kept: 410, and the client starts that collection over.
    state = json.loads((tmp_path / "state.json").read_text())
    state["incidents"]["complete_up_to"] = "2020-01-01T00:00:00+00:00"
    (tmp_path / "state.json").write_text(json.dumps(state))
    runs = _run(server, token, tmp_path)
    assert {r["collection"]: r["full"] for r in runs} == {"students": 0, "guardians": 0, "incidents": 1}
    assert json.loads((tmp_path / "copy.json").read_text()) == _served(server, token)
