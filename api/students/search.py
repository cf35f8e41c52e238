"""Student name search: folding names to searchable tokens, and the indexed prefix query.

Folding (the same for names and for what people type):
- lower case; accents dropped (é -> e, ü -> u, å -> a);
- ø -> o, æ -> ae, ß -> ss, ð -> d, þ -> th, œ -> oe, ł -> l;
- runs of "a" become one "a", so the classic spelling "aa" meets "å": "Aase" and "Åse" are both "ase";
- everything that is not a letter or digit separates name parts ("Hans-Christian" -> "hans", "christian").

A name part is also stored in its common alternative ASCII spellings, so a teacher typing the way the
name is written on a foreign keyboard still finds it: æ also as "a" ("Mæhl" -> "mahl"), ø also as "oe"
("Søren" -> "soeren"). A hyphenated or multi-word name is also stored joined ("hanschristian").

Tokens only contain [0-9a-z], so a prefix is the range `token >= q AND token < upper(q)`, where
upper(q) is the next string in that alphabet; in that alphabet every collation orders like "C", so the
same btree range scan answers it on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import Select, case, func, select, text
from sqlalchemy.orm import Session, aliased

from api.core.pagination import paginate
from api.students.models import SchoolClass, Student, StudentNameToken

MAX_QUERY_WORDS = 5
TOKEN_MAX = 100
FIRST_NAME, FAMILY_NAME = 0, 1

_SPECIAL = str.maketrans(
    {"ø": "o", "æ": "ae", "ß": "ss", "ð": "d", "þ": "th", "œ": "oe", "ł": "l", "đ": "d", "\u0131": "i"}
)
_SPLIT = re.compile(r"[^0-9a-z]+")
_A_RUNS = re.compile(r"a{2,}")
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold(text: str, *, ae: str = "ae", oe: str = "o") -> str:
    """Lower case, Danish letters and accents to ASCII (see the module doc); separators kept as spaces."""
    text = unicodedata.normalize("NFC", text).lower()
    text = text.replace("æ", ae).replace("ø", oe)
    text = _strip_accents(text.translate(_SPECIAL))
    return _A_RUNS.sub("a", _SPLIT.sub(" ", text))


def fold_words(text: str) -> list[str]:
    """What someone typed as the folded words to look up."""
    return [w for w in _fold(text).split() if w][:MAX_QUERY_WORDS]


def name_variants(text: str | None) -> set[str]:
    """Every token a name field is stored under (parts, alternative spellings, joined form)."""
    if not text:
        return set()
    tokens: set[str] = set()
    for ae, oe in (("ae", "o"), ("a", "o"), ("ae", "oe")):
        parts = [p for p in _fold(text, ae=ae, oe=oe).split() if p]
        tokens.update(p[:TOKEN_MAX] for p in parts)
        if len(parts) > 1:
            tokens.add("".join(parts)[:TOKEN_MAX])
    return tokens


def student_tokens(given_name: str | None, family_name: str | None, preferred_name: str | None) -> list:
    """(token, kind) rows for one student; a token in a first name and a family name counts as first."""
    first = name_variants(given_name) | name_variants(preferred_name)
    family = name_variants(family_name) - first
    return sorted((t, FIRST_NAME) for t in first) + sorted((t, FAMILY_NAME) for t in family)


def prefix_upper(prefix: str) -> str | None:
    """The smallest string in the token alphabet greater than every string starting with `prefix`
    (None when there is none, e.g. "zz")."""
    chars = list(prefix)
    while chars:
        pos = _ALPHABET.find(chars[-1])
        if pos < len(_ALPHABET) - 1:
            chars[-1] = _ALPHABET[pos + 1]
            return "".join(chars)
        chars.pop()
    return None


def sort_key(given_name: str | None, family_name: str | None, preferred_name: str | None) -> str:
    """The folded name a student is listed by in search results ("kalle sorensen")."""
    shown = f"{preferred_name or given_name or ''} {family_name or ''}"
    return " ".join(_fold(shown).split())[:210]


def _grade_class_ids(school_id: int, grade: int) -> Any:
    return select(SchoolClass.id).where(SchoolClass.school_id == school_id, SchoolClass.grade == grade)


def list_statement(
    *,
    school_id: int,
    class_id: int | None = None,
    grade: int | None = None,
    include_inactive: bool = False,
) -> Select[Any]:
    """Students of a school (optionally of a class or grade), by the name they go by, then family name."""
    stmt = select(Student).where(Student.school_id == school_id)
    if not include_inactive:
        stmt = stmt.where(Student.active.is_(True))
    if class_id is not None:
        stmt = stmt.where(Student.class_id == class_id)
    if grade is not None:
        stmt = stmt.where(Student.class_id.in_(_grade_class_ids(school_id, grade)))
    return stmt.order_by(
        func.coalesce(Student.preferred_name, Student.given_name), Student.family_name, Student.id
    )


def match_statement(
    *,
    school_id: int,
    q: str,
    class_id: int | None = None,
    grade: int | None = None,
    include_inactive: bool = False,
) -> Select[Any] | None:
    """(student_id, score, sort_key) of the students matching `q`, best first; None if nothing searchable
    was typed. Every typed word must start a name part; a word scores 3 for an exact first name, 2 for an
    exact family name, 1 for a first-name prefix, 0 for a family-name prefix. Ties go by name and id, so
    pages are stable. Answered from the token table alone (one index range per word)."""
    words = list(dict.fromkeys(fold_words(q)))
    if not words:
        return None
    subqueries = []
    for position, word in enumerate(words):
        t = aliased(StudentNameToken)
        score = case((t.token == word, 2), else_=0) + case((t.kind == FIRST_NAME, 1), else_=0)
        conditions = [t.school_id == school_id, t.token >= word]
        upper = prefix_upper(word)
        if upper is not None:
            conditions.append(t.token < upper)
        columns = [t.student_id.label("student_id"), func.max(score).label("score")]
        if position == 0:  # per-student filters and the sort key, once
            if not include_inactive:
                conditions.append(t.active.is_(True))
            if class_id is not None:
                conditions.append(t.class_id == class_id)
            if grade is not None:
                conditions.append(t.class_id.in_(_grade_class_ids(school_id, grade)))
            columns.append(func.max(t.sort_key).label("sort_key"))
        subqueries.append(select(*columns).where(*conditions).group_by(t.student_id).subquery())
    first = subqueries[0]
    total: Any = first.c.score
    for sub in subqueries[1:]:
        total = total + sub.c.score
    stmt = select(first.c.student_id, total.label("score"), first.c.sort_key)
    for sub in subqueries[1:]:
        stmt = stmt.join(sub, sub.c.student_id == first.c.student_id)
    return stmt.order_by(total.desc(), first.c.sort_key, first.c.student_id)


def search(
    session: Session,
    *,
    school_id: int,
    q: str | None = None,
    class_id: int | None = None,
    grade: int | None = None,
    include_inactive: bool = False,
    page: int = 1,
    page_size: int = 25,
) -> dict:
    """One page of students ({items, total, page, page_size}): matches of `q` best first, or the list."""
    filters = {
        "school_id": school_id,
        "class_id": class_id,
        "grade": grade,
        "include_inactive": include_inactive,
    }
    if q is None:
        return paginate(session, list_statement(**filters), page=page, page_size=page_size)
    stmt = match_statement(q=q, **filters)
    if stmt is None:
        return {"items": [], "total": 0, "page": page, "page_size": page_size}
    # One pass gives the page and the total (a window count); only a page past the end needs a count.
    rows = session.execute(
        stmt.add_columns(func.count().over().label("total")).limit(page_size).offset((page - 1) * page_size)
    ).all()
    ids = [row.student_id for row in rows]
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:
        total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    if not ids:
        return {"items": [], "total": total, "page": page, "page_size": page_size}
    found = {
        s.id: s
        for s in session.scalars(select(Student).where(Student.id.in_(ids), Student.school_id == school_id))
    }
    return {
        "items": [found[i] for i in ids if i in found],
        "total": total,
        "page": page,
        "page_size": page_size,
    }


def explain(session: Session, stmt: Select[Any]) -> str:
    """The database's query plan of a statement (PostgreSQL EXPLAIN, SQLite EXPLAIN QUERY PLAN)."""
    bind = session.get_bind()
    sql = str(stmt.compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True}))
    if bind.dialect.name == "sqlite":
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        return "\n".join(str(row[-1]) for row in rows)
    return "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {sql}")))
