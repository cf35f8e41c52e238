"""The incidents' change feed on the municipality database (issue 12, "Measured"):

- page 1,000 of a full incident sync against page 1 (keyset: the same cost; goal <= 1.2x), with offset paging's
  page 1,000 beside it for contrast;
- full-sync rows/s through the API against a raw `SELECT … ORDER BY updated_at, id` + `json.dumps` loop over
  the same school's incidents (goal >= 30 %);
- an incremental sync after 100 changes (case work through the API) and 10 withdrawals returns exactly those
  100 and the 10 tombstones.

    BENCH_DATABASE_URL=postgresql://root@127.0.0.1:5432/trivsel_bench python bench/feed_sync.py [--repeat 15]

Run `python bench/make_data.py` first (`--size 0.06` for a quick, small municipality). The school with the most
incidents is synced, as its leader. The page size is 100, or less when the school has fewer than 100,000
incidents, so that page 1,000 exists. The incremental part writes notes into the database (it is the bench's).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, select, text

PAGE_GOAL = 1.2
THROUGHPUT_GOAL = 0.30
DEEP_PAGE = 1000


def _median_ms(fn: Any, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _alternating(first: Any, second: Any, repeat: int) -> tuple[float, float]:
    """Median milliseconds of two calls, run alternately so machine load hits both alike."""
    first(), second()
    a, b = [], []
    for _ in range(repeat):
        for fn, times in ((first, a), (second, b)):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b)


def measure(url: str, *, repeat: int = 15) -> dict[str, Any]:
    """All three figures on this database."""
    from api import create_app
    from api.auth.service import issue_tokens
    from api.core.collector import freeze_loaded_app
    from api.core.db import db
    from api.core.pagination import MAX_FEED_PAGE_SIZE, FeedArgs, encode_cursor
    from api.core.timeutil import utcnow
    from api.core.tombstones import record_tombstone
    from api.incidents.models import Incident
    from api.users.models import User, UserRole

    app = create_app({"TESTING": True, "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    freeze_loaded_app()  # as a gunicorn worker does once it has loaded the app (gunicorn.conf.py)
    client = app.test_client()
    out: dict[str, Any] = {}
    with app.app_context():
        session = db.session
        school_id, count = session.execute(
            select(Incident.school_id, func.count())
            .where(Incident.withdrawn_at.is_(None))
            .group_by(Incident.school_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        leader = session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.school_id == school_id, UserRole.role == "leader", User.active.is_(True))
            .order_by(User.id)
        ).first()
        token = issue_tokens(session, user=leader).access_token
        session.commit()
        lag = app.config["FEED_SAFETY_LAG_SECONDS"]
        page_size = max(1, min(100, count // (DEEP_PAGE + 1)))
        out.update(school_id=school_id, incidents=count, page_size=page_size)
        print(f"-- school {school_id}: {count:,} incidents; page size {page_size}", flush=True)
        h = {"Authorization": f"Bearer {token}"}

        # 1. Page 1,000 against page 1: the cursor of page 1,000 names the last row of page 999.
        watermark = utcnow()
        key_row = session.execute(
            select(Incident.updated_at, Incident.id)
            .where(Incident.school_id == school_id, Incident.updated_at <= watermark)
            .order_by(Incident.updated_at, Incident.id)
            .offset((DEEP_PAGE - 1) * page_size - 1)
            .limit(1)
        ).one()
        first = encode_cursor(FeedArgs(resource="incidents", school_id=school_id, watermark=watermark))
        deep = encode_cursor(
            FeedArgs(resource="incidents", school_id=school_id, watermark=watermark, after=tuple(key_row))
        )

        def page(cursor: str) -> Any:
            resp = client.get(
                "/api/v1/incidents", query_string={"cursor": cursor, "page_size": page_size}, headers=h
            )
            assert resp.status_code == 200, resp.json
            return resp

        assert len(page(deep).json["items"]) == page_size
        out["page_1_ms"], out["page_1000_ms"] = _alternating(lambda: page(first), lambda: page(deep), repeat)

        def offset(n: int) -> Any:
            resp = client.get(
                "/api/v1/incidents", query_string={"page": n, "page_size": page_size}, headers=h
            )
            assert resp.status_code == 200, resp.json

        out["offset_1_ms"], out["offset_1000_ms"] = _alternating(
            lambda: offset(1), lambda: offset(DEEP_PAGE), max(3, repeat // 3)
        )

        # 2. A full sync through the API against a raw ordered SELECT + json.dumps of the same rows. The client
        # asks for the largest page a sync may (as examples/sync_client.py does) and parses each answer with
        # json.loads, as any client would (not with the app's own hardened parser for request bodies).
        def full_sync() -> tuple[int, str]:
            rows, query = 0, {"cursor": "", "page_size": MAX_FEED_PAGE_SIZE}
            while True:
                resp = client.get("/api/v1/incidents", query_string=query, headers=h)
                assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
                body = json.loads(resp.get_data())
                rows += len(body["items"])
                if body["next_cursor"] is None:
                    return rows, body["complete_up_to"]
                query = {"cursor": body["next_cursor"], "page_size": MAX_FEED_PAGE_SIZE}

        raw_sql = text(
            "SELECT * FROM incidents WHERE school_id = :school AND withdrawn_at IS NULL ORDER BY updated_at, id"
        )

        def raw() -> int:
            n = 0
            for row in session.execute(raw_sql, {"school": school_id}).mappings():
                json.dumps(dict(row), default=str)
                n += 1
            return n

        # A write made just before (the benchmark run before this one posts reports into the same school) would
        # fall after the full sync's watermark and come back in the incremental sync below, rightly, as a change
        # since the mark; wait the safety lag out so that the incremental sync sees only this bench's changes.
        time.sleep(lag + 0.5)
        # Both are run alike: once to warm (statements built, pages cached), then alternately five times each,
        # and the medians compared. The last full sync's watermark is where the incremental sync starts.
        full_sync()
        raw()
        api_times, raw_times = [], []
        for _ in range(5):
            start = time.perf_counter()
            synced, mark = full_sync()
            api_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            raw_rows = raw()
            raw_times.append(time.perf_counter() - start)
        api_s, raw_s = statistics.median(api_times), statistics.median(raw_times)
        out.update(synced=synced, raw_rows=raw_rows, api_rows_s=synced / api_s, raw_rows_s=raw_rows / raw_s)
        print(
            f"   full sync {synced:,} rows in {api_s:.1f} s; raw {raw_rows:,} rows in {raw_s:.2f} s",
            flush=True,
        )

        # 3. 100 changes (a note on each case, through the API) and 10 withdrawals, then an incremental sync.
        time.sleep(lag + 0.5)
        ids = list(
            session.scalars(
                select(Incident.id)
                .where(Incident.school_id == school_id, Incident.withdrawn_at.is_(None))
                .order_by(Incident.id.desc())
                .limit(110)
            )
        )
        changed, withdrawn = ids[:100], ids[100:110]
        for incident_id in changed:
            resp = client.post(
                f"/api/v1/incidents/{incident_id}/notes",
                json={"kind": "staff", "body": "Opfølgning."},
                headers=h,
            )
            assert resp.status_code == 201, resp.json
        now = utcnow()
        for incident in session.scalars(select(Incident).where(Incident.id.in_(withdrawn))):
            incident.withdrawn_at = now
            record_tombstone(
                session,
                school_id=school_id,
                resource="incidents",
                resource_id=incident.id,
                reason="withdrawn",
            )
        session.commit()
        time.sleep(lag + 0.5)
        items, deleted, query = [], [], {"updated_since": mark, "page_size": 100}
        while True:
            body = client.get("/api/v1/incidents", query_string=query, headers=h).json
            items += [i["id"] for i in body["items"]]
            deleted += [d["id"] for d in body["deleted"]]
            if body["next_cursor"] is None:
                break
            query = {"cursor": body["next_cursor"], "page_size": 100}
        out.update(
            incremental_items=len(items),
            incremental_exact=sorted(items) == sorted(changed) and len(items) == len(set(items)),
            tombstones=len(deleted),
            tombstones_exact=sorted(deleted) == sorted(withdrawn),
        )
        if session.get_bind().dialect.name == "postgresql":
            plan = session.execute(
                text(
                    "EXPLAIN SELECT id FROM incidents WHERE school_id = :s AND (updated_at, id) > (:t, :i) "
                    "ORDER BY updated_at, id LIMIT 100"
                ),
                {"s": school_id, "t": key_row[0], "i": key_row[1]},
            )
            out["plan"] = "\n".join(r[0] for r in plan)
    return out


def rows_of(m: dict[str, Any]) -> list[Any]:
    """The table rows of a measurement."""
    from _framework import Row

    page_ratio = m["page_1000_ms"] / m["page_1_ms"]
    throughput = m["api_rows_s"] / m["raw_rows_s"]
    size = f"{m['incidents']:,} incidents, page size {m['page_size']}"
    return [
        Row(
            figure=f"keyset page 1,000 vs page 1 of a full incident sync ({size})",
            value=round(m["page_1000_ms"], 2),
            baseline=round(m["page_1_ms"], 2),
            ratio=page_ratio,
            ratio_as="x",
            unit="ms",
            goal=f"<= {PAGE_GOAL}x",
            issue=12,
            passed=page_ratio <= PAGE_GOAL,
        ),
        Row(
            figure="offset page 1,000 vs page 1 (the UI's paging, for contrast)",
            value=round(m["offset_1000_ms"], 2),
            baseline=round(m["offset_1_ms"], 2),
            ratio=m["offset_1000_ms"] / m["offset_1_ms"],
            ratio_as="x",
            unit="ms",
        ),
        Row(
            figure=f"full incident sync through the API vs raw SELECT ORDER BY updated_at, id + json.dumps "
            f"({m['synced']:,} rows)",
            value=round(m["api_rows_s"], 1),
            baseline=round(m["raw_rows_s"], 1),
            ratio=throughput,
            unit="rows/s",
            goal=f">= {THROUGHPUT_GOAL:.0%}",
            issue=12,
            passed=throughput >= THROUGHPUT_GOAL,
        ),
        Row(
            figure="incremental sync after 100 changes and 10 withdrawals: changed rows / tombstones returned",
            value=f"{m['incremental_items']} / {m['tombstones']}",
            baseline="100 / 10",
            goal="exactly those",
            issue=12,
            passed=bool(m["incremental_exact"] and m["tombstones_exact"]),
        ),
    ]


def run(ctx: Any) -> list[Any]:
    """For run_all.py: the figures on the municipality database."""
    from _framework import Row

    if not ctx.database_url:
        return [
            Row(figure="feed sync: needs BENCH_DATABASE_URL (bench/make_data.py)", value="skipped", issue=12)
        ]
    from api.core.db import normalize_url

    m = measure(normalize_url(ctx.database_url), repeat=5 if ctx.quick else 15)
    if "plan" in m:
        ctx.section("feed_sync: PostgreSQL plan of a keyset page", m["plan"])
    return rows_of(m)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    if not args.database_url:
        parser.error("set BENCH_DATABASE_URL or --database-url (a database bench/make_data.py filled)")
    from _framework import table_lines

    from api.core.db import normalize_url

    m = measure(normalize_url(args.database_url), repeat=args.repeat)
    if "plan" in m:
        print("\n-- PostgreSQL plan of a keyset page\n" + m["plan"])
    print("\n" + "\n".join(table_lines(rows_of(m))))


if __name__ == "__main__":
    main()
