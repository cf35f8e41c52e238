"""Load runs for the benchmarks: the app or a baseline under gunicorn on a free 127.0.0.1 port (stopped by its
process id), and Debian's `wrk` driving it, with the processor time the server spent (bench/_cpu.py)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from _cpu import spent

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ["--worker-class", "gthread", "--workers", "2", "--threads", "8"]
CONNECTIONS, THREADS = 16, 2

# The gunicorn master's pid of each server started here (by its base URL), for benchmarks that watch it.
SERVER_PIDS: dict[str, int] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(app_spec: str, env: dict[str, str], *, pythonpath: str | None = None, health: str) -> Any:
    """A gunicorn master on a free 127.0.0.1 port; stopped by its pid afterwards."""
    port = _free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, *GUNICORN, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    if pythonpath:
        command += ["--pythonpath", pythonpath]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen([*command, app_spec], cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + health, timeout=2):  # noqa: S310 - our own local server
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"{app_spec} did not start:\n{log.read().decode()[-3000:]}") from None
                time.sleep(0.3)
        SERVER_PIDS[base] = proc.pid
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def wrk(
    url: str,
    *,
    seconds: int,
    auth: str | None = None,
    script: str | None = None,
    args: str = "",
    master: int | None = None,
) -> dict:
    """Requests per second and errors of one wrk run (latency percentiles too); with the server's gunicorn
    `master`, also the processor time its workers and PostgreSQL spent per request (bench/_cpu.py)."""
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if auth and not script:
        command += ["-H", f"Authorization: {auth}"]
    if script:
        command += ["-s", script]
    command.append(url)
    if args:
        command += ["--", args]
    with ExitStack() as stack:
        cost = stack.enter_context(spent(master)) if master is not None else None
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", out)
    return {
        "rps": rps,
        "requests": requests,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket": errors.group(0) if errors else "",
        "p99": f"{p99.group(1)}{p99.group(2)}" if p99 else "?",
        # Milliseconds of processor time per request: the app's workers, and app and database together.
        "cpu_ms": cost["app"] / requests * 1000 if cost and requests else None,
        "cpu_total_ms": (cost["app"] + cost["database"]) / requests * 1000 if cost and requests else None,
    }


def _ms(latency: str) -> float:
    """wrk's latency text ("812.00us", "63.07ms", "1.44s") in milliseconds."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", latency)
    if found is None:
        return float("inf")
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[found.group(2)]


def _summed(runs: list[dict]) -> dict:
    """Several wrk runs of one load as one: requests over the time they took, processor time over the
    requests, the worst p99."""
    requests = sum(r["requests"] for r in runs)
    elapsed = sum(r["requests"] / r["rps"] for r in runs if r["rps"])
    total: dict[str, Any] = {
        "rps": requests / elapsed if elapsed else 0.0,
        "requests": requests,
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "socket": "; ".join(r["socket"] for r in runs if r["socket"]),
        "p99": max((r["p99"] for r in runs), key=_ms),
    }
    for key in ("cpu_ms", "cpu_total_ms"):
        known = [r for r in runs if r.get(key) is not None]
        total[key] = sum(r[key] * r["requests"] for r in known) / requests if known and requests else None
    return total


def paired(first: dict[str, Any], second: dict[str, Any], *, slices: int, seconds: int) -> tuple[dict, dict]:
    """Two loads in turn, `slices` short runs each (first, second, first, ...), each load's runs summed: what
    the machine's neighbours do meanwhile falls on both alike. The keyword arguments are `wrk`'s; a Lua
    script's argument (a run id) gets the slice's number, so no two slices send the same keys."""
    runs: tuple[list[dict], list[dict]] = ([], [])
    for n in range(slices):
        for i, load in enumerate((first, second)):
            args = f"{load['args']}-{n}" if load.get("args") else ""
            runs[i].append(wrk(**{**load, "args": args}, seconds=seconds))
    return _summed(runs[0]), _summed(runs[1])
