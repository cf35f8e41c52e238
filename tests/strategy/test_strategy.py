"""The antimobbestrategi: versions, the version a case links, the checklist built from it, the printable page
and the review reminder."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from api.core.timeutil import local_date, utcnow
from api.incidents.models import AudienceItem, Incident
from api.jobs.schedule import JOBS
from api.notifications.models import Notification
from api.strategy import vestrup
from api.strategy.service import seed_version_one
from tests.incidents.factories import headers, make_incident, make_world
from tests.matrix import statuses, tenant

URL = "/api/v1/strategy/versions"


@pytest.fixture
def world(app, session):
    return make_world(session)


def _body(**over):
    body = {
        "title": "Antimobbestrategi 2027",
        "purpose": "Alle skal trives.",
        "definitions": "Mobning er gentaget og planlagt.",
        "prevention": "Trivselsdage.",
        "detection": "Elevsamtaler.",
        "intervention": "En voksen undersøger.",
        "digital_bullying": "Vi taler om god tone på nettet.",
        "adopted_by": "Skolebestyrelsen",
        "adopted_on": "2026-11-20",
        "applies_from": "2026-12-01",
    }
    body.update(over)
    return body


def test_leader_adds_a_version_and_the_list_says_which_is_in_force(app, client, session, world):
    with app.app_context():
        seed_version_one(session, school_id=world.school.id)
        session.commit()
    h = headers(app, world, world.users["leader"])
    resp = client.post(URL, json=_body(), headers=h)
    assert resp.status_code == 201, resp.json
    v2 = resp.json
    assert v2["number"] == 2
    assert resp.headers["Location"] == f"{URL}/{v2['id']}"
    # No response section given: the five audiences in Vestrup's words, in the strategy's order.
    assert [r["audience"] for r in v2["response"]] == ["students", "class", "parents", "staff", "leadership"]
    listing = client.get(URL, headers=headers(app, world, world.users["teacher"])).json
    assert [(v["number"], v["in_force"]) for v in listing["items"]] == [(2, True), (1, False)]


def test_a_version_that_applies_later_is_not_yet_in_force(app, client, world):
    h = headers(app, world, world.users["leader"])
    later = (local_date() + timedelta(days=30)).isoformat()
    client.post(URL, json=_body(adopted_on="2026-01-01", applies_from="2026-01-01"), headers=h)
    client.post(URL, json=_body(adopted_on=local_date().isoformat(), applies_from=later), headers=h)
    listing = client.get(URL, headers=h).json
    assert [(v["number"], v["in_force"]) for v in listing["items"]] == [(2, False), (1, True)]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"digital_bullying": ""}, "digital_bullying"),
        ({"digital_bullying": None}, "digital_bullying"),
        ({"applies_from": "2026-11-01"}, "applies_from"),
        ({"response": [{"audience": "students", "text": "Vi taler med dem."}]}, "response"),
        (
            {"response": [{"audience": "students", "text": "a"}, {"audience": "students", "text": "b"}]},
            "response",
        ),
        ({"response": [{"audience": "janitor", "text": "a"}]}, "response"),
    ],
)
def test_a_version_without_what_the_law_asks_is_refused(app, client, world, over, field):
    body = _body(**over)
    if over.get("digital_bullying") is None and "digital_bullying" in over:
        del body["digital_bullying"]
    resp = client.post(URL, json=body, headers=headers(app, world, world.users["leader"]))
    assert resp.status_code == 422
    assert field in resp.json["errors"]


def test_who_may_read_and_add(app, client, session):
    a = tenant(session, "A")
    with app.app_context():
        version = seed_version_one(session, school_id=a.school.id)
        session.commit()
        vid = version.id
    reads = statuses(app, client, a.users, "GET", f"{URL}/{vid}")
    assert set(reads.values()) == {200}
    writes = statuses(app, client, a.users, "POST", URL, json=_body())
    assert {r for r, s in writes.items() if s == 201} == {"leader", "admin"}
    assert {s for r, s in writes.items() if r not in ("leader", "admin")} == {403}
    b = tenant(session, "B")
    assert set(statuses(app, client, b.users, "GET", f"{URL}/{vid}").values()) == {404}
    assert set(statuses(app, client, b.users, "GET", f"{URL}/{vid}/print").values()) == {404}


def test_a_new_case_links_the_version_in_force_and_its_checklist_follows_the_response_section(
    app, client, session, world
):
    h = headers(app, world, world.users["leader"])
    own_words = [
        {"audience": "parents", "text": "Vi ringer til forældrene samme dag."},
        {"audience": "students", "text": "Vi taler med eleverne hver for sig."},
        {"audience": "leadership", "text": "Skolelederen orienteres."},
    ]
    version = client.post(
        URL, json=_body(adopted_on="2026-01-01", applies_from="2026-01-01", response=own_words), headers=h
    ).json
    resp = client.post(
        "/api/v1/incidents",
        json={"classification": "bullying", "students": [{"student_id": world.anna.id, "role": "target"}]},
        headers=headers(app, world, world.users["teacher"]),
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["strategy_version_id"] == version["id"]
    incident_id = resp.json["id"]
    # A newer version adopted later does not change what the case was reported under.
    client.post(URL, json=_body(adopted_on="2026-01-02", applies_from="2026-01-02"), headers=h)
    assert client.post(f"/api/v1/incidents/{incident_id}/establish", json={}, headers=h).status_code == 200
    items = session.scalars(
        select(AudienceItem).where(AudienceItem.incident_id == incident_id).order_by(AudienceItem.position)
    )
    assert [i.audience for i in items] == ["parents", "students", "leadership"]
    assert session.get(Incident, incident_id).strategy_version_id == version["id"]


def test_a_case_without_a_strategy_gets_the_five_default_audiences(app, client, session, world):
    incident = make_incident(session, world, classification="bullying", status="investigating")
    h = headers(app, world, world.users["leader"])
    assert client.post(f"/api/v1/incidents/{incident.id}/establish", json={}, headers=h).status_code == 200
    items = session.scalars(
        select(AudienceItem).where(AudienceItem.incident_id == incident.id).order_by(AudienceItem.position)
    )
    assert [i.audience for i in items] == [a for a, _t in vestrup.RESPONSE]


def test_the_printable_page_is_the_strategy_in_danish_without_script(app, client, session, world):
    with app.app_context():
        version = seed_version_one(session, school_id=world.school.id)
        session.commit()
        vid = version.id
    resp = client.get(f"{URL}/{vid}/print", headers=headers(app, world, world.users["teacher"]))
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert "Antimobbestrategi for Vestrup Skole" in html
    assert "Digital mobning" in html
    assert "fast punkt på dagsordenen til alle forældremøder" in html
    assert "<script" not in html
    assert "script-src 'none'" in resp.headers["Content-Security-Policy"]


def test_review_reminder_is_good_practice_and_sent_once(app, client, session, world):
    h = headers(app, world, world.users["leader"])
    assert client.get("/api/v1/strategy/review", headers=h).json["status"] == "missing"
    old = (local_date() - timedelta(days=400)).isoformat()
    client.post(URL, json=_body(adopted_on=old, applies_from=old), headers=h)
    review = client.get("/api/v1/strategy/review", headers=h).json
    assert review["status"] == "review_due"
    assert review["basis"] == "good_practice"
    job = next(j for j in JOBS if j.name == "strategy_review")
    with app.app_context():
        assert job.run(session, utcnow()) == {"schools_reminded": 1}
        assert job.run(session, utcnow()) == {"schools_reminded": 0}
        session.commit()
    notes = list(session.scalars(select(Notification).where(Notification.kind == "strategy_review_due")))
    leaders = {world.users["leader"].id, world.users["leader2"].id}
    assert {n.user_id for n in notes} == leaders


def test_review_period_is_configurable(app, client, world):
    app.config["STRATEGY_REVIEW_DAYS"] = 30
    h = headers(app, world, world.users["leader"])
    recent = (local_date() - timedelta(days=40)).isoformat()
    client.post(URL, json=_body(adopted_on=recent, applies_from=recent), headers=h)
    review = client.get("/api/v1/strategy/review", headers=h).json
    assert review["status"] == "review_due"
    assert review["review_due_on"] == (date.fromisoformat(recent) + timedelta(days=30)).isoformat()


def test_demo_school_holds_vestrups_strategy_as_version_1(app, session):
    from api.demo import load_demo

    with app.app_context():
        load_demo(session)
        session.commit()
    from api.strategy.models import StrategyVersion

    version = session.scalar(select(StrategyVersion))
    assert version.number == 1
    assert version.title == "Antimobbestrategi for Vestrup Skole"
    assert "Digital mobning er" in version.digital_bullying


def test_the_review_says_who_may_record_a_new_version(app, client, world):
    """The screen shows the form for a new version to whom the API would accept it from, and to no one else."""
    for role, may in (("leader", True), ("teacher", False), ("resource_person", False)):
        h = headers(app, world, world.users[role])
        review = client.get("/api/v1/strategy/review", headers=h).json
        assert review["can_add_version"] is may, role
        added = client.post(URL, json=_body(), headers=h)
        assert (added.status_code == 201) is may, (role, added.status_code)
