"""The OpenID Connect client: Authlib's Flask client, one per provider and settings version, kept for the
process (so discovery and the JWKS are fetched once, and again when the provider rotates its keys)."""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import current_app

from api.errors import DomainError
from api.sso import service
from api.sso.models import IdentityProvider

WELL_KNOWN = "/.well-known/openid-configuration"


class ProviderUnavailable(DomainError):
    """The provider cannot be used: its discovery failed, or its secret must be entered again."""

    status = 503
    type = "service_unavailable"


def _registry() -> OAuth:
    oauth = current_app.extensions.get("trivsel_sso_registry")
    if oauth is None:
        # One registry per app; its clients are registered from the database, not from app.config.
        oauth = OAuth(current_app._get_current_object())  # type: ignore[attr-defined]
        current_app.extensions["trivsel_sso_registry"] = oauth
    return oauth


def oauth_client(provider: IdentityProvider) -> Any:
    """Authlib's client for this provider: code flow with PKCE (S256), state and nonce; the ID token checked
    against the discovered JWKS, issuer and client id (audience)."""
    oauth = _registry()
    name = f"idp{provider.id}v{provider.version}"
    client = oauth.create_client(name)
    if client is not None:
        return client
    secret = service.client_secret(provider)
    if secret is None:
        raise ProviderUnavailable("The provider's client secret must be entered again (SECRET_KEY changed).")
    oauth.register(
        name,
        client_id=provider.client_id,
        client_secret=secret,
        server_metadata_url=provider.issuer.rstrip("/") + WELL_KNOWN,
        client_kwargs={
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "default_timeout": current_app.config["SSO_HTTP_TIMEOUT_SECONDS"],
        },
    )
    return oauth.create_client(name)


def checked_metadata(client: Any, provider: IdentityProvider) -> dict[str, Any]:
    """The provider's discovery document, refused unless it names the configured issuer (OpenID Connect
    Discovery 1.0 section 4.3), so a document from elsewhere cannot choose the keys that sign our ID tokens."""
    metadata = client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer.rstrip("/"):
        raise ProviderUnavailable("The provider's discovery document names another issuer.")
    return metadata


def base_url() -> str:
    """This deployment's public address: PUBLIC_BASE_URL, or the address the request came to."""
    from flask import request

    return (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


def redirect_uri(provider_id: int) -> str:
    """The redirect URI to register at the provider (exactly this)."""
    return f"{base_url()}/api/v1/auth/sso/providers/{provider_id}/callback"


def post_logout_redirect_uri() -> str:
    """Where the provider sends the browser after ending its session (register it at the provider)."""
    return f"{base_url()}/"
