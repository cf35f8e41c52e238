"""The leader's aggregates against hand-written SQL (issue 15): the heat map and the per-class trend for one
school year, and the attention list, each beside the equivalent hand-written queries on the same rows.

    BENCH_DATABASE_URL=postgresql://... python bench/run_all.py analytics   (or: python bench/analytics.py)

For each figure the app's answer is timed two ways, side by side with the hand-written SQL (psycopg, the same
rows, the same GROUP BY): through the app's service function (the aggregate, the visibility rule, the
suppression, the audit row) and as a whole request through the test client (authentication, arguments, JSON).
The median of alternating runs is compared; the goal (<= 2x) is judged on the request. Every SELECT the
request sends is printed with its EXPLAIN ANALYZE plan, and the plan must use the intended index.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

RUNS = 15
QUICK_RUNS = 5

HEATMAP_SQL = """
SELECT coalesce(place, 'unknown'), extract(hour FROM timezone('Europe/Copenhagen', occurred_at)) AS h, count(*)
FROM incidents
WHERE school_id = %(school)s AND occurred_at >= %(start)s AND occurred_at < %(end)s
  AND withdrawn_at IS NULL AND accused_staff_id IS NULL
GROUP BY 1, 2
"""

TREND_SQL = """
SELECT s.class_id, extract(year FROM timezone('Europe/Copenhagen', i.occurred_at)) AS y,
       extract(month FROM timezone('Europe/Copenhagen', i.occurred_at)) AS m, count(DISTINCT i.id)
FROM incidents i
JOIN incident_students x ON x.incident_id = i.id
JOIN students s ON s.id = x.student_id
WHERE i.school_id = %(school)s AND i.occurred_at >= %(start)s AND i.occurred_at < %(end)s
  AND i.withdrawn_at IS NULL AND i.accused_staff_id IS NULL AND s.class_id IS NOT NULL
GROUP BY 1, 2, 3
"""

# The attention list of a leader (who works every case of the school), written by hand: a count and the
# first 50 of each kind.
_CASES = "FROM incidents i WHERE i.school_id = %(school)s AND i.withdrawn_at IS NULL"
_PENDING = (
    " AND i.action_plan_due IS NOT NULL AND i.status <> 'closed' AND NOT EXISTS (SELECT 1 FROM"
    " incident_action_plans p WHERE p.incident_id = i.id AND p.adopted_at IS NOT NULL)"
)
_KINDS = {
    "new": f"{_CASES} AND i.created_at >= %(since)s",
    "unassessed": f"{_CASES} AND i.classification IN ('bullying', 'digital_bullying', 'exclusion',"
    " 'value_rule_breach') AND i.status = 'open' AND i.established_at IS NULL AND i.created_at < %(unassessed)s",
    "overdue": f"{_CASES}{_PENDING} AND i.action_plan_due < %(today)s",
    "due_soon": f"{_CASES}{_PENDING} AND i.action_plan_due >= %(today)s AND i.action_plan_due <= %(soon)s",
    "no_acute": f"{_CASES}{_PENDING} AND i.established_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"  # noqa: S608
    " incident_acute_measures a WHERE a.incident_id = i.id)",
    "follow_up": f"{_CASES} AND i.status <> 'closed' AND EXISTS (SELECT 1 FROM incident_action_plans p WHERE"  # noqa: S608
    " p.incident_id = i.id AND p.follow_up_on <= %(week)s AND NOT EXISTS (SELECT 1 FROM incident_follow_ups f"
    " WHERE f.incident_id = i.id AND f.held_on >= p.follow_up_on))",
}
_ARRANGEMENTS = """
FROM play_partner_arrangements a WHERE a.school_id = %(school)s AND a.status = 'active'
  AND a.start_date <= %(fortnight)s AND a.end_date >= %(today)s
  AND NOT EXISTS (SELECT 1 FROM play_partner_check_ins c WHERE c.arrangement_id = a.id AND c.day >= %(fortnight)s)
"""
# Established, open cases where an involved pupil or a custodial parent has no information record yet
# (the information duty's kind; counted per case, the first 50 and the total).
_UNINFORMED = """
SELECT id FROM (
  SELECT i.id, i.established_at,
    (SELECT count(*) FROM incident_students x WHERE x.incident_id = i.id AND NOT EXISTS (
       SELECT 1 FROM information_records r WHERE r.incident_id = i.id AND r.person_kind = 'student'
         AND r.student_id = x.student_id))
  + (SELECT count(*) FROM incident_students x JOIN guardians g ON g.student_id = x.student_id
     WHERE x.incident_id = i.id AND g.school_id = i.school_id AND g.has_custody AND NOT EXISTS (
       SELECT 1 FROM information_records r WHERE r.incident_id = i.id AND r.guardian_id = g.id)) AS missing
  FROM incidents i WHERE i.school_id = %(school)s AND i.withdrawn_at IS NULL AND i.established_at IS NOT NULL
    AND i.status <> 'closed'
) c WHERE missing > 0 ORDER BY established_at, id
"""
_LOW_MOOD = """
SELECT os.student_id, count(*) FROM observation_students os JOIN observations o ON o.id = os.observation_id
JOIN students s ON s.id = os.student_id
WHERE o.school_id = %(school)s AND o.withdrawn_at IS NULL AND o.observed_at >= %(mood_since)s AND o.mood <= 2
  AND s.active GROUP BY os.student_id HAVING count(*) >= 3 ORDER BY 2 DESC LIMIT 50
