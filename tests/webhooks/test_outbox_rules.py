"""The outbox's own rules, on the module itself: which events exist, once per change and transaction, the thin
payload, the oldest undispatched events claimed first, each marked by one worker only, dispatched events kept
30 days for the record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from api.core import outbox
from api.core.db import db
from api.core.outbox import OutboxEvent

T0 = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def school_id(world) -> int:
    return world.school.id


def emit(session, school_id, event_type="incident.updated", object_id=1, object_type="incident"):
    return outbox.emit(session, event_type, school_id=school_id, object_type=object_type, object_id=object_id)


def stored(session) -> list[tuple[str, str, int, int]]:
    session.expire_all()
    return [
        (e.type, e.object_type, e.object_id, e.school_id)
        for e in session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
    ]


# --- emit -----------------------------------------------------------------------------------------------------


def test_an_unknown_event_type_is_a_programming_error_and_writes_nothing(session, school_id):
    with pytest.raises(ValueError, match=r"incident\.deleted"):
        emit(session, school_id, "incident.deleted")
    session.commit()
    assert stored(session) == []


def test_every_listed_event_type_can_be_emitted(session, school_id):
    for i, event_type in enumerate(outbox.EVENT_TYPES):
        assert emit(session, school_id, event_type, object_id=i) is not None
    session.commit()
    assert [t for t, *_ in stored(session)] == list(outbox.EVENT_TYPES)


def test_the_event_names_its_record_and_school(session, school_id):
    event = emit(session, school_id, "student.updated", object_id=42, object_type="student")
    session.commit()
    assert stored(session) == [("student.updated", "student", 42, school_id)]
    assert event.dispatched_at is None and event.occurred_at is not None
    assert len(event.public_id) == 32


def test_switched_off_no_event_is_written(app, session, school_id):
    app.config["OUTBOX_ENABLED"] = False
    assert emit(session, school_id) is None
    session.commit()
    assert stored(session) == []
    app.config["OUTBOX_ENABLED"] = True
    assert emit(session, school_id) is not None


def test_one_change_touching_a_record_in_several_steps_is_one_event(session, school_id):
    first = emit(session, school_id)
    assert first is not None
    assert emit(session, school_id) is None
    # Another type, another record or another kind of record is another event.
    assert emit(session, school_id, "incident.closed") is not None
    assert emit(session, school_id, object_id=2) is not None
    assert emit(session, school_id, object_type="student") is not None
    assert emit(session, school_id, "incident.closed") is None
    session.commit()
    assert stored(session) == [
        ("incident.updated", "incident", 1, school_id),
        ("incident.closed", "incident", 1, school_id),
        ("incident.updated", "incident", 2, school_id),
        ("incident.updated", "student", 1, school_id),
    ]


def test_the_next_transaction_announces_its_own_change_of_the_same_record(session, school_id):
    assert emit(session, school_id) is not None
    session.commit()
    assert emit(session, school_id) is not None, "a later change is heard of too"
    assert emit(session, school_id) is None
    session.commit()
    assert len(stored(session)) == 2


def test_a_rolled_back_transaction_leaves_nothing_and_does_not_silence_the_retry(session, school_id):
    assert emit(session, school_id) is not None
    session.rollback()
    assert emit(session, school_id) is not None, "the retried change is announced"
    session.commit()
    assert len(stored(session)) == 1


# --- payload --------------------------------------------------------------------------------------------------


def test_the_payload_is_thin_with_a_utc_timestamp(session, school_id):
    event = emit(session, school_id, "incident.reported", object_id=9)
    event.occurred_at = datetime(2026, 11, 2, 8, 30, 5, 123000, tzinfo=UTC)
    assert outbox.payload(event) == {
        "type": "incident.reported",
        "timestamp": "2026-11-02T08:30:05.123000Z",
        "data": {"object": "incident", "id": 9, "school_id": school_id},
    }


# --- claim, mark, purge ---------------------------------------------------------------------------------------


def _emit_committed(app, school_id, n, *, first_id=1):
    with app.app_context():
        for i in range(n):
            emit(db.session, school_id, object_id=first_id + i)
        db.session.commit()


def test_the_oldest_undispatched_events_are_claimed_first_up_to_the_limit(app, session, school_id):
    _emit_committed(app, school_id, 5)
    with app.app_context():
        s = db.session
        claimed = outbox.claim_undispatched(s, limit=3)
        assert [e.object_id for e in claimed] == [1, 2, 3]
        assert outbox.mark_dispatched(s, claimed, now=T0) == claimed
        s.commit()
    with app.app_context():
        s = db.session
        rest = outbox.claim_undispatched(s, limit=3)
        assert [e.object_id for e in rest] == [4, 5], "dispatched events are not claimed again"
    session.expire_all()
    marked = {e.object_id: e.dispatched_at for e in session.scalars(select(OutboxEvent))}
    assert {k for k, v in marked.items() if v is not None} == {1, 2, 3}
    assert marked[1].replace(tzinfo=UTC) == T0


def test_an_event_another_worker_marked_first_is_not_handed_on_twice(app, school_id):
    _emit_committed(app, school_id, 3)
    with app.app_context():
        s = db.session
        claimed = outbox.claim_undispatched(s, limit=10)
        # Another worker (SQLite cannot lock rows) marks the second event first.
        s.execute(
            OutboxEvent.__table__.update()
            .where(OutboxEvent.id == claimed[1].id)
            .values(dispatched_at=T0 - timedelta(seconds=1))
        )
        mine = outbox.mark_dispatched(s, claimed, now=T0)
        assert [e.object_id for e in mine] == [1, 3]
        s.commit()
    with app.app_context():
        assert outbox.mark_dispatched(db.session, [], now=T0) == []
        assert outbox.claim_undispatched(db.session, limit=10) == []


def test_dispatched_events_are_kept_30_days_and_undispatched_ones_always(app, session, school_id):
    _emit_committed(app, school_id, 4)
    ages = {1: timedelta(days=30, seconds=1), 2: timedelta(days=30), 3: timedelta(days=29), 4: None}
    with app.app_context():
        s = db.session
        for event in s.scalars(select(OutboxEvent)):
            age = ages[event.object_id]
            event.dispatched_at = None if age is None else T0 - age
        old = emit(s, school_id, object_id=5)
        old.occurred_at = T0 - timedelta(days=400)  # never dispatched: kept however old
        s.commit()
    with app.app_context():
        assert outbox.purge_dispatched(db.session, now=T0) == 1
        db.session.commit()
    assert sorted(object_id for _, _, object_id, _ in stored(session)) == [2, 3, 4, 5]
    with app.app_context():
        assert outbox.purge_dispatched(db.session, now=T0, keep_days=29) == 1
        assert outbox.purge_dispatched(db.session, now=T0, keep_days=29) == 0
        db.session.commit()
    assert sorted(object_id for _, _, object_id, _ in stored(session)) == [3, 4, 5]
