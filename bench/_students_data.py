"""Data generator for the students benchmarks: a municipality-sized roster with invented Danish names."""

from __future__ import annotations

import random
from collections.abc import Callable

from sqlalchemy.orm import Session

from api.students.demo import BOYS, FAMILY, GIRLS
from api.students.models import SchoolClass, Student

_SYLLABLES = [
    "bak",
    "holm",
    "dal",
    "lund",
    "kær",
    "vang",
    "gård",
    "bjerg",
    "sø",
    "skov",
    "strand",
    "høj",
    "mølle",
]
_EXTRA_GIVEN = ["Åse", "Zoé", "Bjørk", "Ærthe", "Hans-Christian", "Anne-Sofie", "Kalle", "Ib", "Aase", "Øgle"]


def family_names(rng: random.Random, count: int = 1500) -> list[str]:
    """Common Danish family names (heavy-tailed, as in reality) plus many rarer compound ones."""
    names = list(FAMILY) * 20
    while len(names) < count + len(FAMILY) * 20:
        names.append((rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)).title())
    return names


def generate_roster(
    session: Session,
    *,
    school_id: int,
    students: int,
    seed: int = 30_000,
    on_batch: Callable[[int], None] | None = None,
) -> list[int]:
    """Classes 0.A-9.D and `students` students through the ORM (so the name index is kept as in the app);
    returns the student ids."""
    rng = random.Random(seed)
    classes = [
        SchoolClass(school_id=school_id, name=f"{g}.{x}", grade=g, school_year="2026/27")
        for g in range(10)
        for x in "ABCD"
    ]
    session.add_all(classes)
    session.flush()
    families = family_names(rng)
    given = GIRLS + BOYS + _EXTRA_GIVEN
    ids: list[int] = []
    batch: list[Student] = []
    for n in range(students):
        first = "Åse" if n % 1000 == 0 else rng.choice(given)
        family = "Østergård" if n % 1000 == 0 else rng.choice(families)
        if rng.random() < 0.05:
            family = f"{family}-{rng.choice(families)}"
        batch.append(
            Student(
                school_id=school_id,
                given_name=first,
                family_name=family,
                preferred_name=rng.choice(given) if rng.random() < 0.03 else None,
                class_id=rng.choice(classes).id,
                sfo_enrolled=rng.random() < 0.3,
                external_id=f"B{school_id}-{n:06d}",
                active=rng.random() > 0.02,
            )
        )
        if len(batch) == 5000:
            session.add_all(batch)
            session.flush()
            ids += [s.id for s in batch]
            if on_batch:
                on_batch(len(batch))
            batch = []
    session.add_all(batch)
    session.flush()
    ids += [s.id for s in batch]
    session.commit()
    return ids
