"""Several app processes on one PostgreSQL and one Redis: two independent gunicorn masters (A with two
workers, B with one) on their own ports of 127.0.0.1 serve one deployment, and nothing a user relies on
depends on which process answers: the login limit, revocation at logout and deactivation, idempotency, ETag
conflicts, and the webhook worker (two `trivsel worker` processes deliver each event once). Also what
operations read from them: the metrics port (A only) and the JSON request logs.

PostgreSQL and Redis only: skipped without TEST_DATABASE_URL or without Redis on 127.0.0.1:6379. Every
process is started here and stopped by its process id."""

from __future__ import annotations

import itertools
import json
import os
import secrets
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from api.cli import upgrade_database
from api.core.db import make_engine
from tests.conftest import drop_postgres_database, fresh_postgres_database, make_test_app
from tests.factories import PASSWORD, make_user
from tests.incidents.factories import World, make_world
from tests.servers import Answer, Gunicorn, call, free_port, redis_up, start_gunicorn
from tests.webhooks.helpers import register
from tests.webhooks.receiver import Receiver, start_receiver
from tests.webhooks.test_workers import start_worker, stop, wait_until

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
    ),
    pytest.mark.skipif(not redis_up(), reason="needs Redis on 127.0.0.1:6379"),
]

# Client addresses as the reverse proxy reports them (TRUSTED_PROXY_HOPS=1), one per login, so the tests'
# own logins never meet the per-address limit that one test measures on purpose.
_addresses = (f"198.51.100.{i}" for i in itertools.count(1))


@dataclass
class Cluster:
    """The deployment under test."""

    url: str
    a: Gunicorn
    b: Gunicorn
    metrics_port: int
    world: World
    receiver: Receiver
    tmp: Path

    def login(self, server: Gunicorn, email: str, password: str = PASSWORD) -> Answer:
        return call(
            server.port,
            "POST",
            "/api/v1/auth/login",
            {"email": email, "password": password},
            {"X-Forwarded-For": next(_addresses)},
        )

    def token(self, server: Gunicorn, role: str) -> dict[str, str]:
        resp = self.login(server, self.world.users[role].email)
        assert resp.status == 200, resp.body
        return {"Authorization": f"Bearer {resp.json['access_token']}"}

    def scalar(self, sql: str, **params: Any) -> Any:
        with make_engine(self.url).connect() as conn:
            return conn.execute(text(sql), params).scalar_one()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("multiprocess")
    url = fresh_postgres_database("multiproc")
    upgrade_database(url)
    receiver = start_receiver()
    # The school and a webhook endpoint are arranged in this process; it keeps nothing the servers need.
    setup_app = make_test_app(url, WEBHOOK_ALLOW_LOOPBACK=True)
    from api.core.db import db

    with setup_app.app_context():
        world = make_world(db.session)
        client = setup_app.test_client()
        receiver.secrets = [register(client, setup_app, world, receiver.url, ["incident.reported"])["secret"]]
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("RATELIMIT_", "WEB_CONCURRENCY", "METRICS"))
        },
        "TRIVSEL_ENV": "production",
        "TRIVSEL_INSTANCE_DIR": str(tmp),
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/3",
        "RATELIMIT_KEY_PREFIX": f"trivsel-multiprocess-{uuid.uuid4().hex}",
        "LOGIN_RATE_LIMIT": "10 per minute",
        "TRUSTED_PROXY_HOPS": "1",
        "LOG_FORMAT": "json",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    metrics_port = free_port()
    a = start_gunicorn({**env, "METRICS_PORT": str(metrics_port)}, tmp, workers=2, name="a")
    try:
        b = start_gunicorn(env, tmp, workers=1, name="b")
    except BaseException:
        a.stop()
        raise
    try:
        yield Cluster(url, a, b, metrics_port, world, receiver, tmp)
    finally:
        a.stop()
        b.stop()
        receiver.stop()
        make_engine(url).dispose()
        drop_postgres_database(url)


def at_once(*sends: Any) -> list[Answer]:
    """Send the requests at the same moment, each from its own thread; the answers in order."""
    barrier = threading.Barrier(len(sends))

    def fire(send: Any) -> Answer:
        barrier.wait()
        return send()

    with ThreadPoolExecutor(max_workers=len(sends)) as pool:
        return list(pool.map(fire, sends))


def report(cluster: Cluster, server: Gunicorn, auth: dict[str, str], **extra: Any) -> Answer:
    body = {
        "classification": "teasing",
        "students": [{"student_id": cluster.world.anna.id, "role": "target"}],
    }
    return call(
        server.port, "POST", "/api/v1/incidents", {**body, **extra.pop("body", {})}, {**auth, **extra}
    )


