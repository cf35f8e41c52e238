"""Deprecating an operation of /api/v1 (the versioning policy, README "Versioning"): it stays working until its
sunset, is marked `deprecated: true` in the spec, and every successful answer says so in headers a client
can act on:

- `Deprecation: @<epoch seconds>` (RFC 9745: a structured-field date, when it was deprecated);
- `Sunset: <HTTP-date>` (RFC 8594: when it may stop answering);
- `Link: <…>; rel="deprecation"` (RFC 9745) to what replaces it, when given.

The Blueprint helper `deprecated` does all of it, on one view."""

from __future__ import annotations

import functools
from collections.abc import Callable
from copy import deepcopy
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from flask.wrappers import Response
from flask_smorest.utils import unpack_tuple_response

HEADER_DOCS = {
    "Deprecation": {
        "description": "RFC 9745: this operation is deprecated since this date (a structured-field date, "
        "`@` and seconds since the epoch)",
        "schema": {"type": "string", "example": "@1767225600"},
    },
    "Sunset": {
        "description": "RFC 8594: after this time the operation may stop answering (an HTTP-date)",
        "schema": {"type": "string", "example": "Tue, 30 Jun 2027 00:00:00 GMT"},
    },
    "Link": {
        "description": 'RFC 9745: `rel="deprecation"` points at what replaces the operation',
        "schema": {"type": "string"},
    },
}


def deprecation_headers(*, since: datetime, sunset: datetime, link: str | None = None) -> dict[str, str]:
    """The headers of a deprecated operation's answers."""
    headers = {
        "Deprecation": f"@{int(since.astimezone(UTC).timestamp())}",
        "Sunset": format_datetime(sunset.astimezone(UTC), usegmt=True),
    }
    if link:
        headers["Link"] = f'<{link}>; rel="deprecation"'
    return headers


class DeprecationBlueprintMixin:
    """The Blueprint helper `deprecated(since=, sunset=, link=)`."""

    def deprecated(
        self, *, since: datetime, sunset: datetime, link: str | None = None
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Mark a view deprecated: `deprecated: true` and the headers in the spec, the headers on every
        successful answer. Place it directly above the view (below @blp.response)."""
        if since.tzinfo is None or sunset.tzinfo is None or sunset <= since:
            raise ValueError("deprecated(): aware datetimes, and the sunset after the deprecation")
        headers = deprecation_headers(since=since, sunset=sunset, link=link)

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                result = func(*args, **kwargs)
                if isinstance(result, Response):
                    result.headers.update(headers)
                    return result
                body, status, sent = unpack_tuple_response(result)
                return body, status, {**dict(sent or {}), **headers}

            wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))  # type: ignore[attr-defined]
            wrapper._apidoc["trivsel_deprecated"] = sorted(headers)  # type: ignore[attr-defined]
            return wrapper

        return decorator

    @staticmethod
    def _prepare_deprecation_doc(doc: dict, doc_info: dict, **_kwargs: Any) -> dict:
        """`deprecated: true` and the deprecation headers on each success response."""
        names = doc_info.get("trivsel_deprecated")
        if names:
            doc["deprecated"] = True
            for code in doc_info.get("success_status_codes", []):
                response = doc.get("responses", {}).get(code)
                if isinstance(response, dict):
                    response.setdefault("headers", {}).update({n: deepcopy(HEADER_DOCS[n]) for n in names})
        return doc
