"""The spec works for tools other than our own: a Python client generated from openapi/openapi.json with
openapi-python-client logs in and syncs against the real app served on 127.0.0.1, with the typed calls,
models and enums the spec names (listIncidents -> list_incidents, one Classification enum, one Error type)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import PASSWORD, make_class, make_school, make_student, make_user

ROOT = Path(__file__).resolve().parent.parent
SPEC_FILE = ROOT / "openapi" / "openapi.json"
PACKAGE = "trivsel_generated_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The client package generated from the committed spec into a temporary directory, imported."""
    out = tmp_path_factory.mktemp("client")
    config = out / "config.yaml"
    config.write_text(f"project_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\npost_hooks: []\n")
    generator = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run(  # noqa: S603  (the pinned generator from our venv, fixed arguments)
        [
            str(generator),
            "generate",
            "--path",
            str(SPEC_FILE),
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(out / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The generator warns about every part of a spec it cannot turn into code. The one part it cannot is a
    # document answered in either of two formats (a case file as PDF or ZIP, an access export as JSON or
    # PDF): it leaves that answer's parsing out and hands the caller the bytes. Nothing else may warn.
    output = result.stdout + result.stderr
    warnings = [line for line in output.splitlines() if line.startswith("WARNING parsing")]
    downloads = {
        "WARNING parsing GET /api/v1/complaints/{complaint_id}/case-file within complaints.",
        "WARNING parsing GET /api/v1/incidents/{incident_id}/case-file within complaints.",
        "WARNING parsing GET /api/v1/students/{student_id}/access-export within students.",
    }
    assert set(warnings) <= downloads, output
    assert output.count("Cannot parse response") == len(warnings), output
    assert "Unsupported content_type" in output or not warnings, output
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture
def served(app: Any, session: Any) -> Iterator[dict[str, Any]]:
    """The app on 127.0.0.1 (a free port) with a school: a leader, a class, two students."""
    from werkzeug.serving import make_server

    school = make_school(session, name="Vestrup Skole")
    leader = make_user(session, school, "leader", email="leder@vestrup.example")
    cls = make_class(session, school, name="3.A")
    students = [make_student(session, school, cls, given_name=n) for n in ("Åse", "Bo")]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {
            "url": f"http://127.0.0.1:{server.server_port}",
            "email": leader.email,
            "student_ids": [s.id for s in students],
        }
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _module(generated: Any, name: str) -> Any:
    return importlib.import_module(f"{generated.__name__}.{name}")


def test_a_generated_python_client_logs_in_and_syncs(generated: Any, served: dict[str, Any]) -> None:
    models = _module(generated, "models")
    log_in = _module(generated, "api.auth.log_in")
    list_students = _module(generated, "api.students.list_students")
    list_incidents = _module(generated, "api.incidents.list_incidents")
    create_incident = _module(generated, "api.incidents.create_incident")
    get_incident = _module(generated, "api.incidents.get_incident")

    anonymous = generated.Client(base_url=served["url"], raise_on_unexpected_status=True)
    tokens = log_in.sync(client=anonymous, body=models.LoginRequest(email=served["email"], password=PASSWORD))
    assert isinstance(tokens, models.TokenResponse) and tokens.access_token
    client = generated.AuthenticatedClient(
        base_url=served["url"], token=tokens.access_token, raise_on_unexpected_status=True
    )

    # A full sync of the roster, page by page.
    seen: list[Any] = []
    page = 1
    while True:
        result = list_students.sync(client=client, page=page, page_size=1)
        assert isinstance(result, models.StudentPage)
        seen += result.items
        if page * result.page_size >= result.total:
            break
        page += 1
    assert sorted(s.id for s in seen) == sorted(served["student_ids"])
    assert {s.display_name for s in seen} == {"Åse Jensen", "Bo Jensen"}
    assert list_incidents.sync(client=client).total == 0

    # A write with the typed models and enums, replayed safely with its Idempotency-Key.
    target, actor = served["student_ids"]
    body = models.IncidentCreate(
        classification=models.Classification.BULLYING,
        students=[
            models.IncidentStudentIn(student_id=target, role=models.InvolvementRole.TARGET),
            models.IncidentStudentIn(student_id=actor, role=models.InvolvementRole.ACTOR),
        ],
        description="Holdt udenfor i frikvarteret",
    )
    created = create_incident.sync_detailed(client=client, body=body, idempotency_key="sync-test-1")
    assert created.status_code == 201 and created.headers["Location"].endswith(f"/{created.parsed.id}")
    replay = create_incident.sync_detailed(client=client, body=body, idempotency_key="sync-test-1")
    assert replay.parsed.id == created.parsed.id and replay.headers["Idempotent-Replayed"] == "true"

    # Another body under the same key: a typed Error whose type says what went wrong.
    other = models.IncidentCreate(
        classification=models.Classification.CONFLICT,
        students=[models.IncidentStudentIn(student_id=target, role=models.InvolvementRole.TARGET)],
    )
    strict = generated.AuthenticatedClient(base_url=served["url"], token=tokens.access_token)
    refused = create_incident.sync_detailed(client=strict, body=other, idempotency_key="sync-test-1")
    assert refused.status_code == 422
    assert refused.parsed.type_ == models.ErrorType.IDEMPOTENCY_KEY_REUSED

    # The incremental step: the new case is listed, read back typed, and unchanged on a conditional read.
    listed = list_incidents.sync(client=client, classification=models.Classification.BULLYING)
    assert [i.id for i in listed.items] == [created.parsed.id]
    read = get_incident.sync_detailed(client=client, incident_id=created.parsed.id)
    incident = read.parsed
    assert incident.classification is models.Classification.BULLYING
    assert {(s.id, s.role) for s in incident.students} == {
        (target, models.InvolvementRole.TARGET),
        (actor, models.InvolvementRole.ACTOR),
    }
    assert {s.display_name for s in incident.students} == {"Åse Jensen", "Bo Jensen"}
    unchanged = get_incident.sync_detailed(
        client=strict, incident_id=created.parsed.id, if_none_match=read.headers["ETag"]
    )
    assert unchanged.status_code == 304
