"""Student search at municipality scale: 30,000 students; the indexed prefix search against a naive
LIKE '%q%' scan, measured side by side, as ratios; and the PostgreSQL query plan.

    python bench/students_search.py [--students 30000] [--repeat 25] [--database-url URL]

Without --database-url it runs on a fresh SQLite file, and also on PostgreSQL when TEST_DATABASE_URL or
BENCH_DATABASE_URL names a server (a database `trivsel_bench_students` is created there afresh).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, func, or_, select, text
from sqlalchemy.engine import make_url

QUERIES = ["a", "ma", "mad", "øst", "ase", "søren", "hans chr", "zo", "kri", "åse øst", "kalle", "xyz"]


def _postgres_url(server: str) -> str:
    from api.core.db import normalize_url

    base = make_url(normalize_url(server))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "trivsel_bench_students" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "trivsel_bench_students"'))
    admin.dispose()
    return base.set(database="trivsel_bench_students").render_as_string(hide_password=False)


def _naive(school_id: int, q: str) -> Any:
    """The baseline: substring match on the name columns, no index can help."""
    from api.students.models import Student

    like = f"%{q.lower()}%"
    conditions = []
    for word in q.lower().split():
        like = f"%{word}%"
        conditions.append(
            or_(
                func.lower(Student.given_name).like(like),
                func.lower(Student.family_name).like(like),
                func.lower(func.coalesce(Student.preferred_name, "")).like(like),
            )
        )
    return (
        select(Student)
        .where(Student.school_id == school_id, Student.active.is_(True), *conditions)
        .order_by(func.coalesce(Student.preferred_name, Student.given_name), Student.family_name, Student.id)
    )


def _side_by_side(first: Any, second: Any, repeat: int) -> tuple[float, float]:
    """Median milliseconds of two functions, run alternately so machine load hits both alike."""
    first(), second()  # warm up
    a, b = [], []
    for _ in range(repeat):
        for fn, times in ((first, a), (second, b)):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b)


def measure(url: str, *, students: int, repeat: int) -> dict[str, Any]:
    """Generate the roster on this database and measure; returns the geometric mean ratio and the plan."""
    from _students_data import generate_roster

    from api import create_app
    from api.cli import upgrade_database
    from api.core.db import db
    from api.core.pagination import paginate
    from api.schools.models import School
    from api.students.search import explain, match_statement, search

    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        upgrade_database()
        session = db.session
        dialect = session.get_bind().dialect.name
        print(f"-- {dialect}: generating {students:,} students ...", flush=True)
        start = time.perf_counter()
        school = School(name="Bench Kommune", slug=f"bench-{int(time.time())}")
        session.add(school)
        session.flush()
        generate_roster(session, school_id=school.id, students=students)
        tokens = session.scalar(text("SELECT count(*) FROM student_name_tokens"))
        print(f"   {students:,} students, {tokens:,} name tokens in {time.perf_counter() - start:.1f} s")
        if dialect == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()
        print(f"   {'query':<10} {'matches':>8} {'indexed ms':>11} {'naive ms':>9} {'naive/indexed':>14}")
        ratios = []
        for q in QUERIES:
            naive = _naive(school.id, q)
            matches = search(session, school_id=school.id, q=q)["total"]
            t_indexed, t_naive = _side_by_side(
                lambda q=q: search(session, school_id=school.id, q=q),
                lambda s=naive: paginate(session, s, page=1, page_size=25),
                repeat,
            )
            ratios.append(t_naive / t_indexed)
            print(f"   {q:<10} {matches:>8} {t_indexed:>11.2f} {t_naive:>9.2f} {t_naive / t_indexed:>13.1f}x")
        print(f"   geometric mean naive/indexed: {statistics.geometric_mean(ratios):.1f}x")
        plan = explain(session, match_statement(school_id=school.id, q="åse øst").limit(25))
        result = {
            "dialect": dialect,
            "ratio": statistics.geometric_mean(ratios),
            "index_used": "ix_student_name_tokens_lookup" in plan,
        }
        if dialect == "postgresql":
            for q in ("åse øst", "ma"):
                print(f"\n   EXPLAIN ANALYZE of the first page for q={q!r}:")
                stmt = match_statement(school_id=school.id, q=q).limit(25)
                sql = str(
                    stmt.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
                )
                for (line,) in session.execute(text(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}")):
                    print(f"     {line}")
        else:
            print("\n   EXPLAIN QUERY PLAN for q='åse øst':")
            for line in explain(
                session, match_statement(school_id=school.id, q="åse øst").limit(25)
            ).splitlines():
                print(f"     {line}")
    from api.core.db import make_engine

    make_engine(url).dispose()
    return result


def run(ctx: Any) -> list[Any]:
    """For make bench: 30,000 students on SQLite and on PostgreSQL, index against the LIKE scan."""
    from _framework import Row

    students = 5_000 if ctx.quick else 30_000
    repeat = 5 if ctx.quick else 25
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(measure(f"sqlite:///{tmp}/bench.db", students=students, repeat=repeat))
    server = ctx.database_url or os.environ.get("TEST_DATABASE_URL")
    if server:
        results.append(measure(_postgres_url(server), students=students, repeat=repeat))
    rows = []
    for r in results:
        rows.append(
            Row(
                figure=f"search {students:,} students, {r['dialect']}: LIKE scan time / index time",
                value=round(r["ratio"], 1),
                unit="x",
                goal="index used, > 1x",
                issue=3,
                passed=r["index_used"] and r["ratio"] > 1,
            )
        )
    return rows


def main() -> int:
    """Run on SQLite, and on PostgreSQL when a server is configured."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--database-url")
    args = parser.parse_args(
        sys.argv[1:] if __name__ == "__main__" and sys.argv[0].endswith("students_search.py") else []
    )
    if args.database_url:
        measure(args.database_url, students=args.students, repeat=args.repeat)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{tmp}/bench.db", students=args.students, repeat=args.repeat)
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if server:
        measure(_postgres_url(server), students=args.students, repeat=args.repeat)
    else:
        print("\n(PostgreSQL skipped: set TEST_DATABASE_URL or BENCH_DATABASE_URL to a server to include it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
