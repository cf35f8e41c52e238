"""Demo roster of Vestrup Skole: classes 0.A to 9.B in 2026/27, about 400 students with invented Danish
names, their guardians, and the demo staff attached to classes.

Sets `ctx.classes` (name -> SchoolClass) and `ctx.students` (list) for the seeders after it.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy.orm import Session

from api.students.models import ClassStaff, Guardian, SchoolClass, Student

SCHOOL_YEAR = "2026/27"
STUDENTS_PER_CLASS = 20


def _words(text: str) -> list[str]:
    return text.split()


GIRLS = _words(
    "Emma Ida Clara Freja Alma Ella Sofia Agnes Karla Olivia Laura Josefine Alberte Nora Lærke Asta Ellen "
    "Mathilde Anna Marie Signe Sara Liva Frida Vigga Esther Silje Maja Cecilie Ronja Astrid Thea Malou "
    "Rosa Merle Liv Molly Luna Selma Sigrid Dagmar Nanna Tilde Kamma Bodil Inger Ditte Mille Søs"
)
BOYS = _words(
    "William Noah Oscar Lucas Carl Oliver Victor Malthe Alfred Emil Valdemar Aksel Elias August Frederik "
    "Magnus Arthur Anton Johan Villads Felix Otto Storm Theo Bertram Christian Mikkel Rasmus Søren Jens "
    "Niels Asger Thor Sebastian Mads Kasper Jonas Esben Halfdan Ebbe Bjørn Gustav Hjalte Kaj Aage Laust"
)
FAMILY = _words(
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Petersen "
    "Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen Knudsen Jakobsen "
    "Mikkelsen Frederiksen Lauridsen Holm Vestergaard Bach Kjær Lund Mølgaard Damgaard Skov Bertelsen "
    "Dalsgaard Østergård Ærbøl Krogh Søndergaard Fischer Brandt Iversen Friis Vinther Nørgaard Bøgh "
    "Kirkegaard Lindholm Ravn Svendsen"
)
PARENT_WOMEN = _words("Mette Hanne Susanne Louise Camilla Maria Pernille Stine Line Tina Helle Rikke")
PARENT_MEN = _words("Henrik Thomas Jesper Martin Lars Michael Anders Morten Søren Peter Jakob Kim")


def _class_names() -> list[tuple[str, int]]:
    return [(f"{grade}.{letter}", grade) for grade in range(10) for letter in "AB"]


def _email_part(name: str) -> str:
    return (
        name.lower()
        .replace("æ", "ae")
        .replace("ø", "oe")
        .replace("å", "aa")
        .replace(" ", ".")
        .replace("-", "")
    )


def seed(session: Session, ctx: Any) -> None:
    """Create the demo roster."""
    rng = random.Random(2026)
    school_id = ctx.school.id
    classes = {
        name: SchoolClass(school_id=school_id, name=name, grade=grade, school_year=SCHOOL_YEAR)
        for name, grade in _class_names()
    }
    session.add_all(classes.values())
    session.flush()

    users = ctx.users
    staff: list[ClassStaff] = []
    if "teacher" in users:
        staff.append(
            ClassStaff(class_id=classes["3.A"].id, user_id=users["teacher"].id, role="class_teacher")
        )
        staff.append(ClassStaff(class_id=classes["3.B"].id, user_id=users["teacher"].id, role="teacher"))
    for name, grade in _class_names():
        if grade <= 2 and "pedagogue" in users:
            staff.append(
                ClassStaff(class_id=classes[name].id, user_id=users["pedagogue"].id, role="pedagogue")
            )
        if grade <= 3 and "sfo_staff" in users:
            staff.append(
                ClassStaff(class_id=classes[name].id, user_id=users["sfo_staff"].id, role="sfo_contact")
            )
    session.add_all(staff)

    students: list[Student] = []
    number = 0
    for name, grade in _class_names():
        for i in range(STUDENTS_PER_CLASS):
            number += 1
            if name == "3.A" and i == 0:
                given, family = "Åse", "Østergård"
            else:
                given = rng.choice(GIRLS if rng.random() < 0.5 else BOYS)
                if rng.random() < 0.04:  # a few double names, some going by the first part
                    given = f"{given}-{rng.choice(GIRLS if given in GIRLS else BOYS)}"
                family = rng.choice(FAMILY)
            preferred = given.split("-")[0] if "-" in given and rng.random() < 0.5 else None
            students.append(
                Student(
                    school_id=school_id,
                    given_name=given,
                    family_name=family,
                    preferred_name=preferred,
                    class_id=classes[name].id,
                    school_class=classes[name],
                    sfo_enrolled=grade <= 3 and rng.random() < 0.75,
                    external_id=f"VS{number:04d}",
                )
            )
    session.add_all(students)
    session.flush()

    guardians: list[Guardian] = []
    for student in students:
        parents = [("mother", rng.choice(PARENT_WOMEN)), ("father", rng.choice(PARENT_MEN))]
        if rng.random() < 0.15:
            parents = parents[:1] if rng.random() < 0.5 else parents[1:]
        for n, (relation, first) in enumerate(parents):
            full = f"{first} {student.family_name}"
            guardians.append(
                Guardian(
                    school_id=school_id,
                    student_id=student.id,
                    name=full,
                    relation=relation,
                    phone=f"+45 {rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)}",
                    email=f"{_email_part(full)}@example.dk",
                    has_custody=not (n == 1 and rng.random() < 0.1),
                )
            )
    session.add_all(guardians)
    session.flush()

    ctx.classes = classes
    ctx.students = students
