"""Routing: /api/ is the API's alone. A wrong method on an API path is 405 with Allow, OPTIONS lists only
the methods the path really has, and the web app's catch-all never answers under /api/."""

from __future__ import annotations

import json

import pytest

from api.cli import spec_json

_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def test_get_on_a_post_only_path_is_405_with_allow(client):
    resp = client.get("/api/v1/auth/login")
    assert resp.status_code == 405 and resp.json["type"] == "method_not_allowed"
    assert set(resp.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_options_lists_only_the_methods_of_the_spec_on_every_path(app, client):
    spec = json.loads(spec_json(app))
    wrong = {}
    for path, item in spec["paths"].items():
        url = path.replace("{", "").replace("}", "")  # any value: routing only
        url = "/".join("1" if part.endswith("_id") else part for part in url.split("/"))
        documented = {m.upper() for m in item if m.upper() in _METHODS}
        resp = client.options(url)
        allowed = set(resp.headers.get("Allow", "").split(", ")) & _METHODS
        if allowed != documented:
            wrong[path] = (sorted(allowed), sorted(documented))
    assert not wrong


@pytest.mark.parametrize("url", ["/api", "/api/", "/api/v1", "/api/v1/nothing-here", "/api/v2/incidents"])
def test_nothing_under_api_falls_through_to_the_web_app(client, url):
    resp = client.get(url)
    assert resp.status_code == 404 and resp.is_json and resp.json["type"] == "not_found"


def test_the_web_app_still_serves_its_own_paths(database_url, tmp_path):
    from tests.conftest import make_test_app

    (tmp_path / "index.html").write_text("<!doctype html><title>Trivsel</title>")
    client = make_test_app(database_url, FRONTEND_DIST=str(tmp_path)).test_client()
    for url in ("/", "/cases/12", "/apiary", "/students/api/x"):
        resp = client.get(url)
        assert resp.status_code == 200 and b"<title>Trivsel</title>" in resp.data, url
