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
