"""The school's settings: its recess times, read by every adult's phone and changed by an admin."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from api.core.audit import AuditEntry
from api.schools.schemas import MAX_RECESSES
from tests.factories import auth, make_school, make_user

URL = "/api/v1/schools/current"
RECESSES = [{"start": "11:30", "end": "12:00"}, {"start": "09:40", "end": "10:00"}]


def field_errors(resp: Any) -> dict[str, Any]:
    """The per-field errors, before and after the error shape lost its location level ("json")."""
    errors = resp.json.get("errors") or {}
    return errors.get("json", errors)


def patch(client: Any, headers: dict[str, str], body: dict[str, Any]) -> Any:
    etag = client.get(URL, headers=headers).headers["ETag"]
    return client.patch(URL, json=body, headers={**headers, "If-Match": etag})


@pytest.fixture
def school(session):
    return make_school(session)


def test_a_new_school_has_no_recess_times(client, session, app, school):
    teacher = make_user(session, school, "teacher")
    resp = client.get(URL, headers=auth(app, teacher))
    assert resp.status_code == 200 and resp.json["recess_times"] == []


def test_admin_sets_recess_times_and_every_adult_reads_them_earliest_first(client, session, app, school):
    admin = make_user(session, school, "admin")
    resp = patch(client, auth(app, admin), {"recess_times": RECESSES})
    assert resp.status_code == 200, resp.json
    expected = [{"start": "09:40", "end": "10:00"}, {"start": "11:30", "end": "12:00"}]
    assert resp.json["recess_times"] == expected
    for role in ("teacher", "sfo_staff", "pedagogue"):
        reader = make_user(session, school, role)
        assert client.get(URL, headers=auth(app, reader)).json["recess_times"] == expected
    row = session.scalars(select(AuditEntry).where(AuditEntry.action == "school_updated")).one()
    assert row.user_id == admin.id and row.detail == {"fields": ["recess_times"]}
    # Other settings are left as they were; an empty list clears the times.
    assert patch(client, auth(app, admin), {"count_closed_days": True}).json["recess_times"] == expected
    assert patch(client, auth(app, admin), {"recess_times": []}).json["recess_times"] == []


def test_another_schools_recess_times_are_not_shown(client, session, app, school):
    admin = make_user(session, school, "admin")
    assert patch(client, auth(app, admin), {"recess_times": RECESSES}).status_code == 200
    other = make_user(session, make_school(session), "teacher")
    assert client.get(URL, headers=auth(app, other)).json["recess_times"] == []


def test_only_an_admin_changes_them(client, session, app, school):
    for role in ("teacher", "leader", "sfo_staff"):
        user = make_user(session, school, role)
        assert patch(client, auth(app, user), {"recess_times": RECESSES}).status_code == 403, role
    admin = make_user(session, school, "admin")
    assert client.get(URL, headers=auth(app, admin)).json["recess_times"] == []


def test_a_change_needs_the_etag_that_was_read(client, session, app, school):
    headers = auth(app, make_user(session, school, "admin"))
    assert client.patch(URL, json={"recess_times": RECESSES}, headers=headers).status_code == 428
    stale = client.get(URL, headers=headers).headers["ETag"]
    assert patch(client, headers, {"count_closed_days": True}).status_code == 200
    resp = client.patch(URL, json={"recess_times": RECESSES}, headers={**headers, "If-Match": stale})
    assert resp.status_code == 412


@pytest.mark.parametrize(
    "recesses",
    [
        [{"start": "10:00", "end": "09:40"}],  # ends before it starts
        [{"start": "10:00", "end": "10:00"}],  # no length
        [{"start": "09:40", "end": "10:10"}, {"start": "10:00", "end": "10:20"}],  # overlap
        [{"start": "9:40", "end": "10:00"}],  # not HH:MM
        [{"start": "24:00", "end": "24:10"}],  # no such time
        [{"start": "09:40"}],  # no end
        [{"start": "09:40", "end": "10:00", "name": "x"}],  # unknown field
        [{"start": f"{h:02d}:00", "end": f"{h:02d}:10"} for h in range(MAX_RECESSES + 1)],  # too many
    ],
)
def test_impossible_recess_times_are_refused_on_their_field(client, session, app, school, recesses):
    headers = auth(app, make_user(session, school, "admin"))
    resp = patch(client, headers, {"recess_times": recesses})
    assert resp.status_code == 422
    assert "recess_times" in field_errors(resp)
    assert client.get(URL, headers=headers).json["recess_times"] == []


def test_recesses_that_only_touch_are_fine(client, session, app, school):
    headers = auth(app, make_user(session, school, "admin"))
    touching = [{"start": "09:40", "end": "10:00"}, {"start": "10:00", "end": "10:15"}]
    assert patch(client, headers, {"recess_times": touching}).json["recess_times"] == touching
