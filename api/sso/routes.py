"""Single sign-on routes: the login screen's providers, the sign-in redirect and callback, logout at the
provider, and the admin's providers and links."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests
from authlib.common.errors import AuthlibBaseError
from flask import jsonify
from flask import session as browser_session
from flask.views import MethodView
from flask.wrappers import Response
from flask_jwt_extended import get_jwt, set_access_cookies, set_refresh_cookies, unset_jwt_cookies
from joserfc.errors import JoseError

from api.auth import service as auth_service
from api.core.db import db
from api.core.etag import if_match
from api.core.idempotency import idempotent
from api.core.pagination import PageQuery, page_schema
from api.core.permissions import current_user
from api.extensions import Blueprint, public
from api.sso import service
from api.sso.client import (
    ProviderUnavailable,
    checked_metadata,
    oauth_client,
    post_logout_redirect_uri,
    redirect_uri,
)
from api.sso.schemas import (
    LinkCreate,
    LinkQuery,
    LinkRead,
    LogoutRead,
    ProviderButton,
    ProviderCreate,
    ProviderRead,
    ProviderUpdate,
    SignInCallback,
    SignInStart,
)

blp = Blueprint(
    "sso",
    __name__,
    url_prefix="/api/v1",
    description="Single sign-on with OpenID Connect (Unilogin, Entra ID, AD FS): sign-in, logout, providers, links",
)

_REDIRECT = {
    "description": "Found: the browser goes on to the provider, or back to the app",
    "headers": {"Location": {"description": "Where the browser goes next", "schema": {"type": "string"}}},
}


def _redirect(location: str) -> Response:
    # No body: the browser follows Location.
    return Response(status=302, headers={"Location": location})


def _claims_options(provider: Any, issuer: str) -> dict[str, Any]:
    """What the ID token must say: our issuer and, explicitly, our client id in its audience. (Authlib's
    default checks only the issuer; the audience it leaves to `azp`, which a token for another client that
    names us as authorized party would pass.)"""
    return {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "sub": {"essential": True},
    }


def _refused(reason: str) -> Response:
    """Back to the app's sign-in page, which says in Danish why (the server builds no sentence)."""
    return _redirect(f"/?sso_error={quote(reason)}")


@blp.route("/auth/sso/providers")
class SignInProviders(MethodView):
    @public
    @blp.response(200, ProviderButton(many=True))
    @blp.doc(security=[])
    def get(self) -> Any:
        """The identity providers to offer on the login screen ("Log ind med Unilogin")"""
        return service.sign_in_providers(db.session)


@blp.route("/auth/sso/providers/<int:provider_id>/login")
class SignIn(MethodView):
    @public
    @blp.arguments(SignInStart, location="query")
    @blp.doc(security=[], responses={"302": _REDIRECT})
    @blp.errors(404)
    def get(self, args: dict[str, Any], provider_id: int) -> Response:
        """Start signing in at the provider (authorization code with PKCE, state and nonce)"""
        provider = service.enabled_provider(db.session, provider_id=provider_id)
        extra: dict[str, Any] = {}
        if args["step_up"]:
            # A fresh authentication, with the second factor where the provider takes acr_values.
            extra["prompt"] = "login"
            if provider.step_up_acr_values:
                extra["acr_values"] = provider.step_up_acr_values
        try:
            client = oauth_client(provider)
            checked_metadata(client, provider)
            found = client.create_authorization_url(redirect_uri(provider.id), **extra)
        except (ProviderUnavailable, requests.RequestException, ValueError) as exc:
            service.refuse(provider, "provider_error", detail={"error": type(exc).__name__})
            return _refused("provider_error")
        # Authlib keeps state, nonce and the PKCE verifier in the signed session cookie, with where to land.
        client.save_authorize_data(redirect_uri=redirect_uri(provider.id), next=args["next"], **found)
        return _redirect(found["url"])


@blp.route("/auth/sso/providers/<int:provider_id>/callback")
class SignInCallbackView(MethodView):
    @public
    @blp.arguments(SignInCallback, location="query")
    @blp.doc(security=[], responses={"302": _REDIRECT})
    @blp.errors(404)
    def get(self, args: dict[str, Any], provider_id: int) -> Response:
        """The provider's answer: the code is exchanged, the ID token verified, the linked user logged in"""
        session = db.session
        provider = service.enabled_provider(session, provider_id=provider_id)
        if args.get("error"):
            service.refuse(provider, "provider_error", detail={"error": args["error"][:64]})
            return _refused("provider_error")
        try:
            client = oauth_client(provider)
            issuer = checked_metadata(client, provider)["issuer"]
            state = client.framework.get_state_data(browser_session, args.get("state")) or {}
            # Exchanges the code (with the PKCE verifier), then checks the ID token: signature against the
            # JWKS, issuer, audience, expiry and the nonce of this browser's request. The state is used once.
            token = client.authorize_access_token(claims_options=_claims_options(provider, issuer))
        except (
            AuthlibBaseError,
            JoseError,
            ProviderUnavailable,
            requests.RequestException,
            ValueError,
        ) as exc:
            # The exception's class and message name the check that failed (a claim's name, never its value).
            detail = {"error": type(exc).__name__, "message": str(exc)[:200]}
            service.refuse(provider, "token_invalid", detail=detail)
            return _refused("token_invalid")
        claims = token.get("userinfo")
        if not claims:  # no ID token, or one not bound to a nonce of ours
            service.refuse(provider, "token_invalid", detail={"error": "no_id_token"})
            return _refused("token_invalid")
        try:
            user, loa = service.resolve_sign_in(session, provider=provider, claims=dict(claims))
        except service.SignInRefused as refusal:
            return _refused(refusal.reason)
        pair = auth_service.issue_tokens(session, user=user, loa=loa)
        service.record_provider_session(
            session, family_id=pair.family_id, provider=provider, id_token=token["id_token"]
        )
        # ?sso=ok tells the app it came back signed in (the cookies are httpOnly).
        resp = _redirect("/?sso=ok#" + state.get("next", "/"))
        # The same cookies as a password login: the session ends, rotates and is revoked the same way.
        set_access_cookies(resp, pair.access_token)
        set_refresh_cookies(resp, pair.refresh_token)
        return resp


