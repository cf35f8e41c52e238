"""The staff directory (GET /api/v1/staff): every staff member finds colleagues of their own school by name, to
pick one (a play-partner arrangement's responsible adult, a wellbeing day's adults); names only, active staff
only, never another school's."""

from __future__ import annotations

from tests.factories import auth, make_user
from tests.matrix import CALLERS, ROLES, statuses, tenant

URL = "/api/v1/staff"


def _all(client, headers, **query) -> list[dict]:
    """Every item of the directory, page by page."""
    items: list[dict] = []
    page = 1
    while True:
        body = client.get(URL, query_string={**query, "page": page, "page_size": 2}, headers=headers).json
        items += body["items"]
        if page * body["page_size"] >= body["total"]:
            return items
        page += 1


def test_every_staff_role_reads_it_and_an_api_client_does_not(app, client, session):
    a = tenant(session, "A", with_client=True)
    assert statuses(app, client, a.users, "GET", URL) == {r: 200 for r in ROLES} | {"client": 403}
    assert set(a.users) == set(CALLERS)


def test_only_the_callers_schools_active_staff_by_name_and_nothing_but_the_name(app, client, session):
    a = tenant(session, "A")
    b = tenant(session, "B")
    gone = make_user(session, a.school, "teacher", name="Gitte Gået", active=False)
    officer = make_user(session, a.school, "municipality", name="Kirsten Kommune")
    other = make_user(session, b.school, "teacher", name="Anders Andenskole")
    h = auth(app, a.users["teacher"])
    items = _all(client, h)
    assert {i["id"] for i in items} == {u.id for u in a.users.values()}
    assert [i["name"] for i in items] == sorted(u.name for u in a.users.values())
    assert all(set(i) == {"id", "name"} for i in items)  # no e-mail, roles or login times for colleagues
    assert not {gone.id, officer.id, other.id} & {i["id"] for i in items}
    assert client.get(URL, headers=auth(app, officer)).status_code == 403  # the municipality is not staff
    # The other school sees its own staff, never A's.
    b_sees = {i["id"] for i in _all(client, auth(app, b.users["sfo_staff"]))}
    assert b_sees == {u.id for u in b.users.values()} | {other.id}


def test_pages_name_filter_and_those_who_work_with_children(app, client, session):
    a = tenant(session, "A")
    rikke = make_user(session, a.school, "resource_person", name="Rikke 100% AKT")
    make_user(session, a.school, "admin", name="Rikke Regnskab")
    h = auth(app, a.users["pedagogue"])
    first = client.get(URL, query_string={"page_size": 3}, headers=h).json
    assert first["total"] == len(ROLES) + 2 and len(first["items"]) == 3 and first["page"] == 1
    assert {i["name"] for i in _all(client, h, q="rikke")} == {"Rikke 100% AKT", "Rikke Regnskab"}
    assert [i["id"] for i in _all(client, h, q="100%")] == [rikke.id]  # % is a character, not a wildcard
    assert _all(client, h, q="_") == []
    children = _all(client, h, works_with_children="true")
    assert {i["id"] for i in children} == {u.id for r, u in a.users.items() if r != "admin"} | {rikke.id}
    assert client.get(URL, query_string={"page_size": 101}, headers=h).status_code == 422
    assert client.get(URL, query_string={"role": "admin"}, headers=h).status_code == 422
