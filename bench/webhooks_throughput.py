"""Webhook throughput on PostgreSQL: events per second delivered to a local receiver by 1 and by 2 `trivsel
worker` processes, and the added cost of the outbox write on POST /incidents as a ratio against the same
POST with events off. Printed as a table; nothing here asserts a time.

    python bench/webhooks_throughput.py [--events 1000] [--posts 200] [--database-url URL]

Needs a PostgreSQL server: --database-url, BENCH_DATABASE_URL or TEST_DATABASE_URL (a database
`trivsel_bench_webhooks` is created there afresh). `run()` returns the rows for bench/run_all.py.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

DB_NAME = "trivsel_bench_webhooks"


def _fresh_database(server: str) -> str:
    from api.core.db import normalize_url

    base = make_url(normalize_url(server))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    return base.set(database=DB_NAME).render_as_string(hide_password=False)


def _drop_database(server: str) -> None:
    from api.core.db import normalize_url

    admin = create_engine(make_url(normalize_url(server)), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
    admin.dispose()


def _worker(url: str, instance: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "WEBHOOK_ALLOW_LOOPBACK": "1",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "JWT_SECRET_KEY": secrets.token_urlsafe(40),
        "TRIVSEL_INSTANCE_DIR": str(instance),
    }
    args = [sys.executable, "-m", "api.cli", "worker", "--no-jobs", "--poll-interval", "0.05"]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def _emit(app: Any, school_id: int, n: int, start: int) -> None:
    from api.core import outbox
    from api.core.db import db

    with app.app_context():
        for i in range(n):
            outbox.emit(
                db.session,
                "incident.updated",
                school_id=school_id,
                object_type="incident",
                object_id=start + i,
            )
        db.session.commit()


def _wait(receiver: Any, n: int, timeout: float = 600) -> float:
    deadline = time.monotonic() + timeout
    while len(receiver.counts()) < n:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(receiver.counts())} of {n} deliveries arrived")
        time.sleep(0.01)
    return time.monotonic()


def throughput(app: Any, url: str, *, workers: int, events: int) -> float:
    """Events per second delivered by `workers` worker processes to a receiver on 127.0.0.1."""
    from api.core.db import db
    from api.schools.models import School
    from api.webhooks import service
    from api.webhooks.models import WebhookEndpoint
    from tests.webhooks.receiver import start_receiver

    receiver = start_receiver()
    with app.app_context():
        school = School(name=f"Bench {workers}", slug=f"bench-{workers}-{secrets.token_hex(3)}")
        db.session.add(school)
        db.session.flush()
        endpoint = WebhookEndpoint(
            school_id=school.id,
            url=receiver.url,
            event_types=["incident.updated"],
            secret=service.new_secret(),
        )
        db.session.add(endpoint)
        db.session.commit()
        receiver.secrets = [endpoint.secret]
        school_id = school.id
    instance = Path(tempfile.mkdtemp(prefix="trivsel-bench-"))
    procs = [_worker(url, instance) for _ in range(workers)]
    try:
        warm = 10 * workers  # every worker up and polling before the clock starts
        _emit(app, school_id, warm, 1)
        _wait(receiver, warm, timeout=120)
        time.sleep(1.0)
        start = time.monotonic()
        _emit(app, school_id, events, warm + 1)
        end = _wait(receiver, warm + events)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
        receiver.stop()
    assert all(r.verified for r in receiver.received)
    return events / (end - start)


def post_cost(app: Any, *, posts: int) -> tuple[float, float]:
    """Median milliseconds of POST /incidents with events off and on, alternating blocks of 10."""
    from api.core.db import db
    from api.schools.models import School
    from api.students.models import Student
    from tests.factories import auth, make_user

    with app.app_context():
        school = School(name="Bench POST", slug=f"bench-post-{secrets.token_hex(3)}")
        db.session.add(school)
        db.session.commit()
        teacher = make_user(db.session, school, "leader")
        student = Student(school_id=school.id, given_name="Anna", family_name="Holm")
        db.session.add(student)
        db.session.commit()
        student_id = student.id
    hdrs = auth(app, teacher)
    client = app.test_client()
    body = {"classification": "teasing", "students": [{"student_id": student_id, "role": "target"}]}
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(3):  # warm up
        client.post("/api/v1/incidents", json=body, headers=hdrs)
    for block in range(posts // 10):
        events_on = block % 2 == 1
        app.config["OUTBOX_ENABLED"] = events_on
        for _ in range(10):
            t = time.perf_counter()
            resp = client.post("/api/v1/incidents", json=body, headers=hdrs)
            times[events_on].append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 201, resp.json
    app.config["OUTBOX_ENABLED"] = True
    return statistics.median(times[False]), statistics.median(times[True])


def measure(
    database_url: str | None = None, *, events: int = 1000, posts: int = 200
) -> list[tuple[str, str, str]]:
    """Measure on a fresh PostgreSQL database; returns (measure, value, ratio) rows."""
    server = database_url or os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not server or not server.startswith("postgres"):
        return [("webhooks throughput", "skipped: needs PostgreSQL (BENCH_DATABASE_URL)", "")]
    from api import create_app
    from api.core.db import Base, make_engine

    url = _fresh_database(server)
    try:
        app = create_app({"TESTING": True, "DATABASE_URL": url, "WEBHOOK_ALLOW_LOOPBACK": True})
        Base.metadata.create_all(make_engine(url))
        one = throughput(app, url, workers=1, events=events)
        two = throughput(app, url, workers=2, events=events)
        off, on = post_cost(app, posts=posts)
        make_engine(url).dispose()
    finally:
        _drop_database(server)
    return [
        (f"events/s delivered, 1 worker ({events} events)", f"{one:.0f}", "1.00"),
        (f"events/s delivered, 2 workers ({events} events)", f"{two:.0f}", f"{two / one:.2f}"),
        (f"POST /incidents median ms, events off ({posts // 2})", f"{off:.1f}", "1.00"),
        (f"POST /incidents median ms, events on ({posts // 2})", f"{on:.1f}", f"{on / off:.2f}"),
    ]


def run(ctx: Any) -> list[Any]:
    """For make bench: the same figures as table rows (no goal of their own: the outbox's cost is reported)."""
    from _framework import Row

    found = measure(ctx.database_url, events=200 if ctx.quick else 1000, posts=50 if ctx.quick else 200)
    rows = []
    for name, value, ratio in found:
        if not ratio:
            rows.append(Row(figure=name, value=value, passed=False))
            continue
        rows.append(
            Row(
                figure=f"{name}, against the first of its pair", value=value, ratio=float(ratio), ratio_as="x"
            )
        )
    return rows


def print_table(rows: list[tuple[str, str, str]]) -> None:
    """The rows as a table."""
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>10}  {'ratio':>6}")
    for name, value, ratio in rows:
        print(f"{name:<{width}}  {value:>10}  {ratio:>6}")


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    print_table(measure(args.database_url, events=args.events, posts=args.posts))


if __name__ == "__main__":
    main()
