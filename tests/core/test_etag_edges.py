"""If-Match at its edges: missing or empty is 428, a stale, foreign or malformed tag is 412, the current tag
(alone, in a list, or `*`) applies the change, and a weak tag never applies it."""

from __future__ import annotations

import pytest

from api.users.models import User
from tests.factories import auth, make_school, make_user


@pytest.fixture
def setup(app, session):
    school = make_school(session)
    admin = make_user(session, school, "admin")
    target = make_user(session, school, "teacher", name="Før")
    other = make_user(session, school, "teacher", name="Anden")
    return auth(app, admin), target, other


def etag(client, headers, user) -> str:
    resp = client.get(f"/api/v1/users/{user.id}", headers=headers)
    assert resp.status_code == 200
    return resp.headers["ETag"]


def rename(client, headers, user, if_match: str | None, name: str = "Efter"):
    extra = {} if if_match is None else {"If-Match": if_match}
    return client.patch(f"/api/v1/users/{user.id}", headers={**headers, **extra}, json={"name": name})


def name_of(session, user) -> str:
    session.expire_all()
    return session.get(User, user.id).name


@pytest.mark.parametrize("if_match", [None, "", " ", ","])
def test_without_a_usable_if_match_the_change_needs_one(client, session, setup, if_match):
    headers, target, _ = setup
    resp = rename(client, headers, target, if_match)
    assert resp.status_code == 428
    assert name_of(session, target) == "Før"


def test_the_current_tag_applies_the_change_and_a_new_tag_comes_back(client, session, setup):
    headers, target, _ = setup
    current = etag(client, headers, target)
    resp = rename(client, headers, target, current)
    assert resp.status_code == 200, resp.json
    assert resp.headers["ETag"] != current
    assert name_of(session, target) == "Efter"
    # the tag read before the change is stale now
    stale = rename(client, headers, target, current, name="Igen")
    assert stale.status_code == 412
    assert name_of(session, target) == "Efter"


@pytest.mark.parametrize("shape", ["list", "star"])
def test_the_current_tag_in_a_list_or_a_star_applies_the_change(client, session, setup, shape):
    headers, target, other = setup
    current = etag(client, headers, target)
    value = f"{etag(client, headers, other)}, {current}" if shape == "list" else "*"
    assert rename(client, headers, target, value).status_code == 200
    assert name_of(session, target) == "Efter"


@pytest.mark.parametrize("kind", ["another record", "malformed", "unquoted current"])
def test_a_tag_that_does_not_name_this_version_is_412(client, session, setup, kind):
    headers, target, other = setup
    current = etag(client, headers, target)
    value = {
        "another record": etag(client, headers, other),
        "malformed": "garbage",
        "unquoted current": current.strip('"') + "x",
    }[kind]
    assert rename(client, headers, target, value).status_code == 412
    assert name_of(session, target) == "Før"


def test_a_weak_tag_never_applies_the_change(client, session, setup):
    headers, target, _ = setup
    current = etag(client, headers, target)
    resp = rename(client, headers, target, f"W/{current}")
    assert resp.status_code in (412, 428)
    assert name_of(session, target) == "Før"
