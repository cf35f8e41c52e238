"""The change feed of the prevention collections and classes: wellbeing days (a deleted day leaves a
tombstone), observations (a withdrawn one too), play-partner arrangements and classes (staff attached to a
class is a change of the class)."""

from __future__ import annotations

import pytest

from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user
from tests.observations.factories import make_observation
from tests.play_partners.factories import make_arrangement
from tests.wellbeing_days.factories import make_day


@pytest.fixture
def school(app, session):
    app.config["FEED_SAFETY_LAG_SECONDS"] = 0
    school = make_school(session)
    cls = make_class(session, school, grade=4)
    students = [make_student(session, school, cls) for _ in range(3)]
    users = {role: make_user(session, school, role) for role in ("leader", "admin", "teacher")}
    attach_staff(session, cls, users["teacher"], "class_teacher")
    return school, cls, students, users


def _sync(client, url, h, **first):
    resp = client.get(url, query_string={"page_size": 2, **first}, headers=h)
    items, deleted = [], []
    while True:
        assert resp.status_code == 200, resp.json
        items += resp.json["items"]
        deleted += resp.json["deleted"]
        if resp.json["next_cursor"] is None:
            return (
                [i["id"] for i in items],
                [(d["id"], d["reason"]) for d in deleted],
                resp.json["complete_up_to"],
            )
        resp = client.get(url, query_string={"page_size": 2, "cursor": resp.json["next_cursor"]}, headers=h)


def test_a_deleted_wellbeing_day_comes_as_a_tombstone(app, client, session, school):
    _school, cls, _students, users = school
    h = auth(app, users["leader"])
    days = [make_day(session, users["leader"], classes=[cls], title=f"Dag {n}") for n in range(3)]
    url = "/api/v1/wellbeing-days"
    ids, _deleted, mark = _sync(client, url, h, cursor="")
    assert ids == [d.id for d in days]
    etag = client.get(f"{url}/{days[1].id}", headers=h).headers["ETag"]
    assert client.delete(f"{url}/{days[1].id}", headers={**h, "If-Match": etag}).status_code == 204
    assert _sync(client, url, h, updated_since=mark)[:2] == ([], [(days[1].id, "deleted")])


def test_a_withdrawn_observation_comes_as_a_tombstone(app, client, session, school):
    _school, _cls, students, users = school
    h = auth(app, users["teacher"])
    url = "/api/v1/observations"
    kept = make_observation(session, users["teacher"], students[:1])
    logged = client.post(url, json={"student_ids": [students[1].id], "mood": 2}, headers=h)
    assert logged.status_code == 201, logged.json
    ids, _deleted, mark = _sync(client, url, h, cursor="")
    assert ids == [kept.id, logged.json["id"]]
    assert client.post(f"{url}/{logged.json['id']}/withdraw", headers=h).status_code == 200
    assert _sync(client, url, h, updated_since=mark)[:2] == ([], [(logged.json["id"], "withdrawn")])


def test_arrangements_and_classes_page_by_cursor(app, client, session, school):
    _school, cls, students, users = school
    h = auth(app, users["leader"])
    arrangements = [make_arrangement(session, users["teacher"], students[:2]) for _ in range(3)]
    url = "/api/v1/play-partner-arrangements"
    ids, _deleted, mark = _sync(client, url, h, cursor="")
    assert ids == [a.id for a in arrangements]
    arrangements[0].purpose = "Leger i sandkassen"
    session.commit()
    assert _sync(client, url, h, updated_since=mark)[0] == [arrangements[0].id]
    # Classes: attaching staff changes the class as read (its staff), so the feed shows it again.
    other = make_class(session, _school, grade=5)
    ids, _deleted, mark = _sync(client, "/api/v1/classes", h, cursor="")
    assert ids == [cls.id, other.id]
    attached = client.post(
        f"/api/v1/classes/{other.id}/staff",
        json={"user_id": users["teacher"].id, "role": "teacher"},
        headers=auth(app, users["admin"]),
    )
    assert attached.status_code == 200, attached.json
    assert _sync(client, "/api/v1/classes", h, updated_since=mark)[0] == [other.id]
