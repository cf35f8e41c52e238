"""Identity providers, links and sign-in: who may sign in with which external id, decided by Trivsel alone.

A person signs in only when an admin created their user and linked the provider's id for them (by hand, or by
allowing a first sign-in whose verified e-mail matches an active user of the school). Roles always come from
Trivsel. Every refusal is audited and named by a stable reason the sign-in page shows in Danish.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.auth.service import ONE_FACTOR, TWO_FACTOR
from api.core import audit
from api.core.db import MAX_ID
from api.core.etag import IfMatch, check_if_match
from api.core.pagination import paginate
from api.core.timeutil import utcnow
from api.errors import Conflict, DomainError, Forbidden, NotFound
from api.sso import permissions, secrets
from api.sso.models import ExternalIdentity, IdentityProvider, ProviderSession
from api.users import service as users

# The settings each preset starts from; an admin may override any of them.
PRESETS: dict[str, dict[str, Any]] = {
    # STIL's broker (Keycloak): `uniid` is the person, `aktoer_gruppe` says staff or pupil, `unilogin_loa` the
    # level of assurance. It sends no name, e-mail, institution or class.
    "unilogin": {
        "scopes": "openid",
        "subject_claim": "uniid",
        "email_claim": "email",
        "staff_claim": "aktoer_gruppe",
        "staff_values": ["Medarbejder"],
        "loa_claim": "unilogin_loa",
        "two_factor_values": ["ToFaktor"],
        "step_up_acr_values": None,
    },
    # Entra ID, AD FS or any OpenID provider: `sub` (Entra: `oid` is the same for every app of the tenant);
    # two factors when `amr` holds mfa (Entra) or AD FS's multipleauthn.
    "oidc": {
        "scopes": "openid email profile",
        "subject_claim": "sub",
        "email_claim": "email",
        "staff_claim": None,
        "staff_values": [],
        "loa_claim": "amr",
        "two_factor_values": ["mfa", "http://schemas.microsoft.com/claims/multipleauthn"],
        "step_up_acr_values": None,
    },
}
SETTINGS = (
    "name",
    "issuer",
    "client_id",
    "scopes",
    "subject_claim",
    "email_claim",
    "staff_claim",
    "staff_values",
    "loa_claim",
    "two_factor_values",
    "step_up_acr_values",
    "allow_email_linking",
    "enabled",
)
# The reasons a sign-in is refused; the sign-in page shows each in Danish.
REFUSALS = (
    "unknown_subject",
    "pupil",
    "not_staff",
    "deactivated",
    "wrong_school",
    "provider_error",
    "token_invalid",
)


class SignInRefused(DomainError):
    """A sign-in Trivsel will not accept, with the reason the page names."""

    status = 403
    type = "forbidden"

    def __init__(self, reason: str, *, user: Any = None) -> None:
        super().__init__(f"Sign-in refused: {reason}")
        self.reason = reason
        self.user = user


def _get(session: Session, model: Any, row_id: int) -> Any:
    """A row by id; an id no database column can hold is simply not there (never a database error)."""
    return session.get(model, row_id) if 0 < row_id <= MAX_ID else None


def _visible(caller: Any) -> Any:
    return or_(IdentityProvider.school_id.is_(None), IdentityProvider.school_id == caller.school_id)


def list_providers(session: Session, *, caller: Any, page: int, page_size: int) -> dict[str, Any]:
    """The providers the admin's school can use: its own and the deployment's."""
    permissions.ensure_can_manage(caller)
    stmt = (
        select(IdentityProvider).where(_visible(caller)).order_by(IdentityProvider.name, IdentityProvider.id)
    )
    return paginate(session, stmt, page=page, page_size=page_size)


def get_provider(session: Session, *, caller: Any, provider_id: int) -> IdentityProvider:
    """A provider the admin's school can use; another school's is 404."""
    permissions.ensure_can_manage(caller)
    provider = _get(session, IdentityProvider, provider_id)
    if provider is None or provider.school_id not in (None, caller.school_id):
        raise NotFound("Identity provider not found.")
    return provider


def create_provider(
    session: Session, *, caller: Any, preset: str, client_secret: str, **settings: Any
) -> IdentityProvider:
    """An admin sets up a provider for the school, starting from a preset."""
    permissions.ensure_can_manage(caller)
    values = {
        **PRESETS[preset],
        **{k: v for k, v in settings.items() if v is not None or k in PRESETS[preset]},
    }
    values = {k: v for k, v in values.items() if k in SETTINGS}
    provider = IdentityProvider(
        school_id=caller.school_id,
        preset=preset,
        client_secret_encrypted=secrets.seal(client_secret),
        **values,
    )
    session.add(provider)
    session.flush()
    audit.record("sso_provider_created", resource_type="sso_provider", resource_id=provider.id)
    return provider


def create_deployment_provider(session: Session, *, preset: str, client_secret: str, **settings: Any) -> Any:
    """A provider for every school of the deployment (the operator's command line, not a school's admin)."""
    values = {**PRESETS[preset], **{k: v for k, v in settings.items() if v is not None}}
    provider = IdentityProvider(
        school_id=None,
        preset=preset,
        client_secret_encrypted=secrets.seal(client_secret),
        **{k: v for k, v in values.items() if k in SETTINGS},
    )
    session.add(provider)
    session.flush()
    return provider


def _own(caller: Any, provider: IdentityProvider) -> None:
    if provider.school_id is None:
        raise Forbidden("This provider serves the whole deployment; its operator changes it.")


def update_provider(
    session: Session,
    *,
    caller: Any,
    provider: IdentityProvider,
    changes: dict[str, Any],
    if_match: IfMatch | str | None = None,
) -> IdentityProvider:
    """Change a provider's settings; a new secret replaces the old one (it is never shown). `if_match` is
    checked once the caller may change it (None: an internal caller, not checked)."""
    _own(caller, provider)
    if if_match is not None:
        check_if_match(provider, if_match)
    secret = changes.pop("client_secret", None)
    if secret is not None:
        provider.client_secret_encrypted = secrets.seal(secret)
    for key, value in changes.items():
        if key in SETTINGS:
            setattr(provider, key, value)
    provider.updated_at = utcnow()
    audit.record(
        "sso_provider_updated",
        resource_type="sso_provider",
        resource_id=provider.id,
        detail={"fields": sorted([*changes, *(["client_secret"] if secret else [])])},
    )
    session.flush()
    return provider


def delete_provider(session: Session, *, caller: Any, provider: IdentityProvider) -> None:
    """Remove a provider and its links; nobody signs in with it any more."""
    _own(caller, provider)
    audit.record("sso_provider_deleted", resource_type="sso_provider", resource_id=provider.id)
    session.delete(provider)
    session.flush()


def sign_in_providers(session: Session) -> list[IdentityProvider]:
    """The enabled providers, for the login screen's buttons (names only)."""
    stmt = select(IdentityProvider).where(IdentityProvider.enabled.is_(True))
    return list(session.scalars(stmt.order_by(IdentityProvider.name, IdentityProvider.id)))


