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

from sqlalchemy import Select, and_, case, func, select, text
from sqlalchemy.orm import Session

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


def word_matches(school_id: int, word: str) -> Any:
    """Subquery: (student_id, score) of students with a name part starting with `word`; score 3 is an
    exact first name, 2 an exact family name, 1 a first-name prefix, 0 a family-name prefix."""
    t = StudentNameToken
    score = case((t.token == word, 2), else_=0) + case((t.kind == FIRST_NAME, 1), else_=0)
    conditions = [t.school_id == school_id, t.token >= word]
    upper = prefix_upper(word)
    if upper is not None:
        conditions.append(t.token < upper)
    return (
        select(t.student_id.label("student_id"), func.max(score).label("score"))
        .where(and_(*conditions))
        .group_by(t.student_id)
        .subquery()
    )


def search_statement(
    *,
    school_id: int,
    q: str | None = None,
    class_id: int | None = None,
    grade: int | None = None,
    include_inactive: bool = False,
) -> Select[Any]:
    """The ordered student query behind the list and search.

    With `q`: every typed word must start some name part; best matches first (exact before prefix,
    first names before family names), then by the name the student goes by, family name and id, so pages
    are stable."""
    stmt = select(Student).where(Student.school_id == school_id)
    if not include_inactive:
        stmt = stmt.where(Student.active.is_(True))
    if class_id is not None:
        stmt = stmt.where(Student.class_id == class_id)
    if grade is not None:
        stmt = stmt.where(
            Student.class_id.in_(
                select(SchoolClass.id).where(SchoolClass.school_id == school_id, SchoolClass.grade == grade)
            )
        )
    order: list[Any] = []
    if q is not None:
        words = fold_words(q)
        if not words:
            return stmt.where(False)  # nothing searchable typed (only punctuation)
        total_score: Any = None
        for word in dict.fromkeys(words):
            matches = word_matches(school_id, word)
            stmt = stmt.join(matches, matches.c.student_id == Student.id)
            total_score = matches.c.score if total_score is None else total_score + matches.c.score
        order.append(total_score.desc())
    order += [func.coalesce(Student.preferred_name, Student.given_name), Student.family_name, Student.id]
    return stmt.order_by(*order)


def explain(session: Session, stmt: Select[Any]) -> str:
    """The database's query plan of a statement (PostgreSQL EXPLAIN, SQLite EXPLAIN QUERY PLAN)."""
    bind = session.get_bind()
    sql = str(stmt.compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True}))
    if bind.dialect.name == "sqlite":
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        return "\n".join(str(row[-1]) for row in rows)
    return "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {sql}")))


def search_students(session: Session, **kwargs: Any) -> list[Student]:
    """Run the search statement (used by the benchmark and tests)."""
    return list(session.scalars(search_statement(**kwargs)).unique())
