"""Command line: `trivsel sso-provider --preset unilogin --name Unilogin --issuer URL --client-id ID`: an identity
provider for every school of the deployment (the client secret is read from SSO_CLIENT_SECRET or prompted for,
so it never lands in the shell's history)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.sso.service import PRESETS


@click.command("sso-provider")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), required=True)
@click.option("--name", required=True, help='The button\'s name: "Unilogin", "Kommunens login"')
@click.option(
    "--issuer", required=True, help="The issuer URL (its /.well-known/openid-configuration is read)"
)
@click.option("--client-id", required=True)
@click.option("--scopes", help="Default: the preset's")
@click.option(
    "--client-secret",
    envvar="SSO_CLIENT_SECRET",
    prompt=True,
    hide_input=True,
    help="Read from SSO_CLIENT_SECRET, or asked for",
)
@with_appcontext
def sso_provider_cmd(
    preset: str, name: str, issuer: str, client_id: str, scopes: str | None, client_secret: str
) -> None:
    """Add an identity provider that serves every school of this deployment; schools link their staff to it."""
    from api.core.db import db
    from api.sso.client import redirect_uri
    from api.sso.service import create_deployment_provider

    session = db.session
    provider = create_deployment_provider(
        session,
        preset=preset,
        name=name,
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
        scopes=scopes,
    )
    session.commit()
    click.echo(f"Provider {provider.id} added. Register this redirect URI at the provider (PUBLIC_BASE_URL):")
    from flask import current_app

    with current_app.test_request_context(
        base_url=current_app.config.get("PUBLIC_BASE_URL") or "http://localhost"
    ):
        click.echo(redirect_uri(provider.id))


COMMANDS = [sso_provider_cmd]