"""


def _attention_by_hand(cur: Any, params: dict[str, Any]) -> int:
    n = 0
    for where in _KINDS.values():
        cur.execute(f"SELECT count(*) {where}", params)
        n += cur.fetchone()[0]
        cur.execute(
            f"SELECT i.id, i.classification, i.status, i.action_plan_due {where} ORDER BY i.id LIMIT 50",
            params,
        )
        n += len(cur.fetchall())
    cur.execute(f"SELECT count(*) {_ARRANGEMENTS}", params)
    n += cur.fetchone()[0]
    cur.execute(f"SELECT a.id {_ARRANGEMENTS} ORDER BY a.start_date, a.id LIMIT 50", params)
    n += len(cur.fetchall())
    cur.execute(f"SELECT count(*) FROM ({_UNINFORMED}) u", params)  # noqa: S608 - our constant
    n += cur.fetchone()[0]
    cur.execute(f"{_UNINFORMED} LIMIT 50", params)
    n += len(cur.fetchall())
    cur.execute(_LOW_MOOD, params)
    return n + len(cur.fetchall())


def _median_ms(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _side_by_side(ours: Callable[[], Any], theirs: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Medians of alternating runs (each warmed first), so both see the same machine load."""
    ours()
    theirs()
    a, b = [], []
    for _ in range(runs):
        a.append(_median_ms(ours, 1))
        b.append(_median_ms(theirs, 1))
    return statistics.median(a), statistics.median(b)


