"""The search answers from the name-token index, not a table scan (the plan is asserted, never a timing)."""

from __future__ import annotations

import random

from sqlalchemy import insert, text

from api.students.models import Student, StudentNameToken
from api.students.search import explain, match_statement, sort_key, student_tokens
from tests.factories import make_school

SYLLABLES = ["ma", "fre", "os", "i", "no", "so", "e", "lau", "ak", "bjø", "zo", "ka", "ri", "tu", "væ", "hel"]


def _fill(session, school_id: int, count: int) -> None:
    rng = random.Random(3)
    students = [
        {
            "school_id": school_id,
            "given_name": "Åse" if i % 500 == 0 else "".join(rng.choices(SYLLABLES, k=3)).title(),
            "family_name": "Østergård" if i % 500 == 0 else "".join(rng.choices(SYLLABLES, k=4)).title(),
            "active": True,
            "sfo_enrolled": False,
            "version": 1,
            "created_at": Student.created_at.default.arg(None),
            "updated_at": Student.created_at.default.arg(None),
        }
        for i in range(count)
    ]
    session.execute(insert(Student.__table__), students)
    rows = session.execute(
        text("SELECT id, given_name, family_name FROM students WHERE school_id = :s"), {"s": school_id}
    ).all()
    tokens = [
        {
            "school_id": school_id,
            "student_id": sid,
            "token": token,
            "kind": kind,
            "active": True,
            "class_id": None,
            "sort_key": sort_key(given, family, None),
        }
        for sid, given, family in rows
        for token, kind in student_tokens(given, family, None)
    ]
    session.execute(insert(StudentNameToken.__table__), tokens)
    session.commit()


def test_search_uses_the_token_index(app, session, backend):
    school = make_school(session)
    other = make_school(session)
    _fill(session, school.id, 4000)
    _fill(session, other.id, 1000)
    if backend == "postgresql":
        session.execute(text("ANALYZE"))
        session.commit()
    # The whole search (filters, ranking, order, count) reads only index ranges of the token table; the
    # 25 students of the page are then read by primary key.
    for q in ("åse øst", "ma", "a"):
        plan = explain(session, match_statement(school_id=school.id, q=q).limit(25))
        assert "ix_student_name_tokens_lookup" in plan, plan
        assert "students" not in plan.replace("student_name_tokens", ""), plan
        if backend == "postgresql":
            assert "Seq Scan" not in plan, plan
        else:
            assert "SCAN student_name_tokens" not in plan, plan
            assert "token>? AND token<?" in plan or "token>?" in plan, plan
