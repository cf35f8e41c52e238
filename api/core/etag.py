"""Optimistic concurrency for shared records: ETags from a version column, If-Match required on updates."""

from __future__ import annotations

from typing import Any

from flask import request

from api.errors import PreconditionFailed, PreconditionRequired


def etag_of(obj: Any) -> str:
    """The ETag of a versioned record (changes on every update)."""
    return f'"{type(obj).__tablename__}-{obj.id}-v{obj.version}"'


def require_if_match(obj: Any) -> None:
    """Raise 428 without If-Match and 412 when it does not name the record's current version."""
    if not request.if_match or (not request.if_match.star_tag and not list(request.if_match)):
        raise PreconditionRequired(
            "Send If-Match with the ETag you read, so nobody's changes are overwritten."
        )
    if request.if_match.star_tag:
        return
    current = etag_of(obj).strip('"')
    if not request.if_match.contains(current) and not request.if_match.contains_weak(current):
        raise PreconditionFailed(
            "Someone else changed this record since you read it. Reload it and apply your change again."
        )


ETAG_HEADER_DOC = {
    "ETag": {"description": "Version tag; send it back in If-Match to update", "schema": {"type": "string"}}
}
IF_MATCH_PARAM = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": "The ETag of the version you read",
    "schema": {"type": "string"},
}
