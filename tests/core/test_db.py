"""Database plumbing: aware UTC datetimes and enforced foreign keys on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from api.core.timeutil import as_utc, local_date
from api.students.models import Student
from api.users.models import User
from tests.factories import make_school, make_user


def test_datetimes_come_back_aware_utc(session):
    school = make_school(session)
    user = make_user(session, school)
    cet = timezone(timedelta(hours=1))
    user.last_login_at = datetime(2026, 3, 1, 12, 30, tzinfo=cet)
    session.commit()
    session.expire_all()
    got = session.get(User, user.id).last_login_at
    assert got.tzinfo is not None and got.utcoffset() == timedelta(0)
    assert got == datetime(2026, 3, 1, 11, 30, tzinfo=UTC)


def test_naive_datetimes_are_refused(session):
    school = make_school(session)
    user = make_user(session, school)
    user.last_login_at = datetime(2026, 3, 1, 12, 30)
    with pytest.raises(Exception, match="naive"):
        session.commit()
    session.rollback()


def test_foreign_keys_are_enforced(session):
    session.add(Student(school_id=987654, given_name="A", family_name="B"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_local_day_rules():
    # 23:30 UTC on 31 March is already 1 April in Copenhagen (summer time).
    assert local_date(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)).isoformat() == "2026-04-01"
    assert as_utc(datetime(2026, 1, 15, 8, 0)) == datetime(2026, 1, 15, 7, 0, tzinfo=UTC)


def test_postgresql_sessions_speak_utc_and_keep_the_urls_own_options(backend, database_url):
    """Times come back in UTC without a conversion per value, whatever the server's default zone, and options an
    operator put in the URL (a lock timeout) still apply."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's session options")
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from api.core.db import make_engine

    url = make_url(database_url).update_query_dict({"options": "-c lock_timeout=250"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW TimeZone")).scalar() == "UTC"
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "250ms"
            assert conn.execute(text("SELECT now()")).scalar().tzinfo is UTC
    finally:
        engine.dispose()
