"""Concurrency: a phone retrying one report many times at once, and two adults editing one case."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.core.etag import etag_of
from api.core.idempotency import IdempotencyKey
from api.incidents.models import Incident, IncidentEvent
from tests.incidents.factories import headers, make_incident, make_world
from tests.parallel import at_once, statuses

PARALLEL = 20


@pytest.fixture
def world(app, session):
    return make_world(session)


def test_same_post_20_times_at_once_with_one_key_makes_exactly_one_incident(app, session, world):
    hdrs = headers(app, world, world.users["teacher"], **{"Idempotency-Key": "retry-storm-0001"})
    body = {
        "classification": "bullying",
        "students": [
            {"student_id": world.anna.id, "role": "target"},
            {"student_id": world.bo.id, "role": "actor"},
        ],
        "place": "schoolyard",
        "description": "Bo skubber Anna hver frikvarter",
    }
    results = at_once(
        app, PARALLEL, lambda client, _i: client.post("/api/v1/incidents", json=body, headers=hdrs)
    )

    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Incident)) == 1
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
    assert session.scalar(select(func.count()).select_from(IncidentEvent)) == 1
    assert statuses(results) == {201: PARALLEL}
    assert len({r.get_json()["id"] for r in results}) == 1
    # one request did the write, every other one got its response replayed
    assert sum(1 for r in results if r.headers.get("Idempotent-Replayed") == "true") == PARALLEL - 1


def test_two_adults_editing_one_case_the_stale_write_is_412_and_nothing_is_lost(app, client, session, world):
    incident = make_incident(session, world, classification="teasing")
    url = f"/api/v1/incidents/{incident.id}"
    teacher = headers(app, world, world.users["teacher"])
    resource = headers(app, world, world.users["resource_person"])
    # Both open the case
    etag_teacher = client.get(url, headers=teacher).headers["ETag"]
    etag_resource = client.get(url, headers=resource).headers["ETag"]
    assert etag_teacher == etag_resource
    # The teacher saves first
    first = client.patch(
        url,
        json={"description": "Drillerier ved fodboldbanen"},
        headers={**teacher, "If-Match": etag_teacher},
    )
    assert first.status_code == 200, first.json
    assert first.headers["ETag"] != etag_teacher
    # The resource person saves on the version they read: refused, nothing overwritten
    second = client.patch(
        url,
        json={"description": "Konflikt om bolden", "classification": "conflict"},
        headers={**resource, "If-Match": etag_resource},
    )
    assert second.status_code == 412
    now = client.get(url, headers=resource)
    assert now.json["description"] == "Drillerier ved fodboldbanen"
    assert now.json["classification"] == "teasing"
    # Reloaded, their change goes through on top of the teacher's
    third = client.patch(
        url, json={"classification": "conflict"}, headers={**resource, "If-Match": now.headers["ETag"]}
    )
    assert third.status_code == 200
    assert third.json["description"] == "Drillerier ved fodboldbanen"
    assert third.json["classification"] == "conflict"


def test_patch_without_if_match_is_428(app, client, session, world):
    incident = make_incident(session, world)
    resp = client.patch(
        f"/api/v1/incidents/{incident.id}",
        json={"description": "x"},
        headers=headers(app, world, world.users["teacher"]),
    )
    assert resp.status_code == 428


def test_fifty_parallel_patches_with_one_etag_give_one_200_and_412s_never_a_500(app, session, world):
    incident = make_incident(session, world, classification="teasing")
    url = f"/api/v1/incidents/{incident.id}"
    teacher = headers(app, world, world.users["teacher"])
    etag = app.test_client().get(url, headers=teacher).headers["ETag"]

    responses = at_once(
        app,
        50,
        lambda client, i: client.patch(
            url, json={"description": f"Udgave {i}"}, headers={**teacher, "If-Match": etag}
        ),
    )

    assert statuses(responses) == {200: 1, 412: 49}, [r.get_json() for r in responses if r.status_code >= 500]
    winner = next(r for r in responses if r.status_code == 200)
    session.expire_all()
    stored = session.get(Incident, incident.id)
    assert stored.description == winner.get_json()["description"]
    assert winner.headers["ETag"] == etag_of(stored) != etag
    assert all(r.get_json()["code"] == 412 for r in responses if r.status_code == 412)
