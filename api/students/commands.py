"""Command line: `trivsel import-students FILE --school SLUG [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from api.errors import DomainError


def _print_report(report: dict) -> None:
    verb = "Would" if report["dry_run"] else "Did"
    click.echo(
        f"{verb} create {report['created']}, update {report['updated']}, mark {report['left']} as left; "
        f"{report['unchanged']} unchanged."
    )
    if report["classes_created"]:
        click.echo(f"New classes: {', '.join(report['classes_created'])}")
    for error in report["errors"]:
        click.echo(f"  line {error['line']}: {error['message']}", err=True)


@click.command("import-students")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school", "school_slug", required=True, help="The school's slug")
@click.option("--dry-run", is_flag=True, help="Only report what would change")
@click.option(
    "--school-year", help='School year of the classes in the file, e.g. "2026/27" (default: current)'
)
@click.option(
    "--keep-missing", is_flag=True, help="Do not mark active students missing from the file as left"
)
@with_appcontext
def import_students_cmd(
    file: Path, school_slug: str, dry_run: bool, school_year: str | None, keep_missing: bool
) -> None:
    """Import a roster CSV into a school (all rows or none; re-importing the same file changes nothing)."""
    from api.core import audit
    from api.core.db import db
    from api.schools.service import get_school_by_slug
    from api.students.roster import import_roster
    from api.students.schemas import SCHOOL_YEAR_RE
    from api.students.service import current_school_year

    session = db.session
    school = get_school_by_slug(session, school_slug)
    if school is None:
        raise click.ClickException(f"No school with slug {school_slug!r}.")
    if school_year is not None and not SCHOOL_YEAR_RE.match(school_year):
        raise click.ClickException('Write the school year as "2026/27".')
    data = file.read_bytes()
    lines = max(data.count(b"\n"), 1)
    try:
        with click.progressbar(length=lines, label="Checking and importing", show_pos=True) as bar:
            report = import_roster(
                session,
                school_id=school.id,
                data=data,
                dry_run=dry_run,
                school_year=school_year or current_school_year(),
                leave_missing=not keep_missing,
                max_bytes=current_app.config["IMPORT_MAX_BYTES"],
                progress=bar.update,
            )
            bar.update(max(0, lines - bar.pos))
    except DomainError as exc:
        session.rollback()
        for error in (exc.errors or {}).get("rows", [])[:50]:
            click.echo(f"  line {error['line']}: {error['message']}", err=True)
        raise click.ClickException(exc.message) from exc
    audit.flush_pending(session)
    session.commit()
    _print_report(report.as_dict())


COMMANDS = [import_students_cmd]