def enabled_provider(session: Session, *, provider_id: int) -> IdentityProvider:
    """An enabled provider to sign in with, or 404."""
    provider = _get(session, IdentityProvider, provider_id)
    if provider is None or not provider.enabled:
        raise NotFound("Identity provider not found.")
    return provider


def client_secret(provider: IdentityProvider) -> str | None:
    """The provider's client secret for the token request (None if it must be entered again)."""
    return secrets.unseal(provider.client_secret_encrypted)


# Links


def list_links(
    session: Session, *, caller: Any, page: int, page_size: int, user_id: int | None = None
) -> dict[str, Any]:
    """The school's links of external ids to users."""
    permissions.ensure_can_manage(caller, action="link sign-in identities")
    stmt = select(ExternalIdentity).where(ExternalIdentity.school_id == caller.school_id)
    if user_id is not None:
        stmt = stmt.where(ExternalIdentity.user_id == user_id)
    return paginate(session, stmt.order_by(ExternalIdentity.id), page=page, page_size=page_size)


def create_link(
    session: Session, *, caller: Any, provider_id: int, user_id: int, subject: str
) -> ExternalIdentity:
    """An admin links a person's id at a provider (a Unilogin `uniid`, say) to a user of the school."""
    provider = get_provider(session, caller=caller, provider_id=provider_id)
    user = users.get_user(session, caller=caller, user_id=user_id)
    subject = subject.strip()
    taken = session.scalar(
        select(ExternalIdentity).where(
            ExternalIdentity.provider_id == provider.id,
            or_(ExternalIdentity.subject == subject, ExternalIdentity.user_id == user.id),
        )
    )
    if taken is not None:
        field = "subject" if taken.subject == subject else "user_id"
        raise Conflict(
            "This id or this user is linked at this provider already.",
            errors={field: ["already linked"]},
            type="duplicate",
        )
    link = ExternalIdentity(
        provider_id=provider.id, subject=subject, user_id=user.id, school_id=user.school_id, linked_by="admin"
    )
    session.add(link)
    session.flush()
    audit.record(
        "sso_link_created",
        resource_type="sso_identity",
        resource_id=link.id,
        detail={"user_id": user.id, "provider_id": provider.id},
    )
    return link


