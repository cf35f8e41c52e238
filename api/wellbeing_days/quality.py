"""How good a wellbeing-day plan is, as people would judge it: sizes, grade and class spread, open-case pairs
sharing a group (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Quality:
    """How good a plan is, as people would judge it."""

    sizes: list[int]
    min_distinct_grades: int
    mean_distinct_grades: float
    max_grade_share: float
    max_same_class: int
    open_case_pairs_together: int


def quality(
    groups: Sequence[Sequence[int]],
    grade_of: Mapping[int, Any],
    class_of: Mapping[int, Any],
    separate: Iterable[tuple[int, int]] = (),
) -> Quality:
    """Sizes, grade spread, class spread and open-case pairs sharing a group."""
    where = {sid: g for g, members in enumerate(groups) for sid in members}
    distinct = []
    share = 0.0
    same_class = 0
    for members in groups:
        grades: dict[Any, int] = {}
        classes: dict[Any, int] = {}
        for sid in members:
            grades[grade_of[sid]] = grades.get(grade_of[sid], 0) + 1
            classes[class_of[sid]] = classes.get(class_of[sid], 0) + 1
        distinct.append(len(grades))
        if members:
            share = max(share, max(grades.values()) / len(members))
            same_class = max(same_class, max(classes.values()))
    together = sum(
        1 for a, b in set(separate) if a in where and b in where and a != b and where[a] == where[b]
    )
    return Quality(
        sizes=[len(m) for m in groups],
        min_distinct_grades=min(distinct) if distinct else 0,
        mean_distinct_grades=sum(distinct) / len(distinct) if distinct else 0.0,
        max_grade_share=share,
        max_same_class=same_class,
        open_case_pairs_together=together,
    )