def run(ctx: Any) -> list[Any]:
    """Time the heat map, the per-class trend and the attention list against hand-written SQL."""
    import psycopg
    from _framework import Row
    from _plans import HotRequest, bearer, explain_requests
    from sqlalchemy import func, select
    from sqlalchemy.orm import joinedload

    from api import create_app
    from api.analytics import service as analytics
    from api.analytics.scope import school_year_start
    from api.attention import service as attention
    from api.calendar.service import add_working_days, is_working_day
    from api.core.collector import freeze_loaded_app
    from api.core.db import db, normalize_url
    from api.core.timeutil import local_date
    from api.incidents.models import Incident
    from api.users.models import User, UserRole

    if not ctx.database_url:
        return [
            Row(
                figure="analytics: needs BENCH_DATABASE_URL (make bench-data)",
                value="skipped",
                issue=15,
                passed=False,
            )
        ]
    runs = QUICK_RUNS if ctx.quick else RUNS
    url = normalize_url(ctx.database_url)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    freeze_loaded_app()  # as a gunicorn worker does once it has loaded the app (gunicorn.conf.py)
    with app.app_context():
        school_id, newest = db.session.execute(
            select(Incident.school_id, func.max(Incident.occurred_at))
            .group_by(Incident.school_id)
            .order_by(func.count().desc(), Incident.school_id)
            .limit(1)
        ).one()
        leader_id = db.session.scalar(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.school_id == school_id, UserRole.role == "leader")
            .order_by(User.id)
        )
        # The last complete school year of the data (1 August to 31 July).
        first = date(school_year_start(local_date(newest)).year - 1, 8, 1)
        last = date(first.year + 1, 7, 31)
        year_count = db.session.scalar(
            select(func.count(Incident.id)).where(
                Incident.school_id == school_id,
                Incident.occurred_at >= datetime.combine(first, datetime.min.time(), UTC),
                Incident.occurred_at < datetime.combine(last, datetime.min.time(), UTC),
            )
        )
        school = db.session.get(User, leader_id).school
        today = local_date()
        day, counted = today, 0
        while counted < 2:
            day -= timedelta(days=1)
            counted += is_working_day(db.session, school=school, day=day)
        soon = add_working_days(db.session, school=school, start=today, days=2)
    period = {"date_from": first.isoformat(), "date_to": last.isoformat()}
    sql_params = {
        "school": school_id,
        "start": datetime.combine(first, datetime.min.time()).isoformat() + "+01:00",
        "end": datetime.combine(last + timedelta(days=1), datetime.min.time()).isoformat() + "+02:00",
        "since": datetime.now(UTC) - timedelta(days=7),
        "unassessed": datetime.combine(day + timedelta(days=1), datetime.min.time()).isoformat() + "+01:00",
        "today": today,
        "soon": soon,
        "week": today + timedelta(days=7),
        "fortnight": today - timedelta(days=14),
        "mood_since": datetime.now(UTC) - timedelta(days=14),
    }
    headers = bearer(app, leader_id)
    client = app.test_client()
    conn = psycopg.connect(ctx.database_url)
    cur = conn.cursor()

    def hand(sql: str) -> Callable[[], Any]:
        return lambda: (cur.execute(sql, sql_params), cur.fetchall())

    def request(path: str) -> Callable[[], Any]:
        def go() -> None:
            resp = client.get(path, headers=headers)
            assert resp.status_code == 200, resp.get_data(as_text=True)[:300]

        return go

    def in_app(fn: Callable[..., Any], **kwargs: Any) -> Callable[[], Any]:
        def go() -> None:
            with app.test_request_context():
                # The user with roles in one statement, as authentication loads it for a request.
                caller = db.session.scalar(
                    select(User).options(joinedload(User.role_rows)).where(User.id == leader_id)
                )
                fn(db.session, caller=caller, **kwargs)
                db.session.rollback()

        return go

    query = "&".join(f"{k}={v}" for k, v in period.items())
    cases = [
        (
            "heat map (place x hour), one school year",
            f"/api/v1/analytics/heatmap?{query}",
            "heatmap",
            hand(HEATMAP_SQL),
        ),
        (
            "per-class trend (class x month), one school year",
            f"/api/v1/analytics/class-trend?{query}",
            "class-trend",
            hand(TREND_SQL),
        ),
    ]
    rows = []
    label = f"school {school_id}: {year_count:,} cases in {first.isoformat()}..{last.isoformat()}"
    for name, path, view, baseline in cases:
        svc, base = _side_by_side(
            in_app(analytics.staff_view, view=view, **{"date_from": first, "date_to": last}), baseline, runs
        )
        req, base2 = _side_by_side(request(path), baseline, runs)
        rows.append(
            Row(
                figure=f"{name}: service vs hand-written GROUP BY ({label})",
                value=round(svc, 2),
                baseline=round(base, 2),
                ratio=svc / base,
                unit="ms",
                ratio_as="x",
                issue=15,
            )
        )
        rows.append(
            Row(
                figure=f"{name}: request vs hand-written GROUP BY",
                value=round(req, 2),
                baseline=round(base2, 2),
                ratio=req / base2,
                goal="<= 2x",
                unit="ms",
                ratio_as="x",
                issue=15,
                passed=req / base2 <= 2,
            )
        )
    by_hand = lambda: _attention_by_hand(cur, sql_params)  # noqa: E731
    svc, base = _side_by_side(in_app(attention.attention_list), by_hand, runs)
    req, base2 = _side_by_side(request("/api/v1/attention"), by_hand, runs)
    rows.append(
        Row(
            figure="attention list of a leader: service vs its hand-written queries",
            value=round(svc, 2),
            baseline=round(base, 2),
            ratio=svc / base,
            unit="ms",
            ratio_as="x",
            issue=15,
        )
    )
    rows.append(
        Row(
            figure="attention list of a leader: request vs its hand-written queries",
            value=round(req, 2),
            baseline=round(base2, 2),
            ratio=req / base2,
            goal="<= 2x",
            unit="ms",
            ratio_as="x",
            issue=15,
            passed=req / base2 <= 2,
        )
    )
    conn.close()

    hot = [
        # The school's cases of one year: through (school, occurred_at), or through school_id with the year as
        # a filter when the year is a large share of the school's rows; either is an index scan of one school.
        HotRequest("heat map", "leader", cases[0][1], ("ix_incidents_school_occurred",)),
        HotRequest(
            "per-class trend",
            "leader",
            cases[1][1],
            ("ix_incidents_school_occurred",),
        ),
        HotRequest("attention list", "leader", "/api/v1/attention", ("ix_incidents_action_plan_due",)),
    ]
    ids = {"leader": leader_id, "teacher": leader_id}
    for result in explain_requests(app, hot, ids, analyze=True):
        missing = result.missing_indexes()
        ctx.section(f"plans: {result.request.name}", result.text())
        rows.append(
            Row(
                figure=f"plan of the {result.request.name}: intended index used"
                + (f" (missing {', '.join(missing)})" if missing else ""),
                value=" + ".join(result.request.indexes),
                issue=15,
                passed=result.status == 200 and not missing,
            )
        )
    return rows


if __name__ == "__main__":
    import run_all

    sys.argv = [sys.argv[0], "analytics", *sys.argv[1:]]  # run_all's table, without rewriting RESULTS.md
    raise SystemExit(run_all.main())
