"""Query plans of the hot requests at full size (issue 16 item 6): student search, the incident list with its
filters, a student's cases, the student log, today's play-partner list and the deadline attention list.

    BENCH_DATABASE_URL=postgresql://... python bench/run_all.py query_plans

Each request goes through the app; every SELECT it sends is explained with EXPLAIN ANALYZE on the municipality
data, printed in full, and judged: the intended index is used and no large table is read by a sequential
scan. tests/test_bench_data.py asserts the same on a reduced data set in `make test`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def run(ctx: Any) -> list[Any]:
    """Explain the hot requests on the municipality database."""
    from _framework import Row
    from _plans import big_tables, explain_requests, hot_requests, pick_ids
    from sqlalchemy import select

    from api import create_app
    from api.core.db import db, make_engine, normalize_url
    from api.schools.models import School

    if not ctx.database_url:
        return [
            Row(
                figure="query plans at full size: needs BENCH_DATABASE_URL (make bench-data)",
                value="skipped",
                issue=16,
                passed=False,
            )
        ]
    url = normalize_url(ctx.database_url)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        school_id = db.session.scalar(select(School.id).order_by(School.id))
        ids = pick_ids(db.session, school_id)
        schools = db.session.query(School).count()
    big = big_tables(make_engine(url), 20_000)
    rows = []
    for result in explain_requests(app, hot_requests(ids), ids, analyze=True):
        times = [float(m) for e in result.plans for m in re.findall(r"Execution Time: ([\d.]+) ms", e.plan)]
        missing, scans = result.missing_indexes(), result.seq_scans(big)
        ctx.section(f"plans: {result.request.name} ({schools} schools)", result.text())
        rows.append(
            Row(
                figure=f"plan of {result.request.name}: intended index, no seq scan of a large table"
                + (f" (missing {', '.join(missing)})" if missing else "")
                + (f" (seq scan {', '.join(scans)})" if scans else ""),
                value=round(sum(times), 1),
                unit="ms SQL",
                goal=" + ".join(i.split("|")[0] for i in result.request.indexes),
                issue=16,
                passed=result.status == 200 and not missing and not scans,
            )
        )
    return rows
