"""The mixed recess load (issue 16 item 4) on the municipality data, with Debian's wrk and a Lua mix: quick logs
(POST incident by a teacher, POST observation by SFO staff, each with a fresh Idempotency-Key), two-letter
student searches, today's play-partner list, case reads and case-list pages by a leader, in the proportions
of MIX, against the app under gunicorn (gthread, 2 worker processes x 8 threads) on PostgreSQL.

- knee: the highest rate over rising concurrency at which p99 <= 300 ms with 0 errors;
- spike: 10x the knee's concurrency for 30 s: every POST answered 2xx, and every acknowledged write stored
  (the idempotency rows of the run's keys counted in the database);
- soak: half the knee's concurrency for RECESS_SOAK_SECONDS (default 1200 = 20 minutes): each worker's
  resident memory flat within 10 % (after the first minute), PostgreSQL backends stable.

    BENCH_DATABASE_URL=... RECESS_SOAK_SECONDS=300 python bench/run_all.py recess_load
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

MIX = {
    "post_incident": 0.12,
    "post_observation": 0.13,
    "search": 0.30,
    "play_partners_today": 0.15,
    "case_read": 0.15,
    "case_page": 0.15,
}
P99_LIMIT_MS = 300.0
# The README's estimate (Benchmarks: "The municipal peak, estimated"): 1,500 of 6,000 staff, 10 requests each
# in a 20-minute big recess, times 4 right after the bell.
MUNICIPAL_PEAK_RPS = 50.0
LEVELS = (2, 4, 8, 16, 32, 64)

LUA = r"""
local threads = {}
local auth = { teacher = "%(teacher)s", sfo = "%(sfo)s", leader = "%(leader)s" }
local students = { %(students)s }
local sfo_students = { %(sfo_students)s }
local cases = { %(cases)s }
local prefixes = { %(prefixes)s }
local mix = { %(mix)s }
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  tid = wrk.thread:get("tid")
  prefix = args[1] .. "-" .. tid
  math.randomseed(tid * 7919 + os.time())
  n, posts, created, bad = 0, 0, 0, 0