def get_link(session: Session, *, caller: Any, link_id: int) -> ExternalIdentity:
    """A link of the admin's school; another school's is 404."""
    permissions.ensure_can_manage(caller, action="link sign-in identities")
    link = _get(session, ExternalIdentity, link_id)
    if link is None or link.school_id != caller.school_id:
        raise NotFound("Link not found.")
    return link


def delete_link(session: Session, *, caller: Any, link: ExternalIdentity) -> None:
    """Unlink: the person no longer signs in with that id (their current sessions end as well)."""
    from api.auth.service import end_sessions

    audit.record(
        "sso_link_deleted",
        resource_type="sso_identity",
        resource_id=link.id,
        detail={"user_id": link.user_id, "provider_id": link.provider_id},
    )
    end_sessions(session, user_id=link.user_id, reason="sso_unlinked", keep=None)
    session.delete(link)
    session.flush()


def ensure_sso_ready(session: Session, *, caller: Any) -> None:
    """409 unless the acting admin can sign in with an enabled provider (so switching passwords off locks
    nobody out who could switch them on again)."""
    linked = session.scalar(
        select(ExternalIdentity.id)
        .join(IdentityProvider, IdentityProvider.id == ExternalIdentity.provider_id)
        .where(ExternalIdentity.user_id == caller.id, IdentityProvider.enabled.is_(True))
        .limit(1)
    )
    if linked is None:
        raise Conflict(
            "Link your own user to an enabled identity provider and sign in with it before password login is "
            "switched off.",
            errors={"password_login": ["no single sign-on for you yet"]},
        )


# Sign-in


def _claim(claims: dict[str, Any], name: str | None) -> Any:
    return claims.get(name) if name else None


def assurance(provider: IdentityProvider, claims: dict[str, Any]) -> int:
    """Two factors when the provider's assurance claim (a string or a list, like `amr`) names one of the
    provider's two-factor values; otherwise one."""
    value = _claim(claims, provider.loa_claim)
    values = value if isinstance(value, list) else [value]
    wanted = set(provider.two_factor_values or [])
    return TWO_FACTOR if any(isinstance(v, str) and v in wanted for v in values) else ONE_FACTOR


def _refuse(reason: str, provider: IdentityProvider, *, user: Any = None, detail: dict | None = None) -> Any:
    audit.record(
        "sso_refused",
        resource_type="sso_provider",
        resource_id=provider.id,
        outcome=audit.DENIED,
        user=user,
        school_id=user.school_id if user is not None else provider.school_id,
        detail={"reason": reason, **(detail or {})},
    )
    return SignInRefused(reason, user=user)


def refuse(provider: IdentityProvider, reason: str, *, detail: dict | None = None) -> SignInRefused:
    """Audit a refusal the protocol decided (a forged or broken token, the provider's own error)."""
    return _refuse(reason, provider, detail=detail)


