"""Real servers for tests, on 127.0.0.1 only, each stopped by its process id: gunicorn masters serving the
app, and a tiny HTTP client for talking to them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_up() -> bool:
    """Whether Redis answers on 127.0.0.1:6379."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class Answer:
    """One HTTP answer."""

    status: int
    headers: Any
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def call(
    port: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> Answer:
    """One request to 127.0.0.1:port (a fresh connection each time)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        headers={"Content-Type": "application/json", "Connection": "close", **(headers or {})},
        method=method,
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return Answer(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, err.headers, err.read())


@dataclass
class Gunicorn:
    """A running gunicorn master."""

    proc: subprocess.Popen
    port: int
    log: Path

    def stop(self) -> None:
        """SIGTERM to the master (it stops its workers), SIGKILL if it does not end."""
        stop_process(self.proc)


def stop_process(proc: subprocess.Popen, timeout: float = 30) -> None:
    """End a process we started, by its id: SIGTERM, then SIGKILL."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def start_gunicorn(
    env: dict[str, str], cwd: Path, *, workers: int = 2, threads: int = 2, name: str = "gunicorn"
) -> Gunicorn:
    """A gunicorn master with the project's gunicorn.conf.py on a free port of 127.0.0.1; waits until the
    app answers /api/v1/health."""
    port = free_port()
    log = cwd / f"{name}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603  (our interpreter, fixed arguments)
            [*GUNICORN, "--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}"],
            cwd=cwd,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Gunicorn(proc, port, log)
    deadline = time.monotonic() + 120
    while True:
        try:
            if call(port, "GET", "/api/v1/health").status == 200:
                return server
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise AssertionError(f"{name} did not start:\n{log.read_text()}")
        time.sleep(0.2)