@blp.route("/auth/sso/logout")
class SignOut(MethodView):
    @blp.response(200, LogoutRead)
    @blp.errors(401)
    @blp.doc(
        description="Ends this login like `POST /auth/logout` (both tokens revoked, cookies cleared). When the "
        "login came from a provider that offers RP-initiated logout, `end_session_url` is where the browser "
        "goes next to end the provider's session too; it returns to the app."
    )
    def post(self) -> Response:
        """Log out, and end the identity provider's session where it offers that"""
        session = db.session
        payload = get_jwt()
        found = service.take_provider_session(session, family_id=payload.get("fam"))
        auth_service.logout(session, user=current_user(), payload=payload)
        url = None
        if found is not None:
            provider, id_token = found
            try:
                client = oauth_client(provider)
                if checked_metadata(client, provider).get("end_session_endpoint"):
                    url = client.create_logout_url(
                        post_logout_redirect_uri=post_logout_redirect_uri(),
                        id_token_hint=id_token,
                        client_id=provider.client_id,
                    )["url"]
            except (ProviderUnavailable, requests.RequestException, ValueError):
                url = None  # our side has ended; the provider's session then ends on its own
        resp = jsonify(LogoutRead().dump({"end_session_url": url}))
        unset_jwt_cookies(resp)
        return resp


@blp.route("/sso/providers")
class Providers(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_schema(ProviderRead))
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> Any:
        """The school's identity providers and the deployment's (admin)"""
        return service.list_providers(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(ProviderCreate)
    @blp.response(201, ProviderRead)
    @blp.errors(401, 403)
    @blp.etag
    def post(self, data: dict[str, Any]) -> Any:
        """Set up an identity provider for the school from a preset (admin)"""
        provider = service.create_provider(db.session, caller=current_user(), **data)
        return provider, 201, {"Location": f"/api/v1/sso/providers/{provider.id}"}


@blp.route("/sso/providers/<int:provider_id>")
class ProviderById(MethodView):
    @blp.response(200, ProviderRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def get(self, provider_id: int) -> Any:
        """An identity provider's settings (never its secret)"""
        return service.get_provider(db.session, caller=current_user(), provider_id=provider_id)

    @blp.arguments(ProviderUpdate)
    @blp.response(200, ProviderRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def patch(self, data: dict[str, Any], provider_id: int) -> Any:
        """Change an identity provider (admin; send If-Match)"""
        session = db.session
        caller = current_user()
        provider = service.get_provider(session, caller=caller, provider_id=provider_id)
        return service.update_provider(
            session, caller=caller, provider=provider, changes=data, if_match=if_match()
        )

    @blp.response(204)
    @blp.errors(401, 403, 404)
    def delete(self, provider_id: int) -> None:
        """Remove an identity provider and its links (admin)"""
        session = db.session
        caller = current_user()
        provider = service.get_provider(session, caller=caller, provider_id=provider_id)
        service.delete_provider(session, caller=caller, provider=provider)


@blp.route("/sso/links")
class Links(MethodView):
    @blp.arguments(LinkQuery, location="query")
    @blp.response(200, page_schema(LinkRead))
    @blp.errors(401, 403)
    def get(self, args: dict[str, Any]) -> Any:
        """The school's links of provider ids to users (admin)"""
        return service.list_links(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(LinkCreate)
    @blp.response(201, LinkRead)
    @blp.errors(401, 403, 404, 409)
    def post(self, data: dict[str, Any]) -> Any:
        """Link a person's id at a provider (a Unilogin uniid) to a user of the school (admin)"""
        link = service.create_link(db.session, caller=current_user(), **data)
        return link, 201, {"Location": f"/api/v1/sso/links/{link.id}"}


@blp.route("/sso/links/<int:link_id>")
class LinkById(MethodView):
    @blp.response(204)
    @blp.errors(401, 403, 404)
    def delete(self, link_id: int) -> None:
        """Unlink: the person no longer signs in with that id, and their sessions end (admin)"""
        session = db.session
        caller = current_user()
        service.delete_link(
            session, caller=caller, link=service.get_link(session, caller=caller, link_id=link_id)
        )
