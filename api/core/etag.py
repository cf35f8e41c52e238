"""ETags of shared records, sent and checked in one place.

A record's ETag names its version. Writes need If-Match (strong comparison: 428 without it, 412 when it
is stale or only weak); a GET answers 304 to a matching If-None-Match (weak comparison, RFC 9110 13.1.2).
A compressor may append its content coding to a strong tag (flask-compress: "…:gzip"); that is the same
version. The Blueprint helper `etag` sends the header and documents all of it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from copy import deepcopy
from typing import Any

from flask import g, has_app_context, request
from flask.wrappers import Response
from flask_smorest.utils import unpack_tuple_response
from werkzeug.datastructures import ETags
from werkzeug.http import parse_etags

from api.errors import PreconditionFailed, PreconditionRequired

_WRITE_METHODS = {"PUT", "PATCH", "DELETE"}
_READ_METHODS = {"GET", "HEAD"}
_CODINGS = {"gzip", "x-gzip", "br", "zstd", "deflate", "compress"}

ETAG_HEADER_DOC = {
    "description": "The record's version tag: send it back in If-Match to change the record, or in "
    "If-None-Match to learn whether it changed",
    "schema": {"type": "string"},
}
IF_MATCH_PARAM = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": "The ETag of the version you read (a weak W/ tag never matches for a write)",
    "schema": {"type": "string"},
}
IF_NONE_MATCH_PARAM = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "The ETag you hold: 304 without a body when the record is still that version. The tag "
    "names the record's own version; names and permissions shown with it are as of your last full read.",
    "schema": {"type": "string"},
}
NOT_MODIFIED_DOC = {
    "description": "Not Modified: the record is still the version you named (no body; the ETag is sent)"
}


def etag_of(obj: Any) -> str:
    """The ETag of a versioned record (changes on every update)."""
    return f'"{obj.__tablename__}-{obj.id}-v{obj.version}"'


def _opaque(tag: str) -> str:
    """The tag's value without quotes or a content coding appended by a compressor."""
    tag = tag.strip().strip('"')
    base, sep, coding = tag.rpartition(":")
    return base if sep and coding.lower() in _CODINGS else tag


def _tag(record_or_tag: Any) -> str:
    return record_or_tag if isinstance(record_or_tag, str) else etag_of(record_or_tag)


# What a write's caller sent as If-Match (the route passes `if_match()`; services check it with
# `check_if_match` after their own authorisation, so a refusal (403) comes before a stale version (412)).
IfMatch = ETags


def if_match() -> IfMatch:
    """The If-Match of this request, for the service that checks it (an empty set when none was sent)."""
    return request.if_match


def check_if_match(record_or_tag: Any, sent: IfMatch | str | None) -> None:
    """Raise 428 when `sent` names no version and 412 unless it names the current one (a record, or its
    tag). HTTP-free: `sent` is the If-Match the caller sent, parsed or as the header's text."""
    if not isinstance(sent, ETags):
        sent = parse_etags(sent)
    if has_app_context():
        g._trivsel_if_match_checked = True
    if not sent.star_tag and not any(sent.as_set(include_weak=True)):
        # No header, or one that names no tag at all (e.g. ","): the client has not said what it read.
        raise PreconditionRequired(
            "Send If-Match with the ETag you read, so nobody's changes are overwritten."
        )
    if sent.star_tag:
        return
    strong = {_opaque(t) for t in sent.as_set() if t}
    if _opaque(_tag(record_or_tag)) in strong:
        return
    if not strong and any(sent.as_set(include_weak=True)):
        raise PreconditionFailed(
            "If-Match holds only weak ETags (W/…), and a weak ETag never matches for a write. "
            "Send the ETag exactly as you read it."
        )
    raise PreconditionFailed(
        "Someone else changed this record since you read it. Reload it and apply your change again."
    )


def set_etag(record_or_tag: Any) -> None:
    """Name the record (or tag) this response's ETag stands for, when the view returns another shape."""
    g._trivsel_etag = _tag(record_or_tag)


def _not_modified(tag: str) -> bool:
    if request.method not in _READ_METHODS or not request.headers.get("If-None-Match"):
        return False
    sent = request.if_none_match
    return sent.star_tag or _opaque(tag) in {_opaque(t) for t in sent.as_set(include_weak=True) if t}


def _versioned(obj: Any) -> bool:
    return hasattr(obj, "__tablename__") and hasattr(obj, "version") and hasattr(obj, "id")


