"""Prometheus metrics for operations: requests per route (count, latency, status), database pool use, login
failures, and the outbox backlog. Off unless METRICS_PORT is set; then served on that port only (never on
the app's own port), by gunicorn's master from the workers' shared files (prometheus multiprocess mode).

Nothing here carries a name, a note or an id of a child: labels are routes, methods, statuses and reasons."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from flask.wrappers import Response
from prometheus_client import Counter, Gauge
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger("trivsel")

LOGIN_ENDPOINT = "auth.Login"

LOGIN_FAILURES = Counter(
    "trivsel_login_failures",
    "Failed logins: wrong e-mail or password (or an inactive account), or refused by the rate limit",
    ["reason"],
)
# Summed over the live worker processes: connections in use now, and what the pools may hold.
POOL_IN_USE = Gauge(
    "trivsel_db_pool_connections_in_use",
    "Database connections checked out of the pools of the live app processes",
    multiprocess_mode="livesum",
)
POOL_OPEN = Gauge(
    "trivsel_db_pool_connections_open",
    "Database connections the pools of the live app processes hold open",
    multiprocess_mode="livesum",
)


def multiprocess_dir() -> str | None:
    """The directory the worker processes share their metrics through (set by gunicorn.conf.py)."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def watch_pool(engine: Any) -> None:
    """Count the engine's connections as they are opened, checked out, returned and closed."""
    from sqlalchemy import event

    event.listen(engine, "connect", lambda *_: POOL_OPEN.inc())
    event.listen(engine, "close", lambda *_: POOL_OPEN.dec())
    event.listen(engine, "close_detached", lambda *_: POOL_OPEN.dec())
    event.listen(engine, "checkout", lambda *_: POOL_IN_USE.inc())
    event.listen(engine, "checkin", lambda *_: POOL_IN_USE.dec())


def _count_login_failures(response: Response) -> Response:
    if request.endpoint == LOGIN_ENDPOINT and request.method == "POST":
        if response.status_code == 401:
            LOGIN_FAILURES.labels(reason="credentials").inc()
        elif response.status_code == 429:
            LOGIN_FAILURES.labels(reason="rate_limited").inc()
    return response


def install(app: Flask) -> None:
    """Per-route request metrics (prometheus-flask-exporter) when metrics are on and the process is one of
    gunicorn's workers; the login-failure counter always (it costs nothing when nobody scrapes it)."""
    app.after_request(_count_login_failures)
    if not app.config.get("METRICS_PORT"):
        return
    if multiprocess_dir() is None:
        log.warning(
            "METRICS_PORT is set but this process is not served by gunicorn (gunicorn.conf.py): no metrics"
        )
        return
    from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

    # Grouped by the route's rule ("/api/v1/students/<int:student_id>"), never by the path or query, so a
    # label never holds an id or a search for a name.
    GunicornPrometheusMetrics(app, group_by="url_rule", excluded_paths=["^/assets/"])


class BacklogCollector(Collector):
    """The outbox backlog, read from the database at each scrape (by gunicorn's master, which has no app)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._engine: Any = None

    def _connect(self) -> Any:
        if self._engine is None:
            from sqlalchemy import create_engine
            from sqlalchemy.pool import NullPool

            from api.core.db import normalize_url

            connect_args = {"connect_timeout": 3} if self.database_url.startswith("postgres") else {}
            self._engine = create_engine(
                normalize_url(self.database_url),
                poolclass=NullPool,
                hide_parameters=True,
                connect_args=connect_args,
            )
        return self._engine.connect()

    def collect(self) -> Iterator[Metric]:
        from sqlalchemy import text

        up = GaugeMetricFamily("trivsel_database_up", "1 when the metrics scrape could read the database")
        try:
            with self._connect() as conn:
                events, oldest_age = conn.execute(
                    text("SELECT count(*), min(occurred_at) FROM outbox_events WHERE dispatched_at IS NULL")
                ).one()
                pending = conn.execute(
                    text("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")
                ).scalar_one()
                now = conn.execute(text("SELECT CURRENT_TIMESTAMP")).scalar_one()
        except Exception as exc:
            log.warning(
                "metrics: the database could not be read for the outbox backlog (%s)", type(exc).__name__
            )
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "trivsel_outbox_backlog_events", "Outbox events not yet handed to the webhooks", value=events
        )
        age = 0.0
        if oldest_age is not None:
            age = max(0.0, _seconds_between(oldest_age, now))
        yield GaugeMetricFamily(
            "trivsel_outbox_oldest_event_age_seconds",
            "Age of the oldest event still in the outbox",
            value=age,
        )
        yield GaugeMetricFamily(
            "trivsel_webhook_deliveries_pending",
            "Webhook deliveries waiting for (another) attempt",
            value=pending,
        )


def _seconds_between(earlier: Any, later: Any) -> float:
    from datetime import UTC, datetime

    def aware(value: Any) -> datetime:
        if isinstance(value, str):  # SQLite answers text
            value = datetime.fromisoformat(value)
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    return (aware(later) - aware(earlier)).total_seconds()


def start_master_server(*, port: int, host: str, database_url: str | None) -> None:
    """In gunicorn's master: serve every worker's metrics (and the outbox backlog) on host:port."""
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    if database_url:
        registry.register(BacklogCollector(database_url))
    start_http_server(port, host, registry=registry)


def mark_worker_dead(pid: int) -> None:
    """Drop a finished worker's live gauges (its counters stay counted)."""
    from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

    GunicornPrometheusMetrics.mark_process_dead_on_child_exit(pid)