def test_the_login_limit_is_one_limit_across_both_processes(cluster):
    a, b = cluster.a, cluster.b
    # Per account: one e-mail from twelve addresses, alternating between the processes.
    target = cluster.world.other_users["teacher"].email
    answers = [
        call(
            (a, b)[i % 2].port,
            "POST",
            "/api/v1/auth/login",
            {"email": target, "password": "wrong-password"},
            {"X-Forwarded-For": f"203.0.113.{i + 1}"},
        ).status
        for i in range(12)
    ]
    assert answers == [401] * 10 + [429] * 2
    # Per address: twelve e-mails from one address.
    answers = [
        call(
            (b, a)[i % 2].port,
            "POST",
            "/api/v1/auth/login",
            {"email": f"nobody{i}@example.dk", "password": "wrong-password"},
            {"X-Forwarded-For": "192.0.2.77"},
        )
        for i in range(12)
    ]
    assert [r.status for r in answers] == [401] * 10 + [429] * 2
    assert int(answers[-1].headers["Retry-After"]) > 0
    # The limited account's owner can still log in from elsewhere once the minute is over; another
    # account is not affected meanwhile.
    assert cluster.login(a, cluster.world.users["leader"].email).status == 200


def test_a_logout_in_one_process_revokes_the_token_in_the_other(cluster):
    a, b = cluster.a, cluster.b
    login = cluster.login(a, cluster.world.users["teacher"].email)
    assert login.status == 200
    auth = {"Authorization": f"Bearer {login.json['access_token']}"}
    assert call(b.port, "GET", "/api/v1/auth/me", headers=auth).status == 200
    assert call(a.port, "POST", "/api/v1/auth/logout", headers=auth).status == 204
    after = call(b.port, "GET", "/api/v1/auth/me", headers=auth)
    assert after.status == 401 and after.json["type"] == "token_revoked"
    refresh = call(
        b.port,
        "POST",
        "/api/v1/auth/refresh",
        headers={"Authorization": f"Bearer {login.json['refresh_token']}"},
    )
    assert refresh.status == 401


def test_a_deactivation_in_one_process_ends_the_sessions_served_by_the_other(cluster):
    a, b = cluster.a, cluster.b
    from api.core.db import db

    app = make_test_app(cluster.url)
    with app.app_context():
        leaver = make_user(db.session, cluster.world.school, "pedagogue", name="Leaving pedagogue")
    login = cluster.login(b, leaver.email)
    assert login.status == 200
    auth = {"Authorization": f"Bearer {login.json['access_token']}"}
    assert call(a.port, "GET", "/api/v1/auth/me", headers=auth).status == 200

    admin = cluster.token(a, "admin")
    read = call(a.port, "GET", f"/api/v1/users/{leaver.id}", headers=admin)
    patched = call(
        b.port,
        "PATCH",
        f"/api/v1/users/{leaver.id}",
        {"active": False},
        {**admin, "If-Match": read.headers["ETag"]},
    )
    assert patched.status == 200, patched.body
    for server in (a, b):
        assert call(server.port, "GET", "/api/v1/auth/me", headers=auth).status == 401
    assert cluster.login(a, leaver.email).status == 401


def test_one_idempotency_key_sent_to_both_processes_makes_one_incident(cluster):
    a, b = cluster.a, cluster.b
    auth = cluster.token(a, "teacher")
    marker = f"idempotent {uuid.uuid4().hex}"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    raced = at_once(
        lambda: report(cluster, a, auth, body={"description": marker}, **key),
        lambda: report(cluster, b, auth, body={"description": marker}, **key),
    )
    statuses = sorted(r.status for r in raced)
    # Both answered from the one incident, or the later one told the first is still in flight.
    assert statuses in ([201, 201], [201, 409]), [r.body for r in raced]
    created = [r.json["id"] for r in raced if r.status == 201]
    for server in (b, a):
        replay = report(cluster, server, auth, body={"description": marker}, **key)
        assert replay.status == 201 and replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json["id"] == created[0]
    assert cluster.scalar("SELECT count(*) FROM incidents WHERE description = :d", d=marker) == 1
    other_body = report(cluster, b, auth, body={"description": marker + " changed"}, **key)
    assert other_body.status == 422 and other_body.json["type"] == "idempotency_key_reused"


