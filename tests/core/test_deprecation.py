"""The versioning policy's deprecation mechanism (api/core/deprecation.py), on a route made for the test: marked
`deprecated: true` in the spec with its headers documented, and every answer carries Deprecation (RFC 9745)
and Sunset (RFC 8594), plus the Link to its replacement."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import marshmallow as ma
import pytest
from flask.views import MethodView

from api.extensions import Blueprint, Schema
from tests.conftest import make_test_app
from tests.factories import auth, make_school, make_user

SINCE = datetime(2027, 1, 1, tzinfo=UTC)
SUNSET = datetime(2027, 7, 1, tzinfo=UTC)


class PingRead(Schema):
    """An answer."""

    pong = ma.fields.Boolean(dump_only=True)


def _blueprint() -> Blueprint:
    blp = Blueprint("deprecation_test", __name__, url_prefix="/api/v1/deprecation-test")

    @blp.route("/old")
    class Old(MethodView):
        @blp.response(200, PingRead)
        @blp.errors(401)
        @blp.deprecated(since=SINCE, sunset=SUNSET, link="/api/v1/deprecation-test/new")
        def get(self):
            """The old way (deprecated)"""
            return {"pong": True}

    @blp.route("/new")
    class New(MethodView):
        @blp.response(200, PingRead)
        @blp.errors(401)
        def get(self):
            """The new way"""
            return {"pong": True}

    return blp


@pytest.fixture
def deprecating_app(database_url):
    app = make_test_app(database_url)
    app.extensions["trivsel_api"].register_blueprint(_blueprint())
    return app


def test_a_deprecated_operation_says_so_in_the_spec_and_in_every_answer(deprecating_app, session):
    app = deprecating_app
    spec = app.extensions["trivsel_api"].spec.to_dict()
    old = spec["paths"]["/api/v1/deprecation-test/old"]["get"]
    assert old["deprecated"] is True
    assert {"Deprecation", "Sunset", "Link"} <= set(old["responses"]["200"]["headers"])
    assert "deprecated" not in spec["paths"]["/api/v1/deprecation-test/new"]["get"]

    with app.app_context():
        from api.core.db import db

        user = make_user(db.session, make_school(db.session), "teacher")
        h = auth(app, user)
    client = app.test_client()
    resp = client.get("/api/v1/deprecation-test/old", headers=h)
    assert resp.status_code == 200 and resp.json == {"pong": True}
    assert resp.headers["Deprecation"] == f"@{int(SINCE.timestamp())}" == "@1798761600"
    assert parsedate_to_datetime(resp.headers["Sunset"]) == SUNSET
    assert resp.headers["Sunset"] == "Thu, 01 Jul 2027 00:00:00 GMT"
    assert resp.headers["Link"] == '</api/v1/deprecation-test/new>; rel="deprecation"'
    new = client.get("/api/v1/deprecation-test/new", headers=h)
    assert new.status_code == 200 and "Deprecation" not in new.headers and "Sunset" not in new.headers


def test_a_sunset_before_the_deprecation_is_a_mistake():
    with pytest.raises(ValueError):
        Blueprint("x", __name__).deprecated(since=SUNSET, sunset=SINCE)
