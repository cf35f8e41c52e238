"""On PostgreSQL a request's transaction begins with its first write (api/core/lazy_begin.py): a request that
only reads sends neither BEGIN nor COMMIT, yet everything it writes, its audit row included, is committed,
and a locking read, a streamed read or any write still runs inside the one transaction."""

from __future__ import annotations

from typing import Any

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, func, select, text

from api.core import audit, transactions
from api.core.audit import AuditEntry
from api.core.db import db
from api.incidents.models import Incident
from tests.incidents.factories import headers, make_incident, make_world

BODY = {"classification": "bullying", "place": "schoolyard", "knowledge_source": "told_by_student"}


@pytest.fixture
def statements(app, backend) -> Any:
    """Each statement the app sends, with whether it ran outside a transaction (PostgreSQL only)."""
    if backend != "postgresql":
        pytest.skip("SQLite's driver has no round trips to spare")
    seen: list[tuple[str, bool]] = []

    def record(_conn, cursor, statement, _params, _context, _many) -> None:
        seen.append((statement.split(None, 1)[0].upper(), cursor.connection.autocommit))

    with app.app_context():
        engine = db.engine
    # After the statement: the mode it ran in (the dialect chooses it as it hands the statement to psycopg).
    event.listen(engine, "after_cursor_execute", record)
    yield seen
    event.remove(engine, "after_cursor_execute", record)


def test_a_read_request_runs_outside_a_transaction_and_its_audit_row_is_kept(
    app, client, session, statements
):
    world = make_world(session)
    incident = make_incident(session, world, students=[(world.anna, "target")])
    hdrs = headers(app, world, world.users["leader"])  # its login is written here, not in the request
    statements.clear()
    resp = client.get(f"/api/v1/incidents/{incident.id}", headers=hdrs)
    assert resp.status_code == 200
    kinds = [kind for kind, _ in statements]
    assert kinds[-1] == "INSERT" and set(kinds[:-1]) == {"SELECT"}
    assert all(alone for _, alone in statements), statements
    session.expire_all()
    read = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "incident_viewed", AuditEntry.resource_id == str(incident.id)
        )
    ).all()
    assert len(read) == 1


def test_the_first_write_opens_the_transaction_and_the_rest_join_it(app, client, session, statements):
    world = make_world(session)
    hdrs = headers(app, world, world.users["teacher"])
    statements.clear()
    body = {**BODY, "students": [{"student_id": world.anna.id, "role": "target"}]}
    resp = client.post("/api/v1/incidents", json=body, headers=hdrs)
    assert resp.status_code == 201, resp.json
    first_write = next(n for n, (kind, _) in enumerate(statements) if kind != "SELECT")
    assert all(alone for _, alone in statements[:first_write])
    assert not any(alone for _, alone in statements[first_write:]), statements
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Incident)) == 1


def test_a_failed_request_keeps_nothing_it_wrote(app, client, session, statements, monkeypatch):
    world = make_world(session)
    session.commit()
    body = {**BODY, "students": [{"student_id": world.anna.id, "role": "target"}]}
    hdrs = headers(app, world, world.users["teacher"])

    statements.clear()

    # The incident and its students are written, then the commit fails (its audit rows cannot be stored).
    def refuse(*_args, **_kwargs):
        raise RuntimeError("the audit log is unreachable")

    monkeypatch.setattr(transactions.audit, "store", refuse)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.post("/api/v1/incidents", json=body, headers=hdrs).status_code == 500
    assert any(kind == "INSERT" and not alone for kind, alone in statements)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Incident)) == 0


def _status(session) -> TransactionStatus:
    return session.connection().connection.driver_connection.pgconn.transaction_status


def test_a_locking_read_begins_the_transaction_a_plain_one_does_not(app, session, statements):
    world = make_world(session)
    incident = make_incident(session, world)
    session.commit()
    session.scalar(select(Incident.id).where(Incident.id == incident.id))
    assert _status(session) == TransactionStatus.IDLE
    session.scalar(select(Incident.id).where(Incident.id == incident.id).with_for_update())
    assert _status(session) == TransactionStatus.INTRANS
    session.rollback()
    session.execute(text("SELECT 1"))  # text may do anything: it begins the transaction
    assert _status(session) == TransactionStatus.INTRANS
    session.rollback()


def test_a_streamed_read_runs_in_a_transaction(app, session, statements):
    world = make_world(session)
    make_incident(session, world)
    session.commit()
    rows = session.execute(select(Incident.id), execution_options={"yield_per": 10}).all()
    assert len(rows) == 1
    assert statements[-1][1] is False
    session.rollback()


def test_only_one_statement_of_one_row_is_written_alone(app, session, statements):
    world = make_world(session)
    session.commit()
    user = world.users["leader"]

    with app.test_request_context():
        audit.record("test_one", resource_type="x", resource_id=1, user=user)
        statements.clear()
        audit.store(db.session, audit.take_pending(succeeded=True), closing=True)
        assert statements == [("INSERT", True)]
        db.session.commit()
        audit.record("test_two", resource_type="x", resource_id=1, user=user)
        audit.record("test_two", resource_type="x", resource_id=2, user=user)
        statements.clear()
        audit.store(db.session, audit.take_pending(succeeded=True), closing=True)
        assert statements == [("INSERT", False)]
        db.session.commit()
    session.expire_all()
    assert session.scalar(select(func.count()).where(AuditEntry.action.in_(["test_one", "test_two"]))) == 3