def test_an_etag_conflict_between_the_processes_is_412_for_the_second(cluster):
    a, b = cluster.a, cluster.b
    auth = cluster.token(b, "teacher")
    created = report(cluster, b, auth)
    assert created.status == 201
    path = f"/api/v1/incidents/{created.json['id']}"
    etag = call(a.port, "GET", path, headers=auth).headers["ETag"]
    # Two adults save the same version at the same moment, one through each process.
    raced = at_once(
        lambda: call(a.port, "PATCH", path, {"place": "schoolyard"}, {**auth, "If-Match": etag}),
        lambda: call(b.port, "PATCH", path, {"place": "corridor"}, {**auth, "If-Match": etag}),
    )
    assert sorted(r.status for r in raced) == [200, 412], [r.body for r in raced]
    winner = next(r for r in raced if r.status == 200)
    stored = call(b.port, "GET", path, headers=auth)
    assert stored.json["place"] == winner.json["place"]
    # The loser saves again on the version it now reads, through the other process.
    again = call(a.port, "PATCH", path, {"place": "corridor"}, {**auth, "If-Match": stored.headers["ETag"]})
    assert again.status == 200 and again.json["place"] == "corridor"


def test_two_workers_deliver_each_event_from_both_processes_once(cluster):
    a, b = cluster.a, cluster.b
    auth = cluster.token(a, "teacher")
    ids = []
    for i in range(12):
        resp = report(cluster, (a, b)[i % 2], auth, **{"Idempotency-Key": str(uuid.uuid4())})
        assert resp.status == 201
        ids.append(resp.json["id"])
    workers = [start_worker(cluster.url, cluster.tmp), start_worker(cluster.url, cluster.tmp)]

    def settled() -> bool:
        return (
            cluster.scalar("SELECT count(*) FROM outbox_events WHERE dispatched_at IS NULL") == 0
            and cluster.scalar("SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'") == 0
        )

    try:
        assert wait_until(settled, 90), "the workers did not deliver everything"
    finally:
        for w in workers:
            stop(w)
    deliveries = cluster.scalar("SELECT count(*) FROM webhook_deliveries")
    counts = cluster.receiver.counts()
    assert len(counts) == deliveries >= len(ids)
    assert set(counts.values()) == {1}, "an event was delivered twice"
    verified = cluster.receiver.verified()
    assert len(verified) == deliveries
    delivered_ids = {r.payload["data"]["id"] for r in verified if r.payload["type"] == "incident.reported"}
    assert set(ids) <= delivered_ids


def _metrics(port: int) -> dict[tuple[str, frozenset], float]:
    body = call(port, "GET", "/metrics").body.decode()
    samples = {}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples


def _value(samples: dict, name: str, **labels: str) -> float:
    return sum(v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= ls)


def test_metrics_of_both_workers_of_a_are_on_its_metrics_port_only(cluster):
    a = cluster.a
    auth = cluster.token(a, "teacher")
    before = _metrics(cluster.metrics_port)
    for _ in range(4):
        assert report(cluster, a, auth).status == 201
    assert cluster.login(a, cluster.world.users["teacher"].email, "wrong-password").status == 401
    after = _metrics(cluster.metrics_port)

    name = "flask_http_request_duration_seconds_count"
    route = {"url_rule": "/api/v1/incidents", "method": "POST", "status": "201"}
    assert _value(after, name, **route) - _value(before, name, **route) == 4
    assert _value(after, "flask_http_request_duration_seconds_bucket", le="+Inf", **route) >= 4
    failures = _value(after, "trivsel_login_failures_total", reason="credentials")
    assert failures - _value(before, "trivsel_login_failures_total", reason="credentials") == 1
    assert _value(after, "trivsel_db_pool_connections_open") >= 1
    assert _value(after, "trivsel_database_up") == 1
    # The reports are waiting in the outbox: no worker runs now.
    assert _value(after, "trivsel_outbox_backlog_events") >= 4
    assert _value(after, "trivsel_outbox_oldest_event_age_seconds") >= 0
    # Not on the app's public port (that path is the web app's), and B has no metrics at all.
    for server in (cluster.a, cluster.b):
        assert b"flask_http_request" not in call(server.port, "GET", "/metrics").body


def test_both_processes_log_json_lines_without_a_childs_name(cluster):
    a, b = cluster.a, cluster.b
    auth = cluster.token(b, "teacher")
    rid = f"trace-{uuid.uuid4().hex[:12]}"
    search = call(b.port, "GET", "/api/v1/students?q=Anna%20Holm", headers={**auth, "X-Request-ID": rid})
    assert search.status == 200 and search.headers["X-Request-ID"] == rid
    assert report(cluster, a, auth, body={"description": "Anna Holm græd ved Klatrestativet"}).status == 201
    for server in (a, b):
        lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
        requests = [line for line in lines if line.get("logger") == "trivsel.request"]
        assert requests, f"{server.log.name} logged no request"
        assert all(line["request_id"] and line["status"] and "duration_ms" in line for line in requests)
        text_ = server.log.read_text()
        for word in ("Anna", "Holm", "Klatrestativet"):
            assert word not in text_
    (line,) = [json.loads(x) for x in b.log.read_text().splitlines() if x.startswith("{") and rid in x]
    assert line["route"] == "/api/v1/students" and line["user_id"] == cluster.world.users["teacher"].id
