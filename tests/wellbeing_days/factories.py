"""Factories for wellbeing days and whole-school rosters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from api.core.timeutil import local_date
from api.students.models import SchoolClass, Student
from api.wellbeing_days.models import WellbeingDay, WellbeingDayAdult, WellbeingDayClass


def make_roster(
    session: Session,
    school: Any,
    *,
    grades: range | list[int] = range(10),
    classes_per_grade: int = 2,
    per_class: int = 30,
) -> tuple[list[SchoolClass], list[Student]]:
    """Classes "<grade>.A", "<grade>.B", ... with students, inserted in bulk (a whole school in one go)."""
    classes = [
        SchoolClass(school_id=school.id, name=f"{g}.{chr(65 + c)}", grade=g, school_year="2026/27")
        for g in grades
        for c in range(classes_per_grade)
    ]
    session.add_all(classes)
    session.flush()
    rows = [
        {
            "school_id": school.id,
            "given_name": f"Elev{cls.id}-{i}",
            "family_name": "Hansen",
            "class_id": cls.id,
            "active": True,
            "sfo_enrolled": cls.grade <= 3,
        }
        for cls in classes
        for i in range(per_class)
    ]
    session.execute(insert(Student), rows)
    session.commit()
    students = list(
        session.scalars(
            select(Student).where(
                Student.school_id == school.id, Student.class_id.in_([c.id for c in classes])
            )
        )
    )
    return classes, students


def make_day(
    session: Session,
    creator: Any,
    *,
    classes: list[Any] | None = None,
    grades: list[int] | None = None,
    adults: list[Any] | None = None,
    day: date | None = None,
    title: str = "Trivselsdag",
) -> WellbeingDay:
    """A wellbeing day in two weeks."""
    wd = WellbeingDay(
        school_id=creator.school_id,
        day=day or local_date() + timedelta(days=14),
        title=title,
        kind="wellbeing_day",
        grades=grades or [],
        created_by_id=creator.id,
    )
    wd.class_links = [WellbeingDayClass(class_id=c.id) for c in classes or []]
    wd.adult_links = [WellbeingDayAdult(user_id=u.id) for u in adults or []]
    session.add(wd)
    session.commit()
    return wd
