"""The school's guardians as one collection and its change feed: the same people see them as see a student's
guardians; a removed guardian comes as a tombstone; class staff see only their classes' guardians."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user
from tests.students.factories import make_guardian

URL = "/api/v1/guardians"


@pytest.fixture
def families(app, session):
    app.config["FEED_SAFETY_LAG_SECONDS"] = 0
    school = make_school(session)
    cls, other_cls = make_class(session, school, name="2.A", grade=2), make_class(session, school, name="2.B")
    alma, bent = make_student(session, school, cls), make_student(session, school, other_cls)
    users = {role: make_user(session, school, role) for role in ("admin", "leader", "resource_person")}
    users["class_teacher"] = make_user(session, school, "teacher")
    users["other_teacher"] = make_user(session, school, "teacher")
    users["unattached"] = make_user(session, school, "teacher")
    attach_staff(session, cls, users["class_teacher"], "class_teacher")
    attach_staff(session, other_cls, users["other_teacher"], "class_teacher")
    guardians = {
        "alma_mother": make_guardian(session, alma, name="Mette Hansen"),
        "alma_father": make_guardian(session, alma, name="Henrik Hansen", relation="father"),
        "bent_mother": make_guardian(session, bent, name="Lise Berg"),
    }
    other = make_school(session)
    make_guardian(session, make_student(session, other), name="Anden Forælder")
    return {"school": school, "alma": alma, "users": users, "guardians": guardians}


def _ids(resp):
    assert resp.status_code == 200, resp.json
    return {g["id"] for g in resp.json["items"]}


def test_the_guardians_collection_follows_who_may_see_guardians(app, client, families):
    g = {k: v.id for k, v in families["guardians"].items()}
    expected = {
        "admin": set(g.values()),
        "leader": set(g.values()),
        "resource_person": set(g.values()),
        "class_teacher": {g["alma_mother"], g["alma_father"]},
        "other_teacher": {g["bent_mother"]},
        "unattached": set(),
    }
    for name, user in families["users"].items():
        h = auth(app, user)
        assert _ids(client.get(URL, headers=h)) == expected[name], name
        assert _ids(client.get(URL, query_string={"cursor": ""}, headers=h)) == expected[name], name
    alma = families["alma"].id
    leader = auth(app, families["users"]["leader"])
    assert _ids(client.get(URL, query_string={"student_id": alma}, headers=leader)) == {
        g["alma_mother"],
        g["alma_father"],
    }


def test_a_removed_guardian_comes_as_a_tombstone_and_reads_are_audited(app, client, session, families):
    leader = auth(app, families["users"]["leader"])
    first = client.get(URL, query_string={"cursor": ""}, headers=leader).json
    assert first["next_cursor"] is None and len(first["items"]) == 3
    father = families["guardians"]["alma_father"]
    url = f"/api/v1/students/{families['alma'].id}/guardians/{father.id}"
    assert client.delete(url, headers=leader).status_code == 204
    mother = families["guardians"]["alma_mother"]
    etag = client.get(
        f"/api/v1/students/{families['alma'].id}/guardians/{mother.id}", headers=leader
    ).headers["ETag"]
    changed = client.patch(
        f"/api/v1/students/{families['alma'].id}/guardians/{mother.id}",
        json={"phone": "+45 87 65 43 21"},
        headers={**leader, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.json
    body = client.get(URL, query_string={"updated_since": first["complete_up_to"]}, headers=leader).json
    assert [x["id"] for x in body["items"]] == [mother.id]
    assert [(d["id"], d["reason"]) for d in body["deleted"]] == [(father.id, "deleted")]
    rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "guardians_viewed")).all()
    assert {r.student_id for r in rows} >= {families["alma"].id}