end
local function pick(list) return list[math.random(#list)] end
function request()
  n = n + 1
  local r, kind = math.random(), nil
  local acc = 0
  for _, m in ipairs(mix) do
    acc = acc + m[2]
    if r <= acc then kind = m[1] break end
  end
  kind = kind or "search"
  if kind == "post_incident" or kind == "post_observation" then
    posts = posts + 1
    local h = { ["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. "-" .. n }
    if kind == "post_incident" then
      h["Authorization"] = auth.teacher
      return wrk.format("POST", "/api/v1/incidents", h,
        '{"classification":"conflict","place":"schoolyard","students":[{"student_id":' .. pick(students) .. ',"role":"target"}]}')
    end
    h["Authorization"] = auth.sfo
    return wrk.format("POST", "/api/v1/observations", h,
      '{"student_ids":[' .. pick(sfo_students) .. '],"mood":' .. math.random(1, 5) .. ',"context":"sfo"}')
  end
  if kind == "search" then
    return wrk.format("GET", "/api/v1/students?q=" .. pick(prefixes), { ["Authorization"] = auth.teacher })
  elseif kind == "play_partners_today" then
    return wrk.format("GET", "/api/v1/play-partner-arrangements?date=%(today)s", { ["Authorization"] = auth.sfo })
  elseif kind == "case_read" then
    return wrk.format("GET", "/api/v1/incidents/" .. pick(cases), { ["Authorization"] = auth.leader })
  end
  return wrk.format("GET", "/api/v1/incidents?page_size=25&page=" .. math.random(1, 20), { ["Authorization"] = auth.leader })
end
function response(status, headers, body)
  if status == 201 then created = created + 1 end
  if status >= 400 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local p, c, b = 0, 0, 0
  for _, t in ipairs(threads) do
    p = p + t:get("posts")
    c = c + t:get("created")
    b = b + t:get("bad")
  end
  io.write(string.format("RECESS posts=%%d created=%%d bad=%%d\n", p, c, b))
end
"""


def _subjects(app: Any) -> dict[str, Any]:
    """Tokens of a class teacher, an SFO staff member and a leader of the first school, and ids to use."""
    from _plans import bearer, pick_ids
    from sqlalchemy import select

    from api.core.db import db
    from api.incidents.models import Incident
    from api.schools.models import School
    from api.students.models import Student
    from api.users.models import User, UserRole

    with app.app_context():
        session = db.session
        school_id = session.scalar(select(School.id).order_by(School.id))
        ids = pick_ids(session, school_id)
        sfo = session.scalar(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.school_id == school_id, UserRole.role == "sfo_staff")
            .order_by(User.id)
        )
        students = list(
            session.scalars(
                select(Student.id).where(Student.school_id == school_id, Student.active.is_(True)).limit(200)
            )
        )
        sfo_students = list(
            session.scalars(
                select(Student.id)
                .where(
                    Student.school_id == school_id, Student.active.is_(True), Student.sfo_enrolled.is_(True)
                )
                .limit(100)
            )
        )
        cases = list(
            session.scalars(
                select(Incident.id)
                .where(Incident.school_id == school_id)
                .order_by(Incident.occurred_at.desc())
                .limit(200)
            )
        )
    return {
        "teacher": bearer(app, ids["teacher"])["Authorization"],
        "sfo": bearer(app, sfo)["Authorization"],
        "leader": bearer(app, ids["leader"])["Authorization"],
        "students": students,
        "sfo_students": sfo_students or students,
        "cases": cases,
        "today": ids["today"].isoformat(),
    }


def _script(who: dict[str, Any]) -> str:
    prefixes = ["ma", "an", "em", "so", "ka", "la", "ni", "ha", "ol", "fr", "as", "ch", "je", "mi", "ly"]
    return LUA % {
        "teacher": who["teacher"],
        "sfo": who["sfo"],
        "leader": who["leader"],
        "students": ",".join(map(str, who["students"])),
        "sfo_students": ",".join(map(str, who["sfo_students"])),
        "cases": ",".join(map(str, who["cases"])),
        "prefixes": ",".join(f'"{p}"' for p in prefixes),
        "mix": ",".join(f'{{"{k}", {v}}}' for k, v in MIX.items()),
        "today": who["today"],
    }


def _wrk(base: str, script: str, *, connections: int, seconds: int, run_id: str) -> dict[str, Any]:
    threads = max(1, min(2, connections))
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        script,
        base,
        "--",
        run_id,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99_ms = (
        float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)] if p99 else float("inf")
    )
    socket_errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    counts = re.search(r"RECESS posts=(\d+) created=(\d+) bad=(\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p99_ms": p99_ms,
        "errors": int(counts.group(3)) + socket_errors,
        "posts": int(counts.group(1)),
        "created": int(counts.group(2)),
    }


def _stored(url: str, run_id: str) -> int:
    """Writes of this run that the database holds (answered idempotency rows with its keys)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(
            text("SELECT count(*) FROM idempotency_keys WHERE key LIKE :p AND status_code = 201"),
            {"p": f"{run_id}-%"},
        )
    engine.dispose()
    return int(n or 0)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _backends(url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
            {"d": make_url(url).database},
        )
    engine.dispose()
    return int(n or 0)


def run(ctx: Any) -> list[Any]:
    """Knee, spike and soak on the municipality data."""
    from _cpu import workers
    from _framework import Row
    from _load import SERVER_PIDS, serve

    from api import create_app
    from api.core.db import normalize_url

    if not ctx.database_url or not shutil.which("wrk"):
        return [
            Row(
                figure="recess load: needs BENCH_DATABASE_URL and wrk",
                value="skipped",
                issue=16,
                passed=False,
            )
        ]
    url = normalize_url(ctx.database_url)
    step = 5 if ctx.quick else 15
    spike_seconds = 10 if ctx.quick else 30
    soak_seconds = 60 if ctx.quick else int(os.environ.get("RECESS_SOAK_SECONDS", "1200"))
    secret = secrets.token_urlsafe(48)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_SECRET_KEY": secret,
        "TRIVSEL_ENV": "development",
    }
    # The bench's tokens must outlive the whole run (knee, spike and soak: over 25 minutes); with the default
    # 15-minute access token every request of the soak's last minutes was a 401.
    lifetime = timedelta(seconds=len(LEVELS) * step + spike_seconds + soak_seconds + 600)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "JWT_SECRET_KEY": secret, "JWT_ACCESS_TOKEN_EXPIRES": lifetime}
    )
    who = _subjects(app)
    rows: list[Row] = []
    with (
        serve("api:create_app()", env, health="/api/v1/health") as base,
        tempfile.NamedTemporaryFile("w", suffix=".lua") as lua,
    ):
        lua.write(_script(who))
        lua.flush()
        _wrk(base, lua.name, connections=4, seconds=3, run_id=secrets.token_hex(4))  # warm up
        knee: dict[str, Any] | None = None
        for connections in LEVELS:
            r = _wrk(base, lua.name, connections=connections, seconds=step, run_id=secrets.token_hex(4))
            print(
                f"   c={connections:<3} {r['rps']:>7.1f} req/s  p99 {r['p99_ms']:>8.1f} ms  errors {r['errors']}"
            )
            if r["p99_ms"] <= P99_LIMIT_MS and r["errors"] == 0 and (knee is None or r["rps"] > knee["rps"]):
                knee = {**r, "connections": connections}
            if r["p99_ms"] > 3 * P99_LIMIT_MS:
                break
        if knee is None:
            rows.append(
                Row(
                    figure="knee: no concurrency kept p99 <= 300 ms with 0 errors",
                    value=0,
                    unit="req/s",
                    goal="p99 <= 300 ms, 0 errors",
                    issue=16,
                    passed=False,
                )
            )
            knee = {"rps": 0.0, "p99_ms": 0.0, "connections": LEVELS[0]}
        else:
            rows.append(
                Row(
                    figure=f"knee (mixed recess load, {knee['connections']} connections, p99 {knee['p99_ms']:.0f} ms)",
                    value=round(knee["rps"], 1),
                    unit="req/s",
                    goal="p99 <= 300 ms, 0 errors",
                    issue=16,
                    passed=True,
                )
            )
        rows.append(
            Row(
                figure="knee beside the estimated municipal peak (README), 2 app processes",
                value=round(knee["rps"], 1),
                baseline=MUNICIPAL_PEAK_RPS,
                ratio=knee["rps"] / MUNICIPAL_PEAK_RPS,
                ratio_as="x",
                unit="req/s",
            )
        )
        spike_id = secrets.token_hex(4)
        spike = _wrk(
            base, lua.name, connections=10 * knee["connections"], seconds=spike_seconds, run_id=spike_id
        )
        stored = _stored(url, spike_id)
        print(f"   spike c={10 * knee['connections']}: {spike}; stored {stored}")
        rows.append(
            Row(
                figure=f"10x spike ({10 * knee['connections']} connections, {spike_seconds} s): writes acknowledged "
                f"but not stored",
                value=max(0, spike["created"] - stored),
                baseline=spike["created"],
                goal="0",
                issue=16,
                passed=spike["created"] <= stored,
            )
        )
        rows.append(
            Row(
                figure="10x spike: requests answered with an error or not at all",
                value=spike["errors"],
                baseline=spike["posts"],
                goal="0 (POSTs safe to retry)",
                issue=16,
                passed=spike["errors"] == 0,
            )
        )
        master = SERVER_PIDS[base]
        samples: list[tuple[float, dict[int, int], int]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(10):
                samples.append((time.monotonic(), {w: _rss_kib(w) for w in workers(master)}, _backends(url)))

        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        soak_connections = max(1, knee["connections"] // 2)
        soak = _wrk(
            base, lua.name, connections=soak_connections, seconds=soak_seconds, run_id=secrets.token_hex(4)
        )
        stop.set()
        watcher.join()
    settled = samples[min(len(samples) - 1, 6) :] if samples else []  # after the first minute
    growth = 0.0
    for worker in settled[0][1] if settled else {}:
        values = [s[1].get(worker, 0) for s in settled if s[1].get(worker)]
        if values:
            growth = max(growth, max(values) / min(values) - 1)
    backends = [s[2] for s in settled]
    rows.append(
        Row(
            figure=f"soak {soak_seconds} s at half the knee ({soak_connections} connections): worker RSS growth"
            + (f" ({soak['errors']} requests failed or timed out)" if soak["errors"] else ""),
            value=round(growth * 100, 1),
            unit="%",
            goal="<= 10 %",
            issue=16,
            passed=bool(settled) and growth <= 0.10 and soak["errors"] == 0,
        )
    )
    rows.append(
        Row(
            figure="soak: PostgreSQL backends (min-max)",
            value=f"{min(backends, default=0)}-{max(backends, default=0)}",
            goal="stable (spread <= 2)",
            issue=16,
            passed=bool(backends) and max(backends) - min(backends) <= 2,
        )
    )
    return rows
