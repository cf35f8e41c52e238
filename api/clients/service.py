"""API clients (HTTP-free): register, change, rotate the secret, revoke, delete; a school admin's work."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.auth.passwords import hash_password
from api.auth.scopes import SCOPES
from api.clients import permissions
from api.clients.models import ApiClient, ApiClientToken
from api.core import audit
from api.core.etag import IfMatch, check_if_match
from api.core.pagination import paginate
from api.core.scoping import get_in_school
from api.core.timeutil import utcnow
from api.errors import Conflict, InvalidInput
from api.incidents.service import reports_by_client
from api.schools.service import existing_school_ids

MAX_CLIENTS_PER_SCHOOL = 50
MAX_LIFETIME = timedelta(days=2 * 366)
MAX_GRACE_HOURS = 7 * 24


def _new_secret() -> str:
    return "trvs_" + secrets.token_urlsafe(32)


def _audit(action: str, client: ApiClient, **detail: Any) -> None:
    audit.record(action, resource_type="api_client", resource_id=client.id, detail=detail or None)


def _checked_scopes(scopes: list[str]) -> list[str]:
    wanted = list(dict.fromkeys(scopes))
    if not wanted or any(s not in SCOPES for s in wanted):
        raise InvalidInput(
            "Choose one or more known scopes.", errors={"scopes": [f"must be among {', '.join(SCOPES)}"]}
        )
    return wanted


def _checked_schools(session: Session, caller: Any, school_ids: list[int] | None) -> list[int]:
    wanted = list(dict.fromkeys(school_ids or [caller.school_id]))
    if wanted == [caller.school_id]:
        return wanted
    if not current_app.config.get("API_CLIENTS_ACROSS_SCHOOLS"):
        raise InvalidInput(
            "A client reads only your school in this deployment.",
            errors={"school_ids": ["only your own school"]},
        )
    known = existing_school_ids(session, school_ids=wanted)
    if set(wanted) - known:
        raise InvalidInput("Some of these schools do not exist.", errors={"school_ids": ["unknown school"]})
    return wanted


def _checked_expiry(expires_at: datetime, now: datetime) -> datetime:
    if expires_at <= now:
        raise InvalidInput("The expiry must be in the future.", errors={"expires_at": ["in the past"]})
    if expires_at > now + MAX_LIFETIME:
        raise InvalidInput("A client lives at most 2 years.", errors={"expires_at": ["more than 2 years"]})
    return expires_at


def list_clients(session: Session, *, caller: Any, page: int = 1, page_size: int = 25) -> dict:
    """The clients the admin's school registered, newest first."""
    permissions.ensure_can_manage(caller)
    stmt = (
        select(ApiClient)
        .where(ApiClient.school_id == caller.school_id)
        .order_by(ApiClient.created_at.desc(), ApiClient.id.desc())
    )
    return paginate(session, stmt, page=page, page_size=page_size)


def get_client(session: Session, *, caller: Any, client_id: int, for_update: bool = False) -> ApiClient:
    """One of the school's clients (another school's is 404)."""
    permissions.ensure_can_manage(caller)
    return get_in_school(
        session, ApiClient, client_id, school_id=caller.school_id, what="API client", for_update=for_update
    )


def create_client(
    session: Session,
    *,
    caller: Any,
    name: str,
    scopes: list[str],
    expires_at: datetime,
    school_ids: list[int] | None = None,
) -> ApiClient:
    """Register a client; its secret is on the returned object's `client_secret`, shown this once."""
    permissions.ensure_can_manage(caller)
    count = session.scalar(
        select(func.count()).select_from(ApiClient).where(ApiClient.school_id == caller.school_id)
    )
    if (count or 0) >= MAX_CLIENTS_PER_SCHOOL:
        raise Conflict(f"A school can have at most {MAX_CLIENTS_PER_SCHOOL} API clients.")
    secret = _new_secret()
    client = ApiClient(
        school_id=caller.school_id,
        client_id="trvc_" + secrets.token_urlsafe(12),
        name=name.strip(),
        scopes=_checked_scopes(scopes),
        school_ids=_checked_schools(session, caller, school_ids),
        secret_hash=hash_password(secret),
        expires_at=_checked_expiry(expires_at, utcnow()),
        created_by_id=caller.id,
    )
    session.add(client)
    session.flush()
    client.client_secret = secret  # type: ignore[attr-defined]
    _audit("api_client_created", client, scopes=client.scopes, school_ids=client.school_ids)
    return client


