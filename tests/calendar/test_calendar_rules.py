"""The calendar's rules at their edges: closed-period length, overlaps, filters, the five-year guard, working days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from api.calendar.models import ClosedPeriod
from api.calendar.service import add_working_days, is_working_day, list_closed_days
from api.core.audit import AuditEntry
from api.errors import InvalidInput
from tests.factories import auth, make_school, make_user

URL = "/api/v1/calendar/closed-days"


@pytest.fixture
def school(session):
    return make_school(session, count_closed_days=True)


@pytest.fixture
def leader(session, school):
    return make_user(session, school, "leader")


def closed(session, school, first: date, last: date, name: str = "Ferie") -> ClosedPeriod:
    period = ClosedPeriod(school_id=school.id, first_day=first, last_day=last, name=name)
    session.add(period)
    session.commit()
    return period


def post(client, headers, first: str, last: str | None = None, name: str = "Ferie"):
    body = {"first_day": first, "name": name} | ({"last_day": last} if last else {})
    return client.post(URL, json=body, headers=headers)


# --- the 120-day limit on a closed period -------------------------------------------------------------------


def test_a_closed_period_of_exactly_120_days_is_accepted_and_121_days_refused(app, client, session, leader):
    headers = auth(app, leader)
    # 1 January - 30 April 2027 is 120 days, both ends included
    assert (date(2027, 4, 30) - date(2027, 1, 1)).days + 1 == 120
    accepted = post(client, headers, "2027-01-01", "2027-04-30")
    assert accepted.status_code == 201, accepted.json
    too_long = post(client, headers, "2029-01-01", "2029-05-01")
    assert (date(2029, 5, 1) - date(2029, 1, 1)).days + 1 == 121
    assert too_long.status_code == 422
    assert "last_day" in too_long.json["errors"]
    assert session.scalar(select(ClosedPeriod.id).where(ClosedPeriod.first_day == date(2029, 1, 1))) is None


def test_a_period_ending_before_it_starts_names_last_day(app, client, leader):
    resp = post(client, auth(app, leader), "2026-10-20", "2026-10-19")
    assert resp.status_code == 422
    assert "last_day" in resp.json["errors"]


def test_a_blank_name_is_refused_and_names_the_field(app, client, session, leader):
    resp = post(client, auth(app, leader), "2026-10-12", "2026-10-16", name="   ")
    assert resp.status_code == 422
    assert "name" in resp.json["errors"]
    assert session.scalar(select(ClosedPeriod.id)) is None


# --- the overlap check ---------------------------------------------------------------------------------------


def test_another_schools_closed_days_never_block_this_schools(app, client, session, school, leader):
    other = make_school(session)
    closed(session, other, date(2026, 10, 12), date(2026, 10, 16), name="Efterår (other school)")
    resp = post(client, auth(app, leader), "2026-10-12", "2026-10-16", name="Efterårsferie")
    assert resp.status_code == 201, resp.json


def test_overlap_boundaries_touching_is_overlapping_and_the_next_day_is_free(app, client, leader):
    headers = auth(app, leader)
    assert post(client, headers, "2026-10-12", "2026-10-16").status_code == 201
    # ends on the existing first day / starts on the existing last day: both overlap
    assert post(client, headers, "2026-10-08", "2026-10-12").status_code == 409
    assert post(client, headers, "2026-10-16", "2026-10-20").status_code == 409
    # inside it, and around it
    assert post(client, headers, "2026-10-13", "2026-10-14").status_code == 409
    assert post(client, headers, "2026-10-01", "2026-10-30").status_code == 409
    # the day before and the day after are free, and so is a later period
    assert post(client, headers, "2026-10-11").status_code == 201
    assert post(client, headers, "2026-10-17").status_code == 201
    assert post(client, headers, "2026-12-21", "2027-01-01").status_code == 201


def test_adding_closed_days_records_who_and_an_audit_row(app, client, session, leader):
    resp = post(client, auth(app, leader), "2026-10-12", "2026-10-16")
    assert resp.status_code == 201
    period = session.get(ClosedPeriod, resp.json["id"])
    assert period.created_by_id == leader.id
    row = session.scalars(select(AuditEntry).where(AuditEntry.action == "closed_days_added")).one()
    assert (row.user_id, row.resource_type, row.resource_id, row.outcome) == (
        leader.id,
        "calendar_closed_days",
        str(period.id),
        "allowed",
    )
    assert row.detail == {"first_day": "2026-10-12", "last_day": "2026-10-16"}


def test_deleting_closed_days_leaves_an_audit_row(app, client, session, school, leader):
    period = closed(session, school, date(2026, 10, 12), date(2026, 10, 16))
    assert client.delete(f"{URL}/{period.id}", headers=auth(app, leader)).status_code == 204
    row = session.scalars(select(AuditEntry).where(AuditEntry.action == "closed_days_deleted")).one()
    assert (row.user_id, row.resource_type, row.resource_id, row.outcome) == (
        leader.id,
        "calendar_closed_days",
        str(period.id),
        "allowed",
    )


def test_a_period_with_a_large_id_can_be_deleted(app, client, session, school, leader):
    # Ids grow with the years; any id of the database's integer range is a real period.
    period = ClosedPeriod(
        id=5_000_000, school_id=school.id, first_day=date(2026, 10, 12), last_day=date(2026, 10, 16), name="x"
    )
    session.add(period)
    session.commit()
    assert client.delete(f"{URL}/5000000", headers=auth(app, leader)).status_code == 204
    assert session.get(ClosedPeriod, 5_000_000) is None


# --- the list's from/to filters ------------------------------------------------------------------------------


def test_from_and_to_include_periods_touching_the_boundary_days(app, client, session, school, leader):
    closed(session, school, date(2026, 10, 12), date(2026, 10, 16), name="Efterår")
    closed(session, school, date(2026, 12, 21), date(2027, 1, 1), name="Jul")
    closed(session, school, date(2027, 2, 15), date(2027, 2, 19), name="Vinter")
    headers = auth(app, make_user(session, school, "teacher"))

    def names(query: str) -> list[str]:
        resp = client.get(f"{URL}?{query}", headers=headers)
        assert resp.status_code == 200, resp.json
        return [p["name"] for p in resp.json["items"]]

    # `to` keeps periods that start on or before it
    assert names("to=2026-12-20") == ["Efterår"]
    assert names("to=2026-12-21") == ["Efterår", "Jul"]
    # `from` keeps periods that end on or after it
    assert names("from=2026-10-16") == ["Efterår", "Jul", "Vinter"]
    assert names("from=2026-10-17") == ["Jul", "Vinter"]
    # both: the periods touching [from, to]
    assert names("from=2027-01-01&to=2027-02-15") == ["Jul", "Vinter"]
    assert names("from=2027-01-02&to=2027-02-14") == []


def test_listing_without_paging_arguments_gives_the_first_page_of_25(session, school, leader):
    start = date(2030, 1, 7)
    for week in range(26):
        monday = start + timedelta(weeks=week)
        closed(session, school, monday, monday, name=f"Lukket {week + 1:02d}")
    page = list_closed_days(session, caller=leader)
    assert page["total"] == 26
    assert len(page["items"]) == 25
    assert page["items"][0].name == "Lukket 01"


# --- the five-year guard of the deadline search -------------------------------------------------------------

START = date(2026, 3, 2)  # a Monday
HORIZON = date(2031, 3, 6)  # the last day the search looks at: 5 x 366 days later, a Thursday, no holiday


def close_every_day(session, school, first: date, last: date) -> None:
    """Closed periods of at most 120 days covering first..last."""
    day = first
    while day <= last:
        end = min(day + timedelta(days=119), last)
        closed(session, school, day, end, name=f"Lukket fra {day}")
        day = end + timedelta(days=1)


def test_the_search_looks_exactly_five_years_ahead_and_no_further(session, school):
    assert (HORIZON - START).days == 5 * 366 and HORIZON.weekday() == 3
    # Closed every day up to the day before the horizon: the horizon itself is the first working day.
    close_every_day(session, school, START + timedelta(days=1), HORIZON - timedelta(days=1))
    assert add_working_days(session, school=school, start=START, days=1) == HORIZON


def test_a_calendar_closed_for_five_years_is_refused_not_searched_forever(session, school):
    close_every_day(session, school, START + timedelta(days=1), HORIZON)
    with pytest.raises(InvalidInput):
        add_working_days(session, school=school, start=START, days=1)


# --- is_working_day --------------------------------------------------------------------------------------------


def test_is_working_day_weekends_holidays_closed_days_and_ordinary_days(session, school):
    closed(session, school, date(2026, 10, 12), date(2026, 10, 16), name="Efterår")
    assert is_working_day(session, school=school, day=date(2026, 3, 6))  # Friday
    assert not is_working_day(session, school=school, day=date(2026, 3, 7))  # Saturday
    assert not is_working_day(session, school=school, day=date(2026, 3, 8))  # Sunday
    assert is_working_day(session, school=school, day=date(2026, 3, 9))  # Monday
    assert not is_working_day(session, school=school, day=date(2026, 4, 6))  # 2. påskedag, a Monday
    assert not is_working_day(session, school=school, day=date(2026, 10, 12))  # first closed day
    assert not is_working_day(session, school=school, day=date(2026, 10, 16))  # last closed day
    assert is_working_day(session, school=school, day=date(2026, 10, 19))  # the Monday after
