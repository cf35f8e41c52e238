"""The request's transaction: conflicts raised by the database become 409/412 where they arise, and a
deadlock reruns the request without doubling its idempotency row or its audit rows."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from api.core import transactions
from api.core.audit import AuditEntry
from api.core.idempotency import IdempotencyKey
from api.incidents.models import Incident
from api.students.models import SchoolClass
from api.users.models import User
from tests.factories import make_school
from tests.incidents.factories import headers, make_world


def test_every_api_view_runs_as_one_transaction(app):
    api_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]
    assert len(api_rules) > 40
    unwrapped = [
        r.rule
        for r in api_rules
        if not getattr(app.view_functions[r.endpoint], "_trivsel_transactional", False)
    ]
    assert unwrapped == []


def _violation(session, *rows) -> IntegrityError:
    session.add_all(rows)
    with pytest.raises(IntegrityError) as caught:
        session.flush()
    session.rollback()
    return caught.value


def test_a_unique_violation_names_the_field_from_the_constraint(app, session):
    school = make_school(session)
    user = {"school_id": school.id, "name": "A", "password_hash": "x"}
    error = transactions.as_domain_error(
        _violation(session, User(email="a@example.dk", **user), User(email="a@example.dk", **user))
    )
    assert error.status == 409 and error.errors == {"email": ["already in use"]}
    cls = {"school_id": school.id, "grade": 3, "school_year": "2026/27"}
    error = transactions.as_domain_error(
        _violation(session, SchoolClass(name="3.A", **cls), SchoolClass(name="3.a", **cls))
    )
    assert error.status == 409 and error.errors == {"name": ["already in use"]}


@contextmanager
def failing_inserts(session, table: str, times: int):
    """PostgreSQL refuses the next `times` inserts into `table` with a real deadlock_detected error."""
    session.execute(text("CREATE SEQUENCE trivsel_test_failures"))
    session.execute(
        text(
            "CREATE FUNCTION trivsel_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF nextval('trivsel_test_failures') <= {int(times)} THEN "
            "RAISE EXCEPTION 'deadlock (test)' USING ERRCODE = 'deadlock_detected'; END IF; "
            "RETURN NEW; END $$"
        )
    )
    session.execute(
        text(
            f"CREATE TRIGGER trivsel_test_fail BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION trivsel_test_fail()"
        )
    )
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        session.execute(text(f"DROP TRIGGER IF EXISTS trivsel_test_fail ON {table}"))
        session.execute(text("DROP FUNCTION IF EXISTS trivsel_test_fail()"))
        session.execute(text("DROP SEQUENCE IF EXISTS trivsel_test_failures"))
        session.commit()


def _report(world):
    return {
        "classification": "bullying",
        "students": [
            {"student_id": world.anna.id, "role": "target"},
            {"student_id": world.bo.id, "role": "actor"},
        ],
        "description": "Skubber i køen",
    }


def _audited(session, after_id=0):
    """The audit rows written after the row with this id, as (action, student) pairs."""
    session.expire_all()
    return sorted(
        (e.action, e.student_id) for e in session.scalars(select(AuditEntry).where(AuditEntry.id > after_id))
    )


def _last_audit_id(session):
    return session.scalar(select(func.max(AuditEntry.id))) or 0


def test_a_deadlock_reruns_the_request_with_one_idempotency_row_and_one_set_of_audit_rows(
    app, client, session, backend
):
    if backend != "postgresql":
        pytest.skip("needs a server-side deadlock error (PostgreSQL)")
    world = make_world(session)
    h = headers(app, world, world.users["teacher"])
    assert client.post("/api/v1/incidents", json=_report(world), headers=h).status_code == 201
    control = _audited(session)
    before = _last_audit_id(session)
    with failing_inserts(session, "incidents", times=1):
        resp = client.post(
            "/api/v1/incidents", json=_report(world), headers={**h, "Idempotency-Key": "retry-0001"}
        )
    assert resp.status_code == 201, resp.json
    assert session.scalar(select(func.count()).select_from(Incident)) == 2
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
    assert _audited(session, before) == control != []
    replay = client.post(
        "/api/v1/incidents", json=_report(world), headers={**h, "Idempotency-Key": "retry-0001"}
    )
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.json["id"] == resp.json["id"]


def test_a_deadlock_that_persists_is_409_after_the_bounded_retries_and_writes_nothing(
    app, client, session, backend
):
    if backend != "postgresql":
        pytest.skip("needs a server-side deadlock error (PostgreSQL)")
    world = make_world(session)
    h = {**headers(app, world, world.users["teacher"]), "Idempotency-Key": "stuck-0001"}
    before = _last_audit_id(session)
    with failing_inserts(session, "incidents", times=transactions.DEFAULT_ATTEMPTS):
        resp = client.post("/api/v1/incidents", json=_report(world), headers=h)
    assert resp.status_code == 409 and resp.json["code"] == 409
    assert session.scalar(select(func.count()).select_from(Incident)) == 0
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    assert _audited(session, before) == []
    # The key was not burned: the phone's next retry goes through.
    assert client.post("/api/v1/incidents", json=_report(world), headers=h).status_code == 201


def _kill_app_connections(app) -> int:
    """End the server side of every connection idle in the app's pool, as a restart would; only those (other
    test workers share the server)."""
    import psycopg

    from api.core.db import db, normalize_url

    with app.app_context():
        pool = db.engine.pool
    pids = [
        record.dbapi_connection.info.backend_pid
        for record in list(pool._pool.queue)  # the pooled connections themselves
        if record.dbapi_connection is not None
    ]
    url = normalize_url(app.config["DATABASE_URL"]).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM unnest(%s::int[]) AS pid", [pids]
        ).fetchone()[0]


def test_a_connection_that_died_in_the_pool_is_renewed_and_the_request_answered(
    app, client, session, backend
):
    """The pool does not ping before each checkout: a dead connection is met by the request's first
    statement, discarded with its siblings, and the request runs again on a new one."""
    if backend != "postgresql":
        pytest.skip("needs server connections to end (PostgreSQL)")
    from api.core.db import db
    from tests.factories import PASSWORD

    world = make_world(session)
    session.commit()
    h = headers(app, world, world.users["teacher"])
    path, anna, leader = f"/api/v1/students/{world.anna.id}", world.anna.id, world.users["leader"].email
    assert client.get(path, headers=h).status_code == 200
    before = _last_audit_id(session)
    session.close()  # its connection goes back to the pool, where it dies

    # Authentication is the first statement of an authenticated request.
    assert _kill_app_connections(app) >= 1
    resp = client.get(path, headers=h)
    assert resp.status_code == 200, resp.json
    assert resp.json["id"] == anna
    assert _audited(session, before) == [("student_viewed", anna)]

    # A public write's first statement is in its view: the transaction runs again, once. (A fresh app
    # context, as every request has outside tests: this one has no user from the request before.)
    session.close()
    assert _kill_app_connections(app) >= 1
    with app.app_context():
        login = client.post("/api/v1/auth/login", json={"email": leader, "password": PASSWORD})
        # The pool is shared by this worker's later tests: a connection ended here that no request met is
        # still in it, and a test's own session (which has no rerun) would meet it. Start them afresh.
        db.engine.dispose()
    assert login.status_code == 200, login.json
    assert login.json["access_token"]
