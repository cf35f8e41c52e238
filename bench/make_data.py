"""The municipality for the benchmarks: 50 schools, 30,000 students with guardians, 3,000 staff, three school
years of history (about 300,000 incidents with case work, 200,000 observations, play-partner arrangements
with check-ins, wellbeing days) and the audit rows it all leaves. Deterministic from --seed and --today.

    BENCH_DATABASE_URL=postgresql://root@127.0.0.1:5432/trivsel_bench python bench/make_data.py [--size 1.0]

The database is dropped and created afresh, its schema made by `trivsel db upgrade` (Alembic), then filled
with bulk COPY. --size scales the number of schools (and so everything) down, e.g. 0.06 gives 3 schools.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session

from api.core.db import normalize_url

SCHOOLS = 50
DEFAULT_SEED = 16
SCHOOL_YEAR = "2026/27"


def school_count(size: float) -> int:
    """How many schools a size stands for (at least one)."""
    return max(1, round(SCHOOLS * size))


def generate(
    conn: Connection,
    *,
    size: float = 1.0,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    progress: bool = False,
    history_scale: float = 1.0,
) -> dict[str, int]:
    """Write the municipality into the (migrated) database of this connection; returns rows per table."""
    from _bulk import BulkWriter
    from _history_data import generate_calendar, generate_school
    from _students_data import BENCH_PASSWORD, build_schools
    from argon2 import PasswordHasher

    from api import discovery
    from api.core.timeutil import local_date

    discovery.load_models()
    today = today or local_date()
    schools = school_count(size)
    w = BulkWriter(conn)
    # One real argon2id hash (production parameters) shared by every bench user, so any of them can log in.
    password_hash = PasswordHasher().hash(BENCH_PASSWORD)
    bar = _Progress(progress)
    with bar:
        bar.phase("roster", schools)
        built = build_schools(
            w, seed=seed, schools=schools, school_year=SCHOOL_YEAR, password_hash=password_hash
        )
        w.flush()
        bar.advance("roster", schools)
        closed = generate_calendar(w, built, today)
        session = Session(bind=conn)
        bar.phase("history", schools)
        for school in built:
            generate_school(
                w,
                session,
                school,
                seed=seed,
                today=today,
                closed=closed[school.id],
                scale=history_scale,
            )
            bar.advance("history", 1)
        w.finish()
    return dict(sorted(w.counts.items()))


class _Progress:
    """A rich progress bar per phase (or nothing)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.tasks: dict[str, Any] = {}
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )

    def __enter__(self) -> _Progress:
        if self.enabled:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.enabled:
            self.bar.__exit__(*exc)

    def phase(self, name: str, total: int) -> None:
        if self.enabled:
            self.tasks[name] = self.bar.add_task(f"{name} (schools)", total=total)

    def advance(self, name: str, n: int) -> None:
        if self.enabled:
            self.bar.advance(self.tasks[name], n)


# Indexes that back no constraint (primary keys and unique constraints stay, and so do foreign keys).
_SECONDARY_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
ORDER BY i.tablename, i.indexname
"""


def recreate_database(url: str) -> str:
    """Drop and create the database the URL names; returns the URL for SQLAlchemy."""
    target = make_url(normalize_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


def migrate(url: str) -> None:
    """The schema, the way an operator makes it: `trivsel db upgrade`."""
    trivsel = Path(sys.executable).with_name("trivsel")
    command = [str(trivsel)] if trivsel.exists() else [sys.executable, "-m", "api.cli"]
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(  # noqa: S603 - our own command line, with the database URL we were given
        [*command, "db", "upgrade"], check=True, env=env, cwd=Path(__file__).resolve().parent.parent
    )


def vacuum_analyze(url: str) -> None:
    """Set hint bits and the visibility map, and gather the planner's statistics, as autovacuum would in time.

    Every benchmark database goes through this before it is measured, so that no dataset is read in the
    state just after its bulk load while another is not.
    """
    engine = create_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def build(url: str, *, size: float, seed: int, today: date | None, progress: bool = True) -> dict[str, Any]:
    """Recreate, migrate, fill and analyse the database; returns counts and timings."""
    url = recreate_database(url)
    started = time.perf_counter()
    migrate(url)
    migrated = time.perf_counter()
    engine = create_engine(url)
    with engine.begin() as conn:
        # As bulk loaders do: secondary indexes go before the load and are built again, sorted, after it
        # (their definitions read back from the migrated schema, so they come back exactly as they were).
        indexes = conn.execute(text(_SECONDARY_INDEXES)).all()
        for name, _definition in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
        counts = generate(conn, size=size, seed=seed, today=today, progress=progress)
        loaded = time.perf_counter()
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for _name, definition in indexes:
            conn.execute(text(definition))
    written = time.perf_counter()
    engine.dispose()
    vacuum_analyze(url)
    done = time.perf_counter()
    return {
        "counts": counts,
        "migrate_s": migrated - started,
        "load_s": loaded - migrated,
        "index_s": written - loaded,
        "write_s": written - migrated,
        "analyze_s": done - written,
        "total_s": done - started,
    }


def main() -> int:
    """Build the benchmark database and print what it holds."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--size", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="anchor day (default: today)")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith(("postgres://", "postgresql")):
        parser.error("set BENCH_DATABASE_URL (or --database-url) to a PostgreSQL database URL")
    result = build(args.database_url, size=args.size, seed=args.seed, today=args.today)
    counts = result["counts"]
    print(f"\n{'table':<28} {'rows':>10}")
    for name, n in counts.items():
        print(f"{name:<28} {n:>10,}")
    print(f"{'total':<28} {sum(counts.values()):>10,}")
    print(
        f"\nschools {school_count(args.size)}, seed {args.seed}: migrate {result['migrate_s']:.1f} s, "
        f"load {result['load_s']:.1f} s, indexes {result['index_s']:.1f} s, "
        f"VACUUM ANALYZE {result['analyze_s']:.1f} s, total {result['total_s']:.1f} s "
        f"(this process used {time.process_time():.0f} s of CPU)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
