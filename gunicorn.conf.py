"""Gunicorn settings for Trivsel (the container runs `gunicorn -c gunicorn.conf.py`).

gthread workers; their number from WEB_CONCURRENCY (gunicorn's own variable), threads from GUNICORN_THREADS.
Before any worker starts, the master checks the settings once with the real worker count, so production with
several workers and per-process rate-limit counters (memory://) refuses to start instead of letting each
worker allow the whole login limit.

Each worker, once it has loaded the app, moves what it built at start out of the garbage collector's way
(gc.freeze, api/core/collector.py).

Metrics (METRICS_PORT, off unless set): the workers write them to a shared directory (prometheus
multiprocess mode, PROMETHEUS_MULTIPROC_DIR) and the master serves them all on METRICS_ADDR:METRICS_PORT,
never on the app's port."""

from __future__ import annotations

import glob
import os
import sys
import tempfile
from typing import Any

METRICS_PORT = int(os.environ.get("METRICS_PORT") or 0)
METRICS_ADDR = os.environ.get("METRICS_ADDR", "127.0.0.1")
if METRICS_PORT and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Before anything imports prometheus_client: it picks its multiprocess mode when first imported.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="trivsel-metrics-")

wsgi_app = "api:create_app()"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# No access log of gunicorn's own: its request line holds the query string, and a student search is a child's
# name. The app logs one line per request instead (api/core/logs.py: route, status, duration, request id).
accesslog = None


def on_starting(server: Any) -> None:
    """Check the settings with the worker count gunicorn will really run (flags included), and pass it on."""
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
    from api.config import ConfigError, load_config

    try:
        load_config()
    except ConfigError as exc:
        server.log.error("Trivsel refuses to start: %s", exc)
        sys.exit(1)
    if METRICS_PORT:
        # Counters of an earlier run in the same directory would be added to this run's.
        for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
            os.remove(path)


def post_worker_init(worker: Any) -> None:
    """The worker has loaded the app: keep what it built at start out of the garbage collector's way."""
    from api.core.collector import freeze_loaded_app

    freeze_loaded_app()


def when_ready(server: Any) -> None:
    """Serve the workers' metrics (and the outbox backlog) from the master, on their own port."""
    if METRICS_PORT:
        from api.config import load_config
        from api.core.metrics import start_master_server

        database_url = load_config()["DATABASE_URL"]
        start_master_server(port=METRICS_PORT, host=METRICS_ADDR, database_url=database_url)
        server.log.info("Metrics on http://%s:%s/metrics", METRICS_ADDR, METRICS_PORT)


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended: drop its live gauges (pool connections) from the sums."""
    if METRICS_PORT:
        from api.core.metrics import mark_worker_dead

        mark_worker_dead(worker.pid)
