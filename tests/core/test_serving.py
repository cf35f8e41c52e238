"""Serving: responses compressed (brotli, gzip) with no-store, Vary and ETags intact; a real robots.txt."""

from __future__ import annotations

import gzip
import json

import brotli
import pytest

from tests.factories import auth, make_class, make_school, make_student, make_user
from tests.incidents.factories import make_incident, make_world

DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}
SCRIPT = b"export function greet(name) { return `Hej ${name}`; }\n" * 200
STYLE = b".card { margin: 0 auto; padding: 1rem; border-radius: 4px; }\n" * 100
ICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    + b"<path d='M0 0h10v10z'/>" * 60
    + b"</svg>"
)
PAGE = (
    b"<!doctype html><html><head><title>Trivsel</title></head><body>"
    + b"<div></div>" * 100
    + b"</body></html>"
)


@pytest.fixture
def web(database_url, tmp_path):
    """A test client of an app serving a small built web app."""
    from tests.conftest import make_test_app

    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(PAGE)
    (tmp_path / "assets" / "index-abc123.js").write_bytes(SCRIPT)
    (tmp_path / "assets" / "index-abc123.css").write_bytes(STYLE)
    (tmp_path / "icon.svg").write_bytes(ICON)
    return make_test_app(database_url, FRONTEND_DIST=str(tmp_path)).test_client()


@pytest.mark.parametrize("coding", ["br", "gzip"])
@pytest.mark.parametrize(
    ("url", "content"),
    [
        ("/", PAGE),
        ("/assets/index-abc123.js", SCRIPT),
        ("/assets/index-abc123.css", STYLE),
        ("/icon.svg", ICON),
    ],
)
def test_the_web_app_is_compressed(web, url, content, coding):
    resp = web.get(url, headers={"Accept-Encoding": f"{coding}, identity;q=0.5"})
    assert resp.status_code == 200
    assert resp.headers["Content-Encoding"] == coding
    assert "Accept-Encoding" in resp.headers["Vary"]
    assert DECODE[coding](resp.data) == content
    assert len(resp.data) < len(content) / 3


def test_without_accept_encoding_nothing_is_compressed(web):
    resp = web.get("/assets/index-abc123.js")
    assert "Content-Encoding" not in resp.headers and resp.data == SCRIPT
    assert "Accept-Encoding" in resp.headers["Vary"]


def test_brotli_is_preferred_when_both_are_accepted(web):
    resp = web.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert resp.headers["Content-Encoding"] == "br"


def test_a_compressed_page_revalidates_with_its_etag(web):
    first = web.get("/", headers={"Accept-Encoding": "br"})
    again = web.get("/", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data


@pytest.fixture
def students_list(app, session):
    school = make_school(session)
    cls = make_class(session, school)
    for _ in range(12):
        make_student(session, school, cls)
    return auth(app, make_user(session, school, "teacher"))


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_api_json_is_compressed_and_stays_no_store(client, students_list, coding):
    plain = client.get("/api/v1/students", headers=students_list)
    packed = client.get("/api/v1/students", headers={**students_list, "Accept-Encoding": coding})
    assert packed.headers["Content-Encoding"] == coding
    assert json.loads(DECODE[coding](packed.data)) == plain.json
    assert packed.headers["Cache-Control"] == "no-store"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2


def test_etags_survive_compression_for_if_match_and_if_none_match(app, client, session):
    world = make_world(session)
    incident = make_incident(session, world)
    h = auth(app, world.users["teacher"])
    url = f"/api/v1/incidents/{incident.id}"
    plain = client.get(url, headers=h)
    packed = client.get(url, headers={**h, "Accept-Encoding": "br"})
    assert packed.headers["Content-Encoding"] == "br"  # the case is big enough to be compressed
    assert packed.headers["ETag"] == plain.headers["ETag"]
    # A conditional read is answered the same with and without compression (by the app, not the compressor)
    conditional = {**h, "If-None-Match": packed.headers["ETag"]}
    assert (
        client.get(url, headers={**conditional, "Accept-Encoding": "br"}).status_code
        == client.get(url, headers=conditional).status_code
    )
    # A compressing client's write with the ETag it read is accepted
    write = {**h, "Accept-Encoding": "br", "If-Match": packed.headers["ETag"]}
    resp = client.patch(url, headers=write, json={"description": "Set i skolegården"})
    assert resp.status_code == 200
    assert json.loads(brotli.decompress(resp.data))["description"] == "Set i skolegården"


def test_token_responses_are_not_compressed(client, session):
    school = make_school(session)
    make_user(session, school, "teacher", email="t@example.dk", password="long-enough-pw")
    body = {"email": "t@example.dk", "password": "long-enough-pw"}
    resp = client.post("/api/v1/auth/login", json=body, headers={"Accept-Encoding": "br, gzip"})
    assert resp.status_code == 200 and "Content-Encoding" not in resp.headers
    assert resp.json["access_token"]


def test_robots_txt_disallows_everything(web, client):
    for c in (web, client):  # with and without a built web app
        resp = c.get("/robots.txt")
        assert resp.status_code == 200 and resp.mimetype == "text/plain"
        assert resp.get_data(as_text=True).splitlines() == ["User-agent: *", "Disallow: /"]
