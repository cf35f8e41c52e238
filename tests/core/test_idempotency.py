"""Idempotency-Key: replays return the first response; a changed body is 422; a race writes once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from api.users.models import User
from tests.factories import auth, make_school, make_user


def _body(email="ny@example.dk", name="Ny"):
    return {"email": email, "name": name, "roles": ["teacher"], "password": "long-enough-pw"}


def test_replay_returns_first_response(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    h = {**auth(app, admin), "Idempotency-Key": "k-1"}
    first = client.post("/api/v1/users", headers=h, json=_body())
    again = client.post("/api/v1/users", headers=h, json=_body())
    assert first.status_code == again.status_code == 201
    assert first.json == again.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert session.scalar(select(func.count()).select_from(User).where(User.email == "ny@example.dk")) == 1


def test_same_key_other_body_is_422(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    h = {**auth(app, admin), "Idempotency-Key": "k-2"}
    assert client.post("/api/v1/users", headers=h, json=_body()).status_code == 201
    other = client.post("/api/v1/users", headers=h, json=_body(email="b@example.dk"))
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]
    assert session.scalar(select(User).where(User.email == "b@example.dk")) is None


def test_failed_request_does_not_burn_the_key(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    h = {**auth(app, admin), "Idempotency-Key": "k-3"}
    taken = make_user(session, school, email="dup@example.dk")
    assert client.post("/api/v1/users", headers=h, json=_body(email=taken.email)).status_code == 409
    # The same key, now with a body that works (the first attempt wrote nothing).
    assert client.post("/api/v1/users", headers=h, json=_body(email="fresh@example.dk")).status_code == 201


def test_keys_are_per_user(app, client, session):
    school = make_school(session)
    a1 = make_user(session, school, "admin")
    a2 = make_user(session, school, "admin")
    assert (
        client.post(
            "/api/v1/users", headers={**auth(app, a1), "Idempotency-Key": "same"}, json=_body("x1@example.dk")
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/users", headers={**auth(app, a2), "Idempotency-Key": "same"}, json=_body("x2@example.dk")
        ).status_code
        == 201
    )


def test_invalid_key_is_422(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    resp = client.post(
        "/api/v1/users", headers={**auth(app, admin), "Idempotency-Key": "x" * 200}, json=_body()
    )
    assert resp.status_code == 422


def test_concurrent_retries_write_once(app, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    h = {**auth(app, admin), "Idempotency-Key": "race-1"}
    results: list[int] = []
    barrier = threading.Barrier(12)

    def fire():
        c = app.test_client()
        barrier.wait()
        results.append(c.post("/api/v1/users", headers=h, json=_body("race@example.dk")).status_code)

    threads = [threading.Thread(target=fire) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert session.scalar(select(func.count()).select_from(User).where(User.email == "race@example.dk")) == 1
    assert set(results) <= {201, 409}, results
    assert results.count(201) >= 1
