"""ETags: one helper sends and documents them; If-Match is strong (weak tags are 412), If-None-Match is weak
and answers 304 (audited like the read it replaces); tags altered by a compressor still name the version."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.core.etag import etag_of
from tests.incidents.factories import headers, make_incident, make_world
from tests.observations.factories import make_observation


@pytest.fixture
def world(app, session):
    return make_world(session)


def _viewed(session, incident_id):
    session.expire_all()
    return session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "incident_viewed", AuditEntry.resource_id == str(incident_id)
        )
    ).all()


def test_weak_if_match_is_412_saying_weak_tags_never_match_for_a_write(app, client, session, world):
    incident = make_incident(session, world)
    url = f"/api/v1/incidents/{incident.id}"
    h = headers(app, world, world.users["teacher"])
    etag = client.get(url, headers=h).headers["ETag"]

    weak = client.patch(url, json={"description": "x"}, headers={**h, "If-Match": f"W/{etag}"})

    assert weak.status_code == 412 and weak.json["code"] == 412, weak.json
    assert "weak" in weak.json["message"].lower()
    session.expire_all()
    assert session.get(type(incident), incident.id).description != "x"
    # The same tag sent strong is accepted.
    assert client.patch(url, json={"description": "x"}, headers={**h, "If-Match": etag}).status_code == 200


def test_a_stale_if_match_is_412_and_a_missing_one_428(app, client, session, world):
    incident = make_incident(session, world)
    url = f"/api/v1/incidents/{incident.id}"
    h = headers(app, world, world.users["teacher"])
    assert client.patch(url, json={"description": "x"}, headers=h).status_code == 428
    assert client.patch(url, json={"description": "x"}, headers={**h, "If-Match": ""}).status_code == 428
    stale = client.patch(url, json={"description": "x"}, headers={**h, "If-Match": '"incidents-1-v0"'})
    assert stale.status_code == 412 and "weak" not in stale.json["message"].lower()


def test_get_with_a_matching_if_none_match_is_304_without_body_and_is_audited(app, client, session, world):
    incident = make_incident(session, world)
    url = f"/api/v1/incidents/{incident.id}"
    h = headers(app, world, world.users["teacher"])
    first = client.get(url, headers=h)
    etag = first.headers["ETag"]
    assert len(_viewed(session, incident.id)) == 2  # target and actor

    again = client.get(url, headers={**h, "If-None-Match": etag})

    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "no-store"
    # The access happened (the record was found and shown current to this reader), so it is audited.
    assert len(_viewed(session, incident.id)) == 4
    # Another version, or a list of tags without the current one, gets the body.
    changed = client.get(url, headers={**h, "If-None-Match": '"incidents-0-v1", "x"'})
    assert changed.status_code == 200 and changed.json["id"] == incident.id


def test_if_none_match_uses_weak_comparison_and_tolerates_a_compressor_suffix(app, client, session, world):
    incident = make_incident(session, world)
    url = f"/api/v1/incidents/{incident.id}"
    h = headers(app, world, world.users["teacher"])
    value = etag_of(incident).strip('"')
    for sent in (f'W/"{value}"', f'"{value}:gzip"', f'W/"{value}:br"', f'"other", "{value}"', "*"):
        resp = client.get(url, headers={**h, "If-None-Match": sent})
        assert resp.status_code == 304, sent


def test_if_match_tolerates_the_coding_a_compressor_appends_to_a_strong_tag(app, client, session, world):
    incident = make_incident(session, world)
    url = f"/api/v1/incidents/{incident.id}"
    h = headers(app, world, world.users["teacher"])
    gz = f'"{etag_of(incident).strip(chr(34))}:gzip"'  # what flask-compress sends for a gzip response
    resp = client.patch(url, json={"description": "Komprimeret"}, headers={**h, "If-Match": gz})
    assert resp.status_code == 200, resp.json


def test_no_304_for_a_reader_who_may_not_see_the_record(app, client, session, world):
    incident = make_incident(session, world, students=[(world.carl, "target")])  # class B
    url = f"/api/v1/incidents/{incident.id}"
    etag = client.get(url, headers=headers(app, world, world.users["leader"])).headers["ETag"]
    for user in (world.users["sfo_staff"], world.other_users["leader"]):
        resp = client.get(url, headers={**headers(app, world, user), "If-None-Match": etag})
        assert resp.status_code == 404


def test_304_for_records_presented_as_dicts_and_for_the_list_of_places(app, client, session, world):
    observation = make_observation(session, world.users["teacher"], [world.anna])
    h = headers(app, world, world.users["teacher"])
    for url in (f"/api/v1/observations/{observation.id}", "/api/v1/incident-places"):
        etag = client.get(url, headers=h).headers["ETag"]
        assert client.get(url, headers={**h, "If-None-Match": etag}).status_code == 304, url


def _operations(client):
    spec = client.get("/api/v1/openapi.json").json
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, op


def test_every_operation_that_sends_an_etag_is_documented_by_the_one_helper(app, client):
    """ETag header, If-None-Match + 304 on reads, If-Match + 412 + 428 on writes: all or nothing."""
    seen = 0
    for path, method, op in _operations(client):
        sends = any(
            "ETag" in (resp.get("headers") or {}) for code, resp in op["responses"].items() if code < "300"
        )
        names = {(p.get("name") or p.get("$ref", "").rsplit("/", 1)[-1]) for p in op.get("parameters", [])}
        takes_if_match = bool(names & {"If-Match", "IfMatch"})
        if method == "get":
            assert sends == ("IfNoneMatch" in names) == ("304" in op["responses"]), (method, path)
        if takes_if_match:
            assert {"412", "428"} <= set(op["responses"]), (method, path)
        else:
            assert "412" not in op["responses"] and "428" not in op["responses"], (method, path)
        seen += sends
    assert seen >= 25


def test_etags_keep_working_behind_flask_compress(app, session, world):
    """With the real compressor on the app: its "…:gzip" tag validates reads (304) and writes (200)."""
    flask_compress = pytest.importorskip("flask_compress")
    flask_compress.Compress(app)  # a second one on an app that compresses already leaves the body alone
    client = app.test_client()
    incident = make_incident(session, world, classification="teasing")
    url = f"/api/v1/incidents/{incident.id}"
    h = {**headers(app, world, world.users["teacher"]), "Accept-Encoding": "gzip"}
    read = client.get(url, headers=h)
    assert read.headers.get("Content-Encoding") == "gzip"
    etag = read.headers["ETag"]
    assert client.get(url, headers={**h, "If-None-Match": etag}).status_code == 304
    changed = client.patch(url, json={"description": "Efter gzip"}, headers={**h, "If-Match": etag})
    assert changed.status_code == 200
    assert client.get(url, headers={**h, "If-None-Match": etag}).status_code == 200
