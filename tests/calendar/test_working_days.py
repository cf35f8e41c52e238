"""Working days for the action-plan deadline: weekends, Danish public holidays, the school's closed days."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from api.calendar.models import ClosedPeriod
from api.calendar.service import add_working_days, is_public_holiday, is_working_day
from tests.factories import auth, make_school, make_user


@pytest.fixture
def school(session):
    return make_school(session)


def due(session, school, start, days=10):
    return add_working_days(session, school=school, start=start, days=days)


def test_easter_2026_the_three_public_holidays_are_skipped(session, school):
    # Wednesday 1 April 2026; Skærtorsdag 2/4, Langfredag 3/4 and 2. påskedag 6/4 are public holidays.
    # Working days after it: 7, 8, 9, 10, 13, 14, 15, 16, 17, 20 April -> the 10th is Monday 20 April.
    assert date(2026, 4, 1).weekday() == 2
    assert due(session, school, date(2026, 4, 1)) == date(2026, 4, 20)
    assert [due(session, school, date(2026, 4, 1), n) for n in (1, 8, 9)] == [
        date(2026, 4, 7),
        date(2026, 4, 16),
        date(2026, 4, 17),
    ]


def test_the_holidays_package_gives_the_danish_public_holidays_we_rely_on(session):
    for day in (
        "2026-01-01",
        "2026-04-02",
        "2026-04-03",
        "2026-04-06",
        "2026-05-14",
        "2026-05-25",
        "2026-12-25",
    ):
        assert is_public_holiday(date.fromisoformat(day)), day
    # Its default categories do not include Grundlovsdag, Christmas Eve or New Year's Eve (nor Store Bededag,
    # abolished from 2024): those are ordinary working days unless the school registers them as closed.
    for day in ("2026-06-05", "2026-12-24", "2026-12-31", "2026-05-01"):
        assert not is_public_holiday(date.fromisoformat(day)), day


def test_weekends_do_not_count_and_the_start_day_never_does(session, school):
    # Plain weeks (no holidays): Monday 2 March 2026 -> the 10th working day after is Monday 16 March
    assert due(session, school, date(2026, 3, 2)) == date(2026, 3, 16)
    # Established on a Friday: the count starts Monday
    assert due(session, school, date(2026, 3, 6), 1) == date(2026, 3, 9)
    # Established on a Saturday: the next Monday is the first working day
    assert due(session, school, date(2026, 3, 7), 1) == date(2026, 3, 9)
    assert due(session, school, date(2026, 3, 7)) == date(2026, 3, 20)
    assert due(session, school, date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_christmas_and_new_year_across_the_year_end(session, school):
    # Friday 18 Dec 2026: 21, 22, 23, 24, (25 holiday), 28, 29, 30, 31, (1 Jan holiday), 4, 5 Jan
    assert due(session, school, date(2026, 12, 18)) == date(2027, 1, 5)


def test_closed_days_count_only_when_the_school_says_so(session, school):
    # Efterårsferie (autumn holiday) week 42 of 2026: 12-16 October
    session.add(
        ClosedPeriod(
            school_id=school.id, first_day=date(2026, 10, 12), last_day=date(2026, 10, 16), name="Efterår"
        )
    )
    session.commit()
    friday = date(2026, 10, 9)
    assert school.count_closed_days is False
    assert due(session, school, friday) == date(2026, 10, 23)
    assert is_working_day(session, school=school, day=date(2026, 10, 14))
    school.count_closed_days = True
    session.commit()
    assert due(session, school, friday) == date(2026, 10, 30)
    assert not is_working_day(session, school=school, day=date(2026, 10, 14))
    # Another school's closed days never count
    other = make_school(session, count_closed_days=True)
    assert due(session, other, friday) == date(2026, 10, 23)


def test_closed_days_api(app, client, session, school):
    leader = auth(app, make_user(session, school, "leader"))
    admin = auth(app, make_user(session, school, "admin"))
    teacher = auth(app, make_user(session, school, "teacher"))
    url = "/api/v1/calendar/closed-days"
    autumn = {"first_day": "2026-10-12", "last_day": "2026-10-16", "name": "Efterårsferie"}
    assert client.post(url, json=autumn, headers=teacher).status_code == 403
    resp = client.post(url, json=autumn, headers=leader)
    assert resp.status_code == 201, resp.json
    assert resp.json["first_day"] == "2026-10-12" and resp.json["last_day"] == "2026-10-16"
    one_day = client.post(url, json={"first_day": "2026-06-05", "name": "Grundlovsdag"}, headers=admin)
    assert one_day.status_code == 201 and one_day.json["last_day"] == "2026-06-05"
    # overlapping periods are refused
    overlap = {"first_day": "2026-10-16", "last_day": "2026-10-19", "name": "x"}
    assert client.post(url, json=overlap, headers=leader).status_code == 409
    backwards = {"first_day": "2026-10-20", "last_day": "2026-10-19", "name": "x"}
    assert client.post(url, json=backwards, headers=leader).status_code == 422
    listed = client.get(url, headers=teacher)
    assert listed.status_code == 200
    assert [p["name"] for p in listed.json["items"]] == ["Grundlovsdag", "Efterårsferie"]
    assert client.get(url + "?from=2026-07-01", headers=teacher).json["total"] == 1
    # another school neither sees nor deletes them
    other = make_school(session)
    other_leader = auth(app, make_user(session, other, "leader"))
    assert client.get(url, headers=other_leader).json["total"] == 0
    assert client.delete(f"{url}/{resp.json['id']}", headers=other_leader).status_code == 404
    assert client.delete(f"{url}/{resp.json['id']}", headers=teacher).status_code == 403
    assert client.delete(f"{url}/{resp.json['id']}", headers=leader).status_code == 204
    assert client.delete(f"{url}/{resp.json['id']}", headers=leader).status_code == 404
    assert session.scalar(select(func.count()).select_from(ClosedPeriod)) == 1