class EtagBlueprintMixin:
    """The Blueprint helper for ETags (our version of flask-smorest's etag feature)."""

    def etag(self, view: Callable[..., Any] | None = None, *, if_match: bool | str | None = None) -> Any:
        """Send the record's ETag (304 to a matching If-None-Match on GET) and document it; on a write that
        takes If-Match, document it with 412/428 and make sure the view checked it. Place it directly above
        the view, below @blp.response. If-Match is required on PUT/PATCH/DELETE unless `if_match` says
        otherwise: True or False, or a description of when it is needed (optional in the spec)."""

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            method = func.__name__.upper()
            needs = if_match if if_match is not None else method in _WRITE_METHODS

            @functools.wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                g.pop("_trivsel_etag", None)
                g.pop("_trivsel_if_match_checked", None)
                body, status, headers = unpack_tuple_response(func(*args, **kwargs))
                code = status or 200
                if needs is True and code < 300 and not g.get("_trivsel_if_match_checked"):
                    raise RuntimeError(f"{request.endpoint} takes If-Match but did not check it")
                tag = g.pop("_trivsel_etag", None) or (etag_of(body) if _versioned(body) else None)
                if code == 204 or isinstance(body, Response):
                    return body, status, headers
                if tag is None:
                    raise RuntimeError(f"{request.endpoint} returned no record to take its ETag from")
                if _not_modified(tag):
                    resp = Response(status=304)
                    resp.headers["ETag"] = tag
                    del resp.headers["Content-Type"]
                    return resp
                return body, status, {**dict(headers or {}), "ETag": tag}

            wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))  # type: ignore[attr-defined]
            wrapper._apidoc["trivsel_etag"] = {"if_match": needs}  # type: ignore[attr-defined]
            return wrapper

        return decorator(view) if view is not None else decorator

    def _prepare_etag_doc(self, doc: dict, doc_info: dict, *, spec: Any, method: str, **_kwargs: Any) -> dict:
        """The ETag header, If-None-Match and 304 on reads, If-Match with 412/428 on writes, 409 on every
        write; and the header parameters and responses other helpers add (Idempotency-Key), so none
        replaces another."""
        parameters = list(doc_info.get("header_parameters", []))
        for code, response in doc_info.get("extra_responses", {}).items():
            doc.setdefault("responses", {}).setdefault(code, deepcopy(response))
        if method.upper() in _WRITE_METHODS | {"POST"}:
            # Any write can meet a concurrent one that wins (api.core.transactions).
            doc.setdefault("responses", {}).setdefault(409, "CONFLICT")
        info = doc_info.get("trivsel_etag")
        if info is not None:
            _register_components(spec)
            responses = doc.setdefault("responses", {})
            for code in doc_info.get("success_status_codes", []):
                if code != 204:
                    responses[code].setdefault("headers", {})["ETag"] = "ETag"
            if method.upper() in _READ_METHODS:
                parameters.append("IfNoneMatch")
                responses[304] = "NotModified"
            needs = info["if_match"]
            if isinstance(needs, str):
                parameters.append({**IF_MATCH_PARAM, "required": False, "description": needs})
            elif needs:
                parameters.append("IfMatch")
            if needs:
                responses[412] = "PRECONDITION_FAILED"
                responses[428] = "PRECONDITION_REQUIRED"
        if parameters:
            doc["parameters"] = doc.get("parameters", []) + deepcopy(parameters)
        return doc


def _register_components(spec: Any) -> None:
    """The ETag header, the If-Match and If-None-Match parameters and the 304 response, once per spec."""
    components = spec.components
    if "ETag" in components.headers:
        return
    components.header("ETag", ETAG_HEADER_DOC)
    components.parameter("IfMatch", "header", {k: v for k, v in IF_MATCH_PARAM.items() if k != "in"})
    components.parameter("IfNoneMatch", "header", {k: v for k, v in IF_NONE_MATCH_PARAM.items() if k != "in"})
    components.response("NotModified", {**NOT_MODIFIED_DOC, "headers": {"ETag": "ETag"}})


def document(
    view: Any, *, parameter: dict[str, Any] | None = None, responses: dict[int, Any] | None = None
) -> None:
    """Document a request header parameter and extra responses on a view (kept alongside every other one;
    a response the view documents itself wins)."""
    apidoc = deepcopy(getattr(view, "_apidoc", {}))
    if parameter is not None:
        apidoc["header_parameters"] = [*apidoc.get("header_parameters", []), parameter]
    if responses:
        apidoc["extra_responses"] = {**apidoc.get("extra_responses", {}), **responses}
    view._apidoc = apidoc
