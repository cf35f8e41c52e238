"""Idempotency-Key rules at their boundaries: a key whose request has not answered yet, the first answer kept for
exactly 24 hours, a write answered without a body, a secret shown once never replayed, and the purge's cut-offs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import func, select, update

from api.calendar.models import ClosedPeriod
from api.core.db import db
from api.core.idempotency import BODY_RETENTION, IdempotencyKey, IdempotencyPurge, idempotent, purge
from tests.factories import auth, client_token, make_api_client, make_school, make_user

URL = "/api/v1/calendar/closed-days"
AUTUMN = {"first_day": "2026-10-12", "last_day": "2026-10-16", "name": "Efterårsferie"}
NOW = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def leader(session):
    return make_user(session, make_school(session), "leader")


def periods(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ClosedPeriod))


def set_key(session, key: str, **values) -> None:
    session.execute(update(IdempotencyKey).where(IdempotencyKey.key == key).values(**values))
    session.commit()


# --- a key whose first request has not answered ------------------------------------------------------------------


def test_a_key_whose_first_request_has_no_answer_yet_is_409_in_flight_and_writes_nothing(
    app, client, session, leader
):
    headers = {**auth(app, leader), "Idempotency-Key": "slow-1"}
    assert client.post(URL, headers=headers, json=AUTUMN).status_code == 201
    set_key(session, "slow-1", status_code=None)  # as if the first request were still running
    retry = client.post(URL, headers=headers, json=AUTUMN)
    assert retry.status_code == 409
    assert retry.json["type"] == "idempotency_key_in_flight"
    assert "Idempotent-Replayed" not in retry.headers
    assert periods(session) == 1


# --- the first answer is kept for exactly 24 hours ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "replayed_status"),
    [
        (BODY_RETENTION - timedelta(seconds=1), 201),
        (BODY_RETENTION, 201),
        (BODY_RETENTION + timedelta(seconds=1), 303),
    ],
)
def test_the_first_answer_is_replayed_for_24_hours_then_a_redirect_to_what_it_made(
    app, client, session, leader, monkeypatch, age, replayed_status
):
    headers = {**auth(app, leader), "Idempotency-Key": "day-1"}
    first = client.post(URL, headers=headers, json=AUTUMN)
    assert first.status_code == 201
    monkeypatch.setattr("api.core.idempotency.utcnow", lambda: NOW)
    set_key(session, "day-1", created_at=NOW - age)
    again = client.post(URL, headers=headers, json=AUTUMN)
    assert again.status_code == replayed_status
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    if replayed_status == 201:
        assert again.json == first.json
    else:
        assert again.get_data() == b""
    assert periods(session) == 1


# --- a write answered without a body -----------------------------------------------------------------------------


@pytest.fixture
def bodyless_write(app):
    """A keyed write that answers 202 Accepted with no body (closing one day), as a route of its own (a 204's body
    is dropped on the way out whatever it holds, so it could not show what a replay sends)."""

    def close_a_day():
        db.session.add(
            ClosedPeriod(
                school_id=g.trivsel_user.school_id,
                first_day=datetime(2026, 12, 1).date(),
                last_day=datetime(2026, 12, 1).date(),
                name="Studiedag",
            )
        )
        return "", 202

    url = "/api/v1/test-close-a-day"
    app.add_url_rule(url, "close_a_day", idempotent(close_a_day), methods=["POST"])
    return url


def test_a_write_answered_without_a_body_is_replayed_without_one(
    app, client, session, leader, bodyless_write
):
    headers = {**auth(app, leader), "Idempotency-Key": "bodyless-1"}
    first = client.post(bodyless_write, headers=headers)
    assert first.status_code == 202 and first.get_data() == b""
    again = client.post(bodyless_write, headers=headers)
    assert again.status_code == 202 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == b""
    assert again.mimetype != "application/json"
    assert periods(session) == 1
    stored = session.scalars(select(IdempotencyKey)).one()
    assert (stored.status_code, stored.response_body) == (202, None)


def test_after_24_hours_a_write_that_made_nothing_with_a_url_is_409_response_expired(
    app, client, session, leader, bodyless_write
):
    headers = {**auth(app, leader), "Idempotency-Key": "bodyless-2"}
    assert client.post(bodyless_write, headers=headers).status_code == 202
    set_key(session, "bodyless-2", created_at=NOW - timedelta(days=2))
    late = client.post(bodyless_write, headers=headers)
    assert late.status_code == 409
    assert late.json["type"] == "idempotency_response_expired"
    assert late.json["errors"] == {"Idempotency-Key": ["response expired"]}
    assert periods(session) == 1


# --- a secret shown once -----------------------------------------------------------------------------------------


def test_a_secret_shown_once_is_not_kept_for_a_replay(app, client, session):
    admin = make_user(session, make_school(session), "admin")
    headers = {**auth(app, admin), "Idempotency-Key": "client-1"}
    body = {
        "name": "Kommunens dashboard",
        "scopes": ["roster:read"],
        "expires_at": (NOW + timedelta(days=365)).isoformat(),
    }
    first = client.post("/api/v1/api-clients", headers=headers, json=body)
    assert first.status_code == 201 and first.json["client_secret"]
    kept = session.scalars(select(IdempotencyKey)).one()
    assert kept.response_body["client_secret"] is None
    assert kept.response_body["client_id"] == first.json["client_id"]
    again = client.post("/api/v1/api-clients", headers=headers, json=body)
    assert again.status_code == 201 and again.json["client_secret"] is None
    assert again.json["client_id"] == first.json["client_id"]


# --- an API client's keys are its own ---------------------------------------------------------------------------


def test_two_api_clients_using_the_same_key_each_write_their_own(app, client, session):
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = True
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["incident.reported"]}
    made = {}
    for name in ("ours", "theirs"):
        school = make_school(session)
        caller = make_api_client(session, school, "webhooks:manage")
        headers = {"Authorization": f"Bearer {client_token(app, caller)}", "Idempotency-Key": "hook-1"}
        resp = client.post("/api/v1/webhook-endpoints", json=body, headers=headers)
        assert resp.status_code == 201 and "Idempotent-Replayed" not in resp.headers, (name, resp.json)
        made[name] = (caller.id, resp.json["id"])
        again = client.post("/api/v1/webhook-endpoints", json=body, headers=headers)
        assert again.headers["Idempotent-Replayed"] == "true" and again.json["id"] == resp.json["id"]
    assert made["ours"][1] != made["theirs"][1], "another school's client never gets our endpoint"
    session.expire_all()
    rows = session.scalars(select(IdempotencyKey).order_by(IdempotencyKey.id)).all()
    assert [(r.client_id, r.user_id) for r in rows] == [(made["ours"][0], None), (made["theirs"][0], None)]


# --- the purge's cut-offs ----------------------------------------------------------------------------------------


def _keys_aged(session, user, ages: dict[str, timedelta]) -> None:
    for key, age in ages.items():
        session.add(
            IdempotencyKey(
                school_id=user.school_id,
                user_id=user.id,
                key=key,
                method="POST",
                path=URL,
                fingerprint="0" * 64,
                status_code=201,
                response_body={"key": key},
                created_at=NOW - age,
            )
        )
    session.commit()


def _left(session) -> dict[str, bool]:
    session.expire_all()
    return {k.key: k.response_body is not None for k in session.scalars(select(IdempotencyKey))}


def test_the_purge_drops_bodies_past_24_hours_and_keys_past_30_days_to_the_second(session, leader):
    day, month, second = timedelta(hours=24), timedelta(days=30), timedelta(seconds=1)
    _keys_aged(
        session,
        leader,
        {"fresh": day - second, "day": day, "day+": day + second, "month": month, "month+": month + second},
    )
    assert purge(session, now=NOW) == IdempotencyPurge(bodies=2, keys=1)
    session.commit()
    assert _left(session) == {"fresh": True, "day": True, "day+": False, "month": False}
    assert purge(session, now=NOW) == IdempotencyPurge(bodies=0, keys=0)


def test_the_purge_measures_from_the_time_it_is_given(session, leader):
    _keys_aged(session, leader, {"a": timedelta(0)})
    assert purge(session, now=NOW - timedelta(days=1)) == IdempotencyPurge(bodies=0, keys=0)
    assert purge(session, now=NOW + timedelta(days=2)) == IdempotencyPurge(bodies=1, keys=0)
    assert purge(session, now=NOW + timedelta(days=31)) == IdempotencyPurge(bodies=0, keys=1)
    session.commit()
    assert _left(session) == {}


def test_a_shorter_key_retention_never_drops_a_key_whose_answer_is_still_kept(session, leader):
    _keys_aged(session, leader, {"hour": timedelta(hours=1), "two-days": timedelta(days=2)})
    assert purge(session, now=NOW, key_retention=timedelta(hours=0)) == IdempotencyPurge(bodies=0, keys=1)
    session.commit()
    assert _left(session) == {"hour": True}
