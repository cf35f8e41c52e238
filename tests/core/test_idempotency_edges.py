"""Idempotency-Key at its edges: key length and characters, what counts as the same request, only successful
answers kept, a non-JSON body, and a retry that keeps losing the race to an unfinished first request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.engine import make_url

from api.calendar.models import ClosedPeriod
from api.core.db import make_engine
from api.core.idempotency import IdempotencyKey
from api.core.timeutil import utcnow
from api.incidents.models import Incident
from tests.conftest import make_test_app
from tests.factories import auth, make_class, make_school, make_student, make_user

URL = "/api/v1/calendar/closed-days"
AUTUMN = {"first_day": "2026-10-12", "last_day": "2026-10-16", "name": "Efterårsferie"}


@pytest.fixture
def leader(session):
    return make_user(session, make_school(session), "leader")


def periods(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ClosedPeriod))


def post(
    client, headers, key: str | None, body: object = AUTUMN, *, url: str = URL, raw: bytes | None = None
):
    extra = {} if key is None else {"Idempotency-Key": key}
    if raw is not None:
        return client.post(url, headers={**headers, **extra, "Content-Type": "application/json"}, data=raw)
    return client.post(url, headers={**headers, **extra}, json=body)


# --- the key itself -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "accepted"),
    [
        ("", False),
        ("a", True),
        ("k" * 128, True),
        ("k" * 129, False),
        ("!~", True),  # 0x21 and 0x7e, the first and last visible ASCII characters
        ("a b", False),  # 0x20
        ("a\x7fb", False),  # DEL
        ("åse", False),  # not ASCII
    ],
)
def test_key_length_and_characters_at_their_edges(app, client, session, leader, key, accepted):
    resp = post(client, auth(app, leader), key)
    if accepted:
        assert resp.status_code == 201, resp.json
        assert periods(session) == 1
        again = post(client, auth(app, leader), key)
        assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
        assert periods(session) == 1
    else:
        assert resp.status_code == 422
        assert "Idempotency-Key" in resp.json["errors"]
        assert periods(session) == 0


def test_without_a_key_every_write_runs_and_nothing_is_kept(app, client, session, leader):
    headers = auth(app, leader)
    assert post(client, headers, None).status_code == 201
    winter = {"first_day": "2027-02-15", "last_day": "2027-02-19", "name": "Vinterferie"}
    second = post(client, headers, None, winter)
    assert second.status_code == 201 and "Idempotent-Replayed" not in second.headers
    assert periods(session) == 2
    # a write whose route has a path parameter (a case note) runs the same way
    student = make_student(session, make_class(session, leader.school), given_name="Eva")
    case = client.post(
        "/api/v1/incidents",
        headers=headers,
        json={"classification": "conflict", "students": [{"student_id": student.id, "role": "target"}]},
    )
    assert case.status_code == 201
    note = {"kind": "students", "body": "Samtale med Eva"}
    for _ in range(2):
        resp = client.post(f"/api/v1/incidents/{case.json['id']}/notes", headers=headers, json=note)
        assert resp.status_code == 201, resp.json
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    # with a key, a note (a route with a path parameter) is written once and replayed
    keyed = {**headers, "Idempotency-Key": "note-1"}
    first = client.post(f"/api/v1/incidents/{case.json['id']}/notes", headers=keyed, json=note)
    again = client.post(f"/api/v1/incidents/{case.json['id']}/notes", headers=keyed, json=note)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json


def test_two_keys_of_one_user_are_two_writes(app, client, session, leader):
    headers = auth(app, leader)
    assert post(client, headers, "first-key").status_code == 201
    winter = {"first_day": "2027-02-15", "last_day": "2027-02-19", "name": "Vinterferie"}
    second = post(client, headers, "second-key", winter)
    assert second.status_code == 201 and "Idempotent-Replayed" not in second.headers
    assert periods(session) == 2
    assert post(client, headers, "second-key", winter).headers["Idempotent-Replayed"] == "true"


# --- what counts as the same request ------------------------------------------------------------------------------


def test_the_same_json_with_keys_in_another_order_or_other_spacing_is_the_same_request(
    app, client, session, leader
):
    headers = auth(app, leader)
    first = post(client, headers, "order-1", raw=json.dumps(AUTUMN).encode())
    assert first.status_code == 201
    reordered = dict(reversed(list(AUTUMN.items())))
    assert list(reordered) != list(AUTUMN)
    again = post(client, headers, "order-1", raw=json.dumps(reordered, indent=2).encode())
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert periods(session) == 1


def test_another_query_string_path_or_body_under_the_same_key_is_refused(app, client, session, leader):
    headers = auth(app, leader)
    assert post(client, headers, "same-key").status_code == 201
    assert post(client, headers, "same-key", url=URL + "?source=retry").status_code == 422
    assert post(client, headers, "same-key", AUTUMN | {"name": "Vinterferie"}).status_code == 422
    other_route = client.post(
        "/api/v1/incidents",
        headers={**headers, "Idempotency-Key": "same-key"},
        json=AUTUMN,
    )
    assert other_route.status_code == 422 and "Idempotency-Key" in other_route.json["errors"]
    assert periods(session) == 1
    assert session.scalar(select(func.count()).select_from(Incident)) == 0


def test_a_replay_returns_the_first_status_body_location_and_etag(app, client, session, leader):
    student = make_student(session, make_class(session, leader.school), given_name="Eva")
    body = {"classification": "conflict", "students": [{"student_id": student.id, "role": "target"}]}
    headers = {**auth(app, leader), "Idempotency-Key": "incident-1"}
    first = client.post("/api/v1/incidents", headers=headers, json=body)
    assert first.status_code == 201
    again = client.post("/api/v1/incidents", headers=headers, json=body)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "Idempotent-Replayed" not in first.headers
    assert session.scalar(select(func.count()).select_from(Incident)) == 1


# --- only successful answers are kept --------------------------------------------------------------------------------


def test_an_error_is_not_kept_so_the_same_request_runs_again_once_it_can_succeed(
    app, client, session, leader
):
    headers = auth(app, leader)
    day = date(2026, 10, 14)  # inside the autumn holiday: the new period overlaps it
    blocking = ClosedPeriod(school_id=leader.school_id, first_day=day, last_day=day, name="Studiedag")
    session.add(blocking)
    session.commit()
    refused = post(client, headers, "retry-1")
    assert refused.status_code == 409
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    # The same request again is refused again: it runs, it is not a replay
    again = post(client, headers, "retry-1")
    assert again.status_code == 409 and "Idempotent-Replayed" not in again.headers
    session.delete(blocking)
    session.commit()
    done = post(client, headers, "retry-1")
    assert done.status_code == 201 and "Idempotent-Replayed" not in done.headers
    replay = post(client, headers, "retry-1")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert periods(session) == 1


def test_a_refused_validation_does_not_burn_the_key(app, client, session, leader):
    headers = auth(app, leader)
    bad = post(client, headers, "retry-2", AUTUMN | {"last_day": "2026-10-01"})
    assert bad.status_code == 422
    good = post(client, headers, "retry-2")
    assert good.status_code == 201 and "Idempotent-Replayed" not in good.headers


def test_a_non_json_body_with_a_key_is_a_client_error_and_burns_nothing(app, client, session, leader):
    headers = auth(app, leader)
    for raw in (b"first_day=2026-10-12&name=x", b"{not json", b"\xff\xfe"):
        resp = post(client, headers, "not-json", raw=raw)
        assert 400 <= resp.status_code < 500, (raw, resp.status_code)
        assert resp.json["code"] == resp.status_code
    plain = client.post(
        URL, headers={**headers, "Idempotency-Key": "not-json", "Content-Type": "text/plain"}, data=b"hello"
    )
    assert 400 <= plain.status_code < 500
    assert post(client, headers, "not-json").status_code == 201
    assert periods(session) == 1


# --- a retry racing an unfinished first request ------------------------------------------------------------------------


@pytest.fixture
def impatient_app(database_url: str, backend: str) -> Iterator:
    """An app whose database connections wait at most a moment for a lock held by another transaction."""
    if backend == "sqlite":
        url = database_url
        engine = make_engine(url)

        def short_wait(dbapi_connection, _record, _proxy):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout=50")
            cursor.close()

        event.listen(engine, "checkout", short_wait)
    else:
        url = (
            make_url(database_url)
            .update_query_dict({"options": "-c lock_timeout=200"})
            .render_as_string(hide_password=False)
        )
        engine = make_engine(url)
    try:
        yield make_test_app(url)
    finally:
        if backend == "sqlite":
            event.remove(engine, "checkout", short_wait)
        engine.dispose()


def test_a_retry_that_keeps_losing_the_race_gets_409_after_five_tries_and_then_goes_through(
    impatient_app, session, leader
):
    app = impatient_app
    client = app.test_client()
    headers = {**auth(app, leader), "Idempotency-Key": "racing"}
    engine = make_engine(app.config["DATABASE_URL"])
    attempts: list[str] = []

    def count_inserts(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO IDEMPOTENCY_KEYS"):
            attempts.append(statement)

    # The first request with this key is still running: its key row is written but not committed.
    first = engine.connect()
    first_tx = first.begin()
    first.execute(
        insert(IdempotencyKey).values(
            school_id=leader.school_id,
            user_id=leader.id,
            key="racing",
            method="POST",
            path=URL,
            fingerprint="0" * 64,
            created_at=utcnow(),
        )
    )
    event.listen(engine, "before_cursor_execute", count_inserts)
    try:
        racing = client.post(URL, headers=headers, json=AUTUMN)
    finally:
        event.remove(engine, "before_cursor_execute", count_inserts)
        # The first request fails after all; its key row goes with it.
        first_tx.rollback()
        first.close()
    assert racing.status_code == 409 and racing.json["type"] == "idempotency_key_in_flight"
    assert len(attempts) == 5
    assert periods(session) == 0
    retried = client.post(URL, headers=headers, json=AUTUMN)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    assert periods(session) == 1
