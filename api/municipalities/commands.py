"""Command line: `trivsel create-municipality`, `trivsel assign-school` (the deployment's setup)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.errors import DomainError


@click.command("create-municipality")
@click.option("--name", required=True)
@click.option("--slug", required=True)
@with_appcontext
def create_municipality_cmd(name: str, slug: str) -> None:
    """Create a municipality that schools can be grouped into."""
    from api.core import audit
    from api.core.db import db
    from api.municipalities.service import create_municipality

    try:
        municipality = create_municipality(db.session, name=name, slug=slug)
        audit.flush_pending(db.session)
        db.session.commit()
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created municipality {municipality.name} ({municipality.slug}), id {municipality.id}.")


@click.command("assign-school")
@click.option("--municipality", "municipality_slug", help="The municipality's slug")
@click.option("--school", "school_slug", required=True, help="The school's slug")
@click.option("--remove", is_flag=True, help="Take the school out of its municipality")
@with_appcontext
def assign_school_cmd(municipality_slug: str | None, school_slug: str, remove: bool) -> None:
    """Put a school in a municipality (or take it out with --remove)."""
    from api.core import audit
    from api.core.db import db
    from api.municipalities.service import assign_school, by_slug
    from api.schools.service import get_school_by_slug

    school = get_school_by_slug(db.session, school_slug)
    if school is None:
        raise click.ClickException(f"No school with slug {school_slug!r}.")
    if remove == bool(municipality_slug):
        raise click.ClickException("Give either --municipality or --remove.")
    municipality = None
    if municipality_slug:
        municipality = by_slug(db.session, municipality_slug)
        if municipality is None:
            raise click.ClickException(f"No municipality with slug {municipality_slug!r}.")
    assign_school(db.session, municipality=municipality, school=school)
    audit.flush_pending(db.session)
    db.session.commit()
    where = f"municipality {municipality.name}" if municipality else "no municipality"
    click.echo(f"School {school.name} now belongs to {where}.")


COMMANDS = [create_municipality_cmd, assign_school_cmd]
