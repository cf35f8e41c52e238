"""Processor time spent serving a load: a gunicorn master's workers and the PostgreSQL server, read from /proc
before and after.

Throughput on this 2-core machine swings by up to 2x within seconds as neighbours come and go; the processor
time one request costs the server and the database moves far less, because time the machine spends on others
is not counted. The load generator's own time is left out: it is not the server's cost."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TICK = os.sysconf("SC_CLK_TCK")


def workers(master: int) -> list[int]:
    """The worker processes of a gunicorn master (its children)."""
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def postgres_pids() -> list[int]:
    """Every process of the PostgreSQL server on this machine (backends and its own workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().startswith("postgres"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User plus system time of each process that still exists, in seconds."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15)
    return out


@contextmanager
def spent(master: int) -> Any:
    """The processor seconds the master's workers and PostgreSQL spend inside the block: `box["app"]`,
    `box["database"]`. A worker that ends meanwhile counts nothing; a backend that starts counts from zero."""
    app, database = workers(master), postgres_pids()
    before_app, before_db = cpu_seconds(app), cpu_seconds(database)
    box: dict[str, float] = {}
    yield box
    after_app = cpu_seconds(app)
    after_db = cpu_seconds(sorted(set(database) | set(postgres_pids())))
    box["app"] = sum(after_app.get(p, before_app[p]) - before_app[p] for p in before_app)
    box["database"] = sum(t - before_db.get(p, 0.0) for p, t in after_db.items())


class Backends:
    """The time the PostgreSQL backends serving one database's connections have spent on a processor, in
    nanoseconds (`/proc/<pid>/schedstat`): fine enough to charge one request its database work, where the
    clock ticks of `cpu_seconds` (10 ms) are not."""

    def __init__(self, pids: list[int]) -> None:
        self.files = [open(f"/proc/{pid}/schedstat", "rb", buffering=0) for pid in pids]  # noqa: SIM115

    @classmethod
    def of_database(cls, url: str) -> Backends:
        """The backends connected to the database now (other than the one asking)."""
        import psycopg
        from sqlalchemy.engine import make_url

        target = make_url(url)
        with psycopg.connect(
            target.set(drivername="postgresql").render_as_string(hide_password=False)
        ) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (target.database,),
            ).fetchall()
        return cls([r[0] for r in rows])

    def ns(self) -> int:
        """Their processor time so far."""
        total = 0
        for f in self.files:
            f.seek(0)
            total += int(f.read().split()[0])
        return total

    def close(self) -> None:
        for f in self.files:
            f.close()
