"""Gunicorn settings for Trivsel (the container runs `gunicorn -c gunicorn.conf.py`).

gthread workers; their number from WEB_CONCURRENCY (gunicorn's own variable), threads from GUNICORN_THREADS.
Before any worker starts, the master checks the settings once with the real worker count, so production with
several workers and per-process rate-limit counters (memory://) refuses to start instead of letting each
worker allow the whole login limit."""

from __future__ import annotations

import os
import sys
from typing import Any

wsgi_app = "api:create_app()"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
accesslog = "-"


def on_starting(server: Any) -> None:
    """Check the settings with the worker count gunicorn will really run (flags included), and pass it on."""
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
    from api.config import ConfigError, load_config

    try:
        load_config()
    except ConfigError as exc:
        server.log.error("Trivsel refuses to start: %s", exc)
        sys.exit(1)
