"""Idempotency-Key: replays return the first response; a changed body is 422; a race writes once."""

from __future__ import annotations

import threading

import pytest
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


# What the store keeps, and for how long


def _age(session, key: str, **delta) -> None:
    """Make the stored key look as old as `delta` (as if the request came that long ago)."""
    from datetime import timedelta

    from sqlalchemy import update

    from api.core.idempotency import IdempotencyKey
    from api.core.timeutil import utcnow

    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.key == key)
        .values(created_at=utcnow() - timedelta(**delta))
    )
    session.commit()


def _stored(session, key: str):
    from api.core.idempotency import IdempotencyKey

    session.expire_all()
    return session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == key))


def test_only_status_location_etag_and_body_are_kept(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    resp = client.post(
        "/api/v1/users", headers={**auth(app, admin), "Idempotency-Key": "k-keep"}, json=_body()
    )
    row = _stored(session, "k-keep")
    assert row.status_code == 201 and row.response_body == resp.json
    assert row.response_headers == {"Location": resp.headers["Location"], "ETag": resp.headers["ETag"]}


def test_after_24_hours_a_replay_is_303_to_what_was_created_without_the_kept_body(app, client, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    h = {**auth(app, admin), "Idempotency-Key": "k-old"}
    first = client.post("/api/v1/users", headers=h, json=_body())
    _age(session, "k-old", hours=25)

    late = client.post("/api/v1/users", headers=h, json=_body())

    assert late.status_code == 303 and late.data == b""
    assert late.headers["Location"] == first.headers["Location"]
    assert late.headers["Idempotent-Replayed"] == "true"
    followed = client.post("/api/v1/users", headers=h, json=_body(), follow_redirects=True)
    assert followed.status_code == 200 and followed.json["id"] == first.json["id"]
    assert session.scalar(select(func.count()).select_from(User).where(User.email == "ny@example.dk")) == 1
    # Another body with the old key is still refused.
    assert client.post("/api/v1/users", headers=h, json=_body(email="x@example.dk")).status_code == 422


def test_after_24_hours_a_write_without_location_is_409_saying_the_response_expired(app, client, session):
    from tests.incidents.factories import headers, make_incident, make_world

    world = make_world(session)
    incident = make_incident(session, world)
    h = headers(app, world, world.users["teacher"], **{"Idempotency-Key": "k-note"})
    url = f"/api/v1/incidents/{incident.id}/notes"
    body = {"kind": "students", "body": "Talt med Anna"}
    assert client.post(url, json=body, headers=h).status_code == 201
    _age(session, "k-note", hours=25)
    late = client.post(url, json=body, headers=h)
    assert late.status_code == 409 and late.json["errors"] == {"Idempotency-Key": ["response expired"]}


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_purge_drops_bodies_after_24_hours_and_keys_after_30_days(app, client, session, runner):
    from tests.incidents.factories import headers, make_world

    world = make_world(session)
    secret = "Mor fortæller om skilsmisse derhjemme"
    h = headers(app, world, world.users["teacher"])
    for key in ("fresh", "day-old", "month-old"):
        resp = client.post(
            "/api/v1/observations",
            json={"student_ids": [world.anna.id], "mood": 2, "note": f"{secret} {key}", "sensitive": True},
            headers={**h, "Idempotency-Key": key},
        )
        assert resp.status_code == 201, resp.json
    _age(session, "day-old", hours=25)
    _age(session, "month-old", days=31)

    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "1 idempotency response bodies, 1 idempotency keys" in dry.output
    assert _stored(session, "day-old").response_body is not None and _stored(session, "month-old") is not None

    done = runner.invoke(args=["purge"])
    assert done.exit_code == 0, done.output
    assert "Purged" in done.output
    assert "1 idempotency response bodies, 1 idempotency keys" in done.output
    assert _stored(session, "month-old") is None
    day_old = _stored(session, "day-old")
    assert (
        day_old.response_body is None
        and day_old.status_code == 201
        and "Location" in day_old.response_headers
    )
    assert secret in str(_stored(session, "fresh").response_body)
    assert runner.invoke(args=["purge"]).output.count(" 0 ") >= 2  # nothing left to drop


def test_every_post_that_creates_something_takes_an_idempotency_key(client):
    spec = client.get("/api/v1/openapi.json").json
    creates = []
    for path, item in spec["paths"].items():
        op = item.get("post")
        if op is None or "201" not in op["responses"]:
            continue
        names = {p.get("name") for p in op.get("parameters", [])}
        creates.append(path)
        assert "Idempotency-Key" in names, path
    assert "/api/v1/wellbeing-days" in creates and len(creates) >= 14


def test_a_retried_wellbeing_day_is_planned_once(app, client, session):
    from datetime import timedelta

    from api.core.timeutil import local_date
    from api.wellbeing_days.models import WellbeingDay
    from tests.factories import make_class

    school = make_school(session)
    leader = make_user(session, school, "leader")
    cls = make_class(session, school, grade=4)
    h = {**auth(app, leader), "Idempotency-Key": "day-1"}
    body = {
        "date": (local_date() + timedelta(days=7)).isoformat(),
        "title": "Trivselsdag",
        "class_ids": [cls.id],
    }
    first = client.post("/api/v1/wellbeing-days", json=body, headers=h)
    again = client.post("/api/v1/wellbeing-days", json=body, headers=h)
    assert first.status_code == again.status_code == 201, first.json
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    assert session.scalar(select(func.count()).select_from(WellbeingDay)) == 1