def resolve_sign_in(
    session: Session, *, provider: IdentityProvider, claims: dict[str, Any]
) -> tuple[Any, int]:
    """The user these verified ID-token claims sign in, and the login's assurance; SignInRefused otherwise."""
    if claims.get("aktoer_gruppe") == "Elev":
        # A Unilogin pupil never gets in, whatever the provider's settings say (even with the staff check off).
        raise _refuse("pupil", provider, detail={"group": "Elev"})
    if provider.staff_claim:
        group = _claim(claims, provider.staff_claim)
        if group not in (provider.staff_values or []):
            # Unilogin says Elev for pupils: a child never gets into Trivsel, whatever is linked.
            reason = "pupil" if group == "Elev" else "not_staff"
            raise _refuse(reason, provider, detail={"group": group if isinstance(group, str) else None})
    subject = _claim(claims, provider.subject_claim)
    if not isinstance(subject, str) or not subject:
        raise _refuse("token_invalid", provider, detail={"missing_claim": provider.subject_claim})
    link = session.scalar(
        select(ExternalIdentity).where(
            ExternalIdentity.provider_id == provider.id, ExternalIdentity.subject == subject
        )
    )
    user = users.user_by_id(session, user_id=link.user_id) if link is not None else None
    if link is None:
        user = _link_by_email(session, provider=provider, claims=claims, subject=subject)
        if user is None:
            raise _refuse("unknown_subject", provider)
        link = session.scalar(
            select(ExternalIdentity).where(
                ExternalIdentity.provider_id == provider.id, ExternalIdentity.subject == subject
            )
        )
    if user is None:
        raise _refuse("unknown_subject", provider)
    if provider.school_id is not None and user.school_id != provider.school_id:
        raise _refuse("wrong_school", provider, user=user)
    if not user.active:
        raise _refuse("deactivated", provider, user=user)
    loa = assurance(provider, claims)
    user.last_login_at = link.last_sign_in_at = utcnow()
    audit.record(
        "login",
        resource_type="user",
        resource_id=user.id,
        user=user,
        detail={"method": "sso", "provider_id": provider.id, "loa": loa},
    )
    return user, loa


def _link_by_email(
    session: Session, *, provider: IdentityProvider, claims: dict[str, Any], subject: str
) -> Any:
    """When the admin allowed it for this provider: the active user whose e-mail the provider verified, linked
    now (only if that user has no link at this provider yet)."""
    email = _claim(claims, provider.email_claim)
    if (
        not provider.allow_email_linking
        or claims.get("email_verified") is not True
        or not isinstance(email, str)
    ):
        return None
    user = users.active_user_by_email(session, email=email, school_id=provider.school_id)
    if user is None:
        return None
    has_link = session.scalar(
        select(ExternalIdentity.id).where(
            ExternalIdentity.provider_id == provider.id, ExternalIdentity.user_id == user.id
        )
    )
    if has_link is not None:
        return None
    link = ExternalIdentity(
        provider_id=provider.id, subject=subject, user_id=user.id, school_id=user.school_id, linked_by="email"
    )
    session.add(link)
    session.flush()
    audit.record(
        "sso_link_created",
        resource_type="sso_identity",
        resource_id=link.id,
        user=user,
        detail={"user_id": user.id, "provider_id": provider.id, "by": "verified_email"},
    )
    return user


def record_provider_session(
    session: Session, *, family_id: str, provider: IdentityProvider, id_token: str
) -> None:
    """Keep the ID token of this login, to end the provider's session on logout."""
    session.add(ProviderSession(family_id=family_id, provider_id=provider.id, id_token=id_token))
    session.flush()


def take_provider_session(session: Session, *, family_id: str | None) -> tuple[IdentityProvider, str] | None:
    """The provider and ID token behind a login, forgotten as they are handed out (logout)."""
    if not family_id:
        return None
    row = session.get(ProviderSession, family_id)
    if row is None:
        return None
    provider = session.get(IdentityProvider, row.provider_id)
    id_token = row.id_token
    session.delete(row)
    session.flush()
    return (provider, id_token) if provider is not None else None
