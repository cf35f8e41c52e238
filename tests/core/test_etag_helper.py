"""The ETag helper itself, on views decorated the way a domain's routes do it: the tag it sends, 304 to a matching
If-None-Match on reads only, a write that forgets to check If-Match fails loudly instead of overwriting, and what
it documents in the spec (ETag header, If-None-Match and 304 on reads; If-Match with 412/428 on writes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma
import pytest
from flask import Flask
from flask.views import MethodView
from flask.wrappers import Response

from api.core.etag import check_if_match, document, etag_of, if_match, set_etag
from api.core.idempotency import idempotent
from api.errors import PreconditionFailed, PreconditionRequired
from api.extensions import Blueprint


@dataclass
class Probe:
    """A versioned record, as the helper sees one."""

    id: int = 7
    version: int = 3
    __tablename__ = "probes"


TAG = '"probes-7-v3"'


def decorated(method: str, *, returns: Any = None, check: bool = False, **etag_kwargs: Any):
    """A view named after its method (as a MethodView's are), under `blp.etag`."""

    def view() -> Any:
        if check:
            check_if_match(Probe(), if_match())
        return Probe() if returns is None else returns

    view.__name__ = method
    blp = Blueprint(f"probe_{method}", __name__)
    return blp.etag(**etag_kwargs)(view) if etag_kwargs else blp.etag(view)


@pytest.fixture
def bare() -> Flask:
    """A plain Flask app: the wrapper needs a request, not the whole API."""
    return Flask("probe")


def call(app: Flask, view, method: str = "GET", **headers: str) -> Any:
    with app.test_request_context("/probe", method=method, headers=headers):
        return view()


# --- what a read answers --------------------------------------------------------------------------------------


def test_a_read_sends_the_records_tag_beside_its_own_headers(bare):
    body, status, headers = call(bare, decorated("get", returns=(Probe(), 200, {"X-Other": "1"})))
    assert (status, headers) == (200, {"X-Other": "1", "ETag": TAG})
    assert body == Probe()
    assert etag_of(Probe()) == TAG


@pytest.mark.parametrize("sent", [TAG, f"W/{TAG}", '"probes-7-v3:gzip"', f'"other", {TAG}', "*"])
def test_a_read_naming_the_current_version_is_304_with_the_tag_and_no_body(bare, sent):
    resp = call(bare, decorated("get"), **{"If-None-Match": sent})
    assert isinstance(resp, Response)
    assert resp.status_code == 304
    assert resp.headers["ETag"] == TAG
    assert "Content-Type" not in resp.headers
    assert resp.get_data() == b""


def test_head_is_a_read_too(bare):
    assert call(bare, decorated("get"), "HEAD", **{"If-None-Match": TAG}).status_code == 304


@pytest.mark.parametrize(
    "sent",
    ['"probes-7-v2"', '"probes-7-v3:identity"', '"Xprobes-7-v3"', '"probes-7-v3X"', '"probes-7-v3:"', ""],
)
def test_a_read_naming_another_version_gets_the_record(bare, sent):
    body, status, headers = call(bare, decorated("get"), **{"If-None-Match": sent})
    assert (body, status, headers) == (Probe(), None, {"ETag": TAG})


def test_a_write_is_never_answered_304(bare):
    view = decorated("patch", check=True)
    answer = call(bare, view, "PATCH", **{"If-Match": TAG, "If-None-Match": TAG})
    assert answer == (Probe(), None, {"ETag": TAG})


# --- where the tag comes from ---------------------------------------------------------------------------------


def test_a_view_presenting_a_dict_names_its_record_or_tag(bare):
    def view() -> Any:
        set_etag(Probe(version=4))
        return {"id": 7}

    view.__name__ = "get"
    wrapped = Blueprint("probe_dict", __name__).etag(view)
    assert call(bare, wrapped) == ({"id": 7}, None, {"ETag": '"probes-7-v4"'})

    def listing() -> Any:
        set_etag('"places-abc"')
        return {"places": []}

    listing.__name__ = "get"
    wrapped = Blueprint("probe_list", __name__).etag(listing)
    assert call(bare, wrapped, **{"If-None-Match": '"places-abc"'}).status_code == 304


def test_a_tag_holding_a_colon_loses_only_the_compressors_suffix(bare):
    def view() -> Any:
        set_etag('"places:abc"')
        return {"places": []}

    view.__name__ = "get"
    wrapped = Blueprint("probe_colon", __name__).etag(view)
    assert call(bare, wrapped, **{"If-None-Match": '"places:abc:gzip"'}).status_code == 304
    assert call(bare, wrapped, **{"If-None-Match": '"places:abc:br"'}).status_code == 304
    assert call(bare, wrapped, **{"If-None-Match": '"places:gzip"'})[2] == {"ETag": '"places:abc"'}


def test_a_view_returning_no_record_and_naming_no_tag_is_a_bug_not_a_tagless_answer(bare):
    with pytest.raises(RuntimeError, match="no record"):
        call(bare, decorated("get", returns={"id": 7}))


def test_a_tag_named_by_an_earlier_view_of_the_request_is_not_reused(bare):
    view = decorated("get", returns={"id": 7})
    with bare.test_request_context("/probe"):
        set_etag(Probe())
        with pytest.raises(RuntimeError, match="no record"):
            view()


def test_an_empty_answer_or_a_ready_response_passes_through_untagged(bare):
    ready = Response("x", status=200)
    assert call(bare, decorated("get", returns=ready)) == (ready, None, None)
    assert call(bare, decorated("delete", returns=("", 204), check=True), "DELETE", **{"If-Match": TAG}) == (
        "",
        204,
        None,
    )
    # A 204 without a record is fine (nothing to tag), and so is one from a write that needs no If-Match.
    assert call(bare, decorated("post", returns=("", 204))) == ("", 204, None)


# --- a write must have checked If-Match -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_that_did_not_check_if_match_fails_instead_of_overwriting(bare, method):
    with pytest.raises(RuntimeError, match="did not check"):
        call(bare, decorated(method), method.upper(), **{"If-Match": TAG})
    answer = call(bare, decorated(method, check=True), method.upper(), **{"If-Match": TAG})
    assert answer == (Probe(), None, {"ETag": TAG})


def test_a_check_in_an_earlier_view_of_the_request_does_not_count(bare):
    view = decorated("patch")
    with bare.test_request_context("/probe", method="PATCH", headers={"If-Match": TAG}):
        check_if_match(Probe(), if_match())
        with pytest.raises(RuntimeError, match="did not check"):
            view()


def test_a_write_that_answered_an_error_or_a_redirect_needs_no_check(bare):
    for status in (300, 303, 409):
        answer = call(bare, decorated("patch", returns=(Probe(), status)), "PATCH")
        assert answer == (Probe(), status, {"ETag": TAG})
    with pytest.raises(RuntimeError, match="did not check"):
        call(bare, decorated("patch", returns=(Probe(), 299)), "PATCH")


def test_if_match_can_be_required_on_a_post_and_waived_or_conditional_on_a_write(bare):
    with pytest.raises(RuntimeError, match="did not check"):
        call(bare, decorated("post", if_match=True), "POST")
    assert call(bare, decorated("post"), "POST")[2] == {"ETag": TAG}
    assert call(bare, decorated("patch", if_match=False), "PATCH")[2] == {"ETag": TAG}
    # A description says when it is needed; the view decides (the service checks when it applies).
    assert call(bare, decorated("put", if_match="Needed once the plan exists"), "PUT")[2] == {"ETag": TAG}


def test_an_object_that_is_not_a_whole_versioned_record_gives_no_tag(bare):
    @dataclass
    class Unversioned:
        id: int = 7
        __tablename__ = "probes"

    @dataclass
    class Untabled:
        id: int = 7
        version: int = 3

    @dataclass
    class Idless:
        version: int = 3
        __tablename__ = "probes"

    for shape in (Unversioned(), Untabled(), Idless()):
        with pytest.raises(RuntimeError, match="no record"):
            call(bare, decorated("get", returns=shape))


# --- the check itself, HTTP-free ------------------------------------------------------------------------------


def test_the_check_takes_the_headers_text_and_needs_no_app():
    check_if_match(Probe(), TAG)
    check_if_match(TAG, f'"x", {TAG}')
    check_if_match(Probe(), "*")
    for missing in (None, "", ","):
        with pytest.raises(PreconditionRequired):
            check_if_match(Probe(), missing)
    for stale in ('"probes-7-v2"', f"W/{TAG}"):
        with pytest.raises(PreconditionFailed):
            check_if_match(Probe(), stale)


# --- what it documents ----------------------------------------------------------------------------------------


@pytest.fixture
def spec(app) -> dict[str, Any]:
    """The app's spec with a probe blueprint of every shape registered beside the real ones."""
    blp = Blueprint("probe", __name__, url_prefix="/probe")

    class Fields(ma.Schema):
        fields = ma.fields.String()

    @blp.route("/records/<int:record_id>")
    class Record(MethodView):
        @blp.arguments(Fields, location="query")
        @blp.response(200)
        @blp.etag
        def get(self, args: dict[str, Any], record_id: int) -> Any:
            """Read"""
            return Probe()

        @blp.response(200)
        @blp.etag
        def patch(self, record_id: int) -> Any:
            """Change"""
            return Probe()

        @blp.response(204)
        @blp.etag
        def delete(self, record_id: int) -> Any:
            """Delete"""
            return ""

    @blp.route("/plans/<int:plan_id>")
    class Plan(MethodView):
        @blp.response(200)
        @blp.etag(if_match="The plan's etag; required once the plan exists")
        def put(self, plan_id: int) -> Any:
            """Write"""
            return Probe()

    @blp.route("/unversioned/<int:item_id>")
    class Unversioned(MethodView):
        @blp.response(200)
        @blp.etag(if_match=False)
        def patch(self, item_id: int) -> Any:
            """Change without a version"""
            return Probe()

    @blp.route("/records")
    class Records(MethodView):
        @idempotent
        @blp.response(201)
        @blp.etag
        def post(self) -> Any:
            """Create"""
            return Probe()

        @blp.response(200)
        def get(self) -> Any:
            """List (no tag)"""
            return []

    @blp.route("/records/<int:record_id>/actions")
    class Actions(MethodView):
        @blp.response(200)
        @blp.etag
        def post(self, record_id: int) -> Any:
            """Act on a record (no key)"""
            return Probe()

    app.extensions["trivsel_api"].register_blueprint(blp)
    return app.extensions["trivsel_api"].spec.to_dict()


def _names(op: dict[str, Any]) -> list[str]:
    return [p.get("$ref", "").rsplit("/", 1)[-1] or p["name"] for p in op.get("parameters", [])]


def test_a_read_documents_its_tag_if_none_match_and_304(spec):
    op = spec["paths"]["/probe/records/{record_id}"]["get"]
    assert op["responses"]["200"]["headers"]["ETag"] == {"$ref": "#/components/headers/ETag"}
    not_modified = op["responses"]["304"]
    assert not_modified["description"].startswith("Not Modified")
    assert not_modified["headers"]["ETag"] == {"$ref": "#/components/headers/ETag"}
    assert "content" not in not_modified
    assert "IfNoneMatch" in _names(op) and "IfMatch" not in _names(op)
    assert "fields" in _names(op), "the parameters the view documents itself stay"
    assert not {"409", "412", "428"} & set(op["responses"])


def test_a_write_documents_if_match_412_428_and_409(spec):
    op = spec["paths"]["/probe/records/{record_id}"]["patch"]
    assert "IfMatch" in _names(op) and "IfNoneMatch" not in _names(op)
    assert {"409", "412", "428"} <= set(op["responses"])
    assert op["responses"]["409"] == {"$ref": "#/components/responses/Conflict.conflict-duplicate"}
    assert "304" not in op["responses"]
    assert op["responses"]["200"]["headers"]["ETag"] == {"$ref": "#/components/headers/ETag"}
    deleted = spec["paths"]["/probe/records/{record_id}"]["delete"]
    assert "IfMatch" in _names(deleted) and {"409", "412", "428"} <= set(deleted["responses"])
    assert "ETag" not in deleted["responses"]["204"].get("headers", {}), "a 204 has no body and so no tag"


def test_a_conditional_if_match_is_optional_and_says_when(spec):
    op = spec["paths"]["/probe/plans/{plan_id}"]["put"]
    [param] = [p for p in op["parameters"] if p.get("name") == "If-Match"]
    assert param == {
        "in": "header",
        "name": "If-Match",
        "required": False,
        "description": "The plan's etag; required once the plan exists",
        "schema": {"type": "string"},
    }
    assert {"409", "412", "428"} <= set(op["responses"])


def test_a_write_without_if_match_documents_no_precondition(spec):
    op = spec["paths"]["/probe/unversioned/{item_id}"]["patch"]
    assert "IfMatch" not in _names(op) and "If-Match" not in _names(op)
    assert not {"412", "428"} & set(op["responses"])
    assert "409" in op["responses"]


def test_a_post_documents_409_and_its_idempotency_key_with_the_replay_answers(spec):
    op = spec["paths"]["/probe/records"]["post"]
    assert "Idempotency-Key" in _names(op) and "IfMatch" not in _names(op)
    assert {"303", "409", "422"} <= set(op["responses"])
    assert "Location" in op["responses"]["303"]["headers"]
    assert not {"412", "428"} & set(op["responses"])
    action = spec["paths"]["/probe/records/{record_id}/actions"]["post"]
    # Any write can meet a concurrent one that wins: 409 in the one error shape.
    assert action["responses"]["409"] == {"$ref": "#/components/responses/Conflict.conflict-duplicate"}
    assert not {"303", "412", "428"} & set(action["responses"])
    assert action["responses"]["200"]["headers"]["ETag"] == {"$ref": "#/components/headers/ETag"}
    listing = spec["paths"]["/probe/records"]["get"]
    assert not {"304", "409"} & set(listing["responses"]) and "IfNoneMatch" not in _names(listing)


def test_the_shared_components_are_registered_once(spec):
    components = spec["components"]
    assert components["headers"]["ETag"]["schema"] == {"type": "string"}
    assert components["parameters"]["IfMatch"]["in"] == "header"
    assert components["parameters"]["IfMatch"]["required"] is True
    assert components["parameters"]["IfNoneMatch"]["required"] is False
    assert components["parameters"]["IfNoneMatch"]["in"] == "header"


def test_documenting_keeps_what_a_view_already_documents():
    def view() -> None:
        return None

    view._apidoc = {"header_parameters": [{"name": "A"}], "extra_responses": {409: "CONFLICT"}}
    document(view, parameter={"name": "B"}, responses={303: "SEE_OTHER"})
    assert view._apidoc == {
        "header_parameters": [{"name": "A"}, {"name": "B"}],
        "extra_responses": {409: "CONFLICT", 303: "SEE_OTHER"},
    }
    document(view)
    assert view._apidoc["header_parameters"] == [{"name": "A"}, {"name": "B"}]


def test_decorating_leaves_the_original_views_doc_alone():
    def get() -> Any:
        return Probe()

    get._apidoc = {"summary": "x"}
    wrapped = Blueprint("probe_doc", __name__).etag(get)
    assert wrapped._apidoc == {"summary": "x", "trivsel_etag": {"if_match": False}}
    assert get._apidoc == {"summary": "x"}
