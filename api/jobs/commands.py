"""The `trivsel worker` command."""

from __future__ import annotations

import os
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option(
    "--concurrency",
    default=lambda: int(os.environ.get("WORKER_CONCURRENCY", 8)),
    type=click.IntRange(1, 64),
    show_default="8 (WORKER_CONCURRENCY)",
    help="Deliveries attempted at once",
)
@click.option("--poll-interval", default=1.0, type=click.FloatRange(0.01, 60), show_default=True)
@click.option(
    "--lease-seconds",
    default=60,
    type=click.IntRange(1, 3600),
    show_default=True,
    help="How long a claim holds; a killed worker's work is retried after it",
)
@click.option("--no-jobs", is_flag=True, help="Deliver webhooks only; leave the scheduled jobs to others")
@click.option("--once", is_flag=True, help="Do what is due now, then exit")
@with_appcontext
def worker_cmd(concurrency: int, poll_interval: float, lease_seconds: int, no_jobs: bool, once: bool) -> None:
    """Deliver webhooks from the outbox and run the scheduled jobs (reminders, purges)."""
    from api.jobs.worker import Options, Worker

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["DATABASE_URL"].startswith("sqlite"):
        click.echo("SQLite: run one worker only (PostgreSQL allows several).", err=True)
    worker = Worker(
        app,
        Options(
            concurrency=concurrency,
            poll_interval=poll_interval,
            lease=timedelta(seconds=lease_seconds),
            run_jobs=not no_jobs,
        ),
    )
    if once:
        click.echo(f"Attempted {worker.run_once()} deliveries.")
        return
    worker.run()


COMMANDS = [worker_cmd]