def update_client(
    session: Session,
    *,
    caller: Any,
    client_id: int,
    if_match: IfMatch | str | None = None,
    name: str | None = None,
    scopes: list[str] | None = None,
    school_ids: list[int] | None = None,
    expires_at: datetime | None = None,
) -> ApiClient:
    """Change a client; scopes and schools taken away stop working at once (tokens re-read the client).
    `if_match` is checked once the caller may change it (None: an internal caller, not checked)."""
    client = get_client(session, caller=caller, client_id=client_id, for_update=True)
    if if_match is not None:
        check_if_match(client, if_match)
    fields = []
    if name is not None:
        client.name = name.strip()
        fields.append("name")
    if scopes is not None:
        client.scopes = _checked_scopes(scopes)
        fields.append("scopes")
    if school_ids is not None:
        client.school_ids = _checked_schools(session, caller, school_ids)
        fields.append("school_ids")
    if expires_at is not None:
        client.expires_at = _checked_expiry(expires_at, utcnow())
        fields.append("expires_at")
    session.flush()
    _audit("api_client_updated", client, fields=fields)
    return client


def rotate_secret(
    session: Session, *, caller: Any, client_id: int, grace_hours: int = 24, now: datetime | None = None
) -> ApiClient:
    """A new secret at once; the old one works too for `grace_hours` (0: not at all), so the integration can
    switch without an outage. Tokens already issued live out their short life."""
    if not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise InvalidInput(
            f"The grace period is 0-{MAX_GRACE_HOURS} hours.", errors={"grace_hours": ["out of range"]}
        )
    client = get_client(session, caller=caller, client_id=client_id, for_update=True)
    if client.revoked_at is not None:
        raise Conflict("The client is revoked; register a new one.")
    now = now or utcnow()
    secret = _new_secret()
    client.previous_secret_hash = client.secret_hash if grace_hours else None
    client.previous_secret_expires_at = now + timedelta(hours=grace_hours) if grace_hours else None
    client.secret_hash = hash_password(secret)
    session.flush()
    client.client_secret = secret  # type: ignore[attr-defined]
    _audit("api_client_secret_rotated", client, grace_hours=grace_hours)
    return client


def revoke_client(session: Session, *, caller: Any, client_id: int) -> ApiClient:
    """Revoke a client: its secrets and every token it holds stop working at once (each request reads the
    client's state; the tokens are kept until they expire so its callers are told why)."""
    client = get_client(session, caller=caller, client_id=client_id, for_update=True)
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        client.previous_secret_hash = None
        client.previous_secret_expires_at = None
        session.flush()
        _audit("api_client_revoked", client)
    return client


def delete_client(session: Session, *, caller: Any, client_id: int) -> None:
    """Remove a client and its tokens (its audit rows stay, naming its id); 409 while incidents it reported
    name it (revocation stops it just as well)."""
    client = get_client(session, caller=caller, client_id=client_id, for_update=True)
    if reports_by_client(session, client_pk=client.id):
        raise Conflict(
            "This client reported incidents, which name it as their reporter: revoke it instead.",
            errors={"client": ["has reported incidents"]},
        )
    _audit("api_client_deleted", client, name=client.name)
    session.execute(delete(ApiClientToken).where(ApiClientToken.client_pk == client.id))
    session.delete(client)
    session.flush()


def purge_expired_tokens(session: Session, *, now: datetime | None = None) -> int:
    """Delete tokens past their expiry; returns how many went."""
    result = session.execute(delete(ApiClientToken).where(ApiClientToken.expires_at < (now or utcnow())))
    return result.rowcount or 0
