"""Logs: one JSON object a line (LOG_FORMAT=json, the default in production), and one line per request with
its id, the acting user, the route, the status and the duration.

What a line may hold: ids, the route's rule (`/api/v1/students/<int:student_id>`), never the path's query
(a search is a child's name) nor a body; statement parameters are hidden by the engine (api/core/db.py)."""

from __future__ import annotations

import logging
import os
import sys
import time

from flask import Flask, g, has_request_context, request
from flask.wrappers import Response

request_log = logging.getLogger("trivsel.request")


class RequestContext(logging.Filter):
    """Adds the request id to every line written while a request is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and not hasattr(record, "request_id"):
            record.request_id = g.get("request_id")
        return True


def json_formatter() -> logging.Formatter:
    """The formatter of every JSON line: time, level, logger, message, then the record's extra fields."""
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
    )


def configure(app: Flask) -> None:
    """Set up the process's log handler once: JSON lines or plain text on stderr, at INFO."""
    root = logging.getLogger()
    if app.config.get("LOG_FORMAT") != "json":
        logging.basicConfig(level=logging.INFO)
        return
    # Like basicConfig: a process whose logging is set up already (a test runner, an embedding server) keeps
    # its handlers; gunicorn's workers and the CLI start with none.
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestContext())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    from api.errors import request_id

    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    user = g.get("trivsel_user")
    rule = request.url_rule.rule if request.url_rule is not None else None
    request_log.info(
        "%s %s %s",
        request.method,
        rule or "(no route)",
        response.status_code,
        extra={
            "request_id": request_id(),
            "method": request.method,
            "route": rule,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": getattr(user, "id", None),
            "school_id": getattr(user, "school_id", None),
            "client_id": g.get("trivsel_client_id"),
            "pid": os.getpid(),
        },
    )
    return response


def install(app: Flask) -> None:
    """Log every request once it is answered (installed before the commit hook, so it runs after it and logs
    the status the client gets)."""
    configure(app)
    app.before_request(_start_timer)
    app.after_request(_log_request)
