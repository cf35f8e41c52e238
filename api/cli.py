"""The `trivsel` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from api.config import PROJECT_ROOT


def alembic_config(url: str | None = None):
    """Alembic configured for this app's database and migrations folder."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", (url or current_app.config["DATABASE_URL"]).replace("%", "%%"))
    return cfg


def upgrade_database(url: str | None = None) -> None:
    """Migrate the database to the newest schema."""
    from alembic import command

    from api.core.db import normalize_url

    target = normalize_url(url or current_app.config["DATABASE_URL"])
    if target.startswith("sqlite:///"):
        Path(target.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(target), "heads")


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    upgrade_database()
    click.echo("Database is up to date.")


@click.command("create-school")
@click.option("--name", required=True)
@click.option("--slug", required=True)
@with_appcontext
def create_school_cmd(name: str, slug: str) -> None:
    """Create a school (tenant)."""
    from api.core.db import db
    from api.errors import DomainError
    from api.schools.service import create_school

    try:
        school = create_school(db.session, name=name, slug=slug)
        db.session.commit()
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created school {school.name} ({school.slug}), id {school.id}.")


@click.command("create-user")
@click.option("--school", "school_slug", required=True, help="The school's slug")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(
        ["admin", "leader", "teacher", "pedagogue", "sfo_staff", "resource_person", "municipality"]
    ),
    help="municipality: reads its municipality's aggregates and nothing else (held alone; the school must "
    "belong to the municipality, see trivsel assign-school)",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input")
@with_appcontext
def create_user_cmd(
    school_slug: str, email: str, name: str, roles: tuple[str, ...], password_stdin: bool
) -> None:
    """Create a user in a school."""
    from api.core import audit
    from api.core.db import db
    from api.errors import DomainError
    from api.schools.service import get_school_by_slug
    from api.users.service import create_user_in_school

    if "municipality" in roles and len(set(roles)) > 1:
        raise click.ClickException("The municipality role is held alone.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        raise click.ClickException(
            f"The password must have at least {current_app.config['PASSWORD_MIN_LENGTH']} characters."
        )
    school = get_school_by_slug(db.session, school_slug)
    if school is None:
        raise click.ClickException(f"No school with slug {school_slug!r}.")
    try:
        user = create_user_in_school(
            db.session, school_id=school.id, email=email, name=name, roles=list(roles), password=password
        )
        audit.flush_pending(db.session)
        db.session.commit()
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created user {user.email} with roles {', '.join(user.roles)}.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no school yet")
@with_appcontext
def demo_cmd(if_empty: bool) -> None:
    """Load the demo school "Vestrup Skole" (if not there yet) and print its logins."""
    from sqlalchemy import select

    from api.config import ConfigError
    from api.core import audit
    from api.core.db import db
    from api.demo import DEMO_PASSWORD, DEMO_USERS, ensure_demo_allowed, load_demo
    from api.schools.models import School

    try:
        ensure_demo_allowed()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    if if_empty and db.session.scalar(select(School.id).limit(1)) is not None:
        click.echo("The database holds schools already; no demo data loaded.")
        return
    logins = load_demo(db.session)
    audit.flush_pending(db.session)
    db.session.commit()
    if logins is None:
        click.echo("Demo data is there already.")
        logins = [(role, email, DEMO_PASSWORD) for role, email, _n, _r in DEMO_USERS]
    click.echo("Demo logins (Vestrup Skole):")
    for role, email, password in logins:
        click.echo(f"  {role:<16} {email:<28} {password}")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would go, change nothing")
@click.option(
    "--idempotency-days",
    default=None,
    type=click.IntRange(min=1),
    help="Keep keys this long (default: RETENTION_IDEMPOTENCY_KEYS_DAYS, 30)",
)
@with_appcontext
def purge_cmd(dry_run: bool, idempotency_days: int | None) -> None:
    """Delete what is past its retention: expired token bookkeeping, idempotency response bodies past 24
    hours and keys past their retention, dispatched events, old webhook deliveries, and the schools' cases,
    students, observations, check-ins and audit rows past their retention policy (the worker runs this
    hourly; without a worker, run it from cron)."""
    from datetime import timedelta

    from api.core.db import db
    from api.core.timeutil import utcnow
    from api.jobs.schedule import purge

    keep = timedelta(days=idempotency_days) if idempotency_days else None
    counts = purge(db.session, utcnow(), idempotency_keep=keep)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "Would purge" if dry_run else "Purged"
    labels = {"idempotency_bodies": "idempotency response bodies"}
    parts = [f"{n} {labels.get(what, what.replace('_', ' '))}" for what, n in counts.items()]
    click.echo(f"{verb}: {', '.join(parts)}.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_cmd(host: str, port: int) -> None:
    """Serve the app (development server; use gunicorn in production)."""
    from werkzeug.serving import run_simple

    # app.run() refuses to start inside a `flask`-style CLI command, so serve with werkzeug directly.
    click.echo(f"Trivsel on http://{host}:{port}/ (API docs at /api/docs)")
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


def spec_json(app: Flask) -> str:
    """The OpenAPI document as the committed file holds it."""
    with app.app_context():
        spec = app.extensions["trivsel_api"].spec.to_dict()
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@click.command("openapi")
@click.option("--output", "-o", default=str(PROJECT_ROOT / "openapi" / "openapi.json"), show_default=True)
def openapi_cmd(output: str) -> None:
    """Write the OpenAPI spec to a file ('-' for standard output)."""
    from api import create_app

    text = spec_json(create_app({"TESTING": True, "DATABASE_URL": "sqlite://"}))
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text)
        click.echo(f"Wrote {output}")


def register(app: Flask) -> None:
    """Attach the commands (and each domain's `commands.py` list `COMMANDS`) to the app's CLI."""
    from api import discovery

    for command in (
        db_group,
        create_school_cmd,
        create_user_cmd,
        demo_cmd,
        purge_cmd,
        serve_cmd,
        openapi_cmd,
    ):
        app.cli.add_command(command)
    for module in discovery.domain_modules("commands"):
        for command in getattr(module, "COMMANDS", []):
            app.cli.add_command(command)


def main() -> None:
    """Entry point of the `trivsel` console script."""
    from api import create_app

    cli = FlaskGroup(
        create_app=create_app,
        add_default_commands=True,
        add_version_option=False,
        load_dotenv=False,
        help="Trivsel: anti-bullying and wellbeing for schools.",
    )
    cli.main(prog_name="trivsel")


if __name__ == "__main__":
    main()
