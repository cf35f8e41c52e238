"""Data generators: a roster for the search benchmark (through the ORM), and the municipality's schools,
classes, staff, students and guardians for `make bench-data` (bulk), all with invented Danish names."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from _bulk import BulkWriter
from sqlalchemy.orm import Session

from api.students.demo import BOYS, FAMILY, GIRLS
from api.students.models import SchoolClass, Student, class_name_key

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


# ---------------------------------------------------------------- the municipality (bulk, for make bench-data)

GRADES = range(10)
CLASS_LETTERS = "ABC"
STUDENTS_PER_CLASS = 20
# Staff of one school by role (60 a school: 3,000 for 50 schools).
STAFF_PLAN = (
    ("admin", 1),
    ("leader", 2),
    ("resource_person", 2),
    ("teacher", 33),
    ("pedagogue", 12),
    ("sfo_staff", 10),
)
BENCH_PASSWORD = "bench-password-123"  # noqa: S105 - the invented bench users' password
_PARENT_WOMEN = [
    "Mette",
    "Hanne",
    "Susanne",
    "Louise",
    "Camilla",
    "Maria",
    "Pernille",
    "Stine",
    "Line",
    "Helle",
]
_PARENT_MEN = [
    "Henrik",
    "Thomas",
    "Jesper",
    "Martin",
    "Lars",
    "Michael",
    "Anders",
    "Morten",
    "Peter",
    "Jakob",
]
_TOWNS = ["Vestrup", "Østerby", "Nørre Ås", "Sønderkær", "Højmølle", "Bakkedal", "Strandlund", "Skovvang"]


@dataclass
class PupilRow:
    """What the history generator needs of a student."""

    id: int
    class_id: int
    grade: int
    active: bool
    sfo: bool


@dataclass
class SchoolData:
    """One generated school: its ids and who is where, for the history generator."""

    id: int
    slug: str
    count_closed_days: bool
    classes: dict[int, int] = field(default_factory=dict)  # class id -> grade
    students: list[PupilRow] = field(default_factory=list)
    by_class: dict[int, list[PupilRow]] = field(default_factory=dict)
    staff: dict[str, list[int]] = field(default_factory=dict)  # role -> user ids
    class_staff: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # class -> (user, role)
    user_classes: dict[int, set[int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # user id -> name
    roles: dict[int, str] = field(default_factory=dict)  # user id -> roles as the audit log writes them

    def role(self, *roles: str) -> list[int]:
        """The users holding any of these roles."""
        return [u for r in roles for u in self.staff.get(r, [])]


def build_schools(
    w: BulkWriter, *, seed: int, schools: int, school_year: str, password_hash: str
) -> list[SchoolData]:
    """Schools with classes 0.A-9.C, 600 students each with guardians, 60 staff with roles and classes."""
    out: list[SchoolData] = []
    for n in range(schools):
        rng = random.Random(f"{seed}-school-{n}")
        school_id = w.next_id("schools")
        town = _TOWNS[n % len(_TOWNS)]
        slug = f"bench-{n + 1:02d}"
        w.add(
            "schools",
            {
                "id": school_id,
                "name": f"{town} Skole {n // len(_TOWNS) + 1}" if n >= len(_TOWNS) else f"{town} Skole",
                "slug": slug,
                "count_closed_days": n % 3 == 0,
            },
        )
        data = SchoolData(id=school_id, slug=slug, count_closed_days=n % 3 == 0)
        _staff(w, rng, data, password_hash)
        _classes(w, rng, data, school_year)
        _students(w, rng, data, n)
        w.checkpoint()
        out.append(data)
    return out


def _staff(w: BulkWriter, rng: random.Random, data: SchoolData, password_hash: str) -> None:
    given = GIRLS + BOYS
    number = 0
    for role, count in STAFF_PLAN:
        for _ in range(count):
            number += 1
            user_id = w.next_id("users")
            name = f"{rng.choice(given)} {rng.choice(FAMILY)}"
            w.add(
                "users",
                {
                    "id": user_id,
                    "school_id": data.id,
                    "email": f"{role.replace('_', '-')}{number}@{data.slug}.bench.example",
                    "name": name,
                    "password_hash": password_hash,
                    "active": True,
                },
            )
            roles = [role]
            if role == "leader" and number == 2:
                roles.append("teacher")  # the deputy also teaches
            for r in roles:
                w.add("user_roles", {"id": w.next_id("user_roles"), "user_id": user_id, "role": r})
            data.staff.setdefault(role, []).append(user_id)
            data.names[user_id] = name
            data.roles[user_id] = ",".join(sorted(roles))
            data.user_classes[user_id] = set()


def _attach(w: BulkWriter, data: SchoolData, class_id: int, user_id: int, role: str) -> None:
    if any(u == user_id for u, _ in data.class_staff.setdefault(class_id, [])):
        return
    w.add(
        "class_staff",
        {"id": w.next_id("class_staff"), "class_id": class_id, "user_id": user_id, "role": role},
    )
    data.class_staff[class_id].append((user_id, role))
    data.user_classes[user_id].add(class_id)


def _classes(w: BulkWriter, rng: random.Random, data: SchoolData, school_year: str) -> None:
    teachers = data.staff["teacher"]
    pedagogues = data.staff["pedagogue"]
    sfo = data.staff["sfo_staff"]
    slot = 0
    for grade in GRADES:
        for letter in CLASS_LETTERS:
            class_id = w.next_id("classes")
            w.add(
                "classes",
                {
                    "id": class_id,
                    "school_id": data.id,
                    "name": f"{grade}.{letter}",
                    "name_key": class_name_key(f"{grade}.{letter}"),
                    "grade": grade,
                    "school_year": school_year,
                },
            )
            data.classes[class_id] = grade
            data.by_class[class_id] = []
            # A class teacher and two subject teachers; pedagogues and an SFO contact in the youngest grades.
            _attach(w, data, class_id, teachers[slot % len(teachers)], "class_teacher")
            for k in (1, 2):
                _attach(w, data, class_id, teachers[(slot * 3 + k * 7) % len(teachers)], "teacher")
            if grade <= 3:
                _attach(w, data, class_id, pedagogues[slot % len(pedagogues)], "pedagogue")
                _attach(w, data, class_id, sfo[slot % len(sfo)], "sfo_contact")
            slot += 1
    # The deputy leader who teaches has a class too.
    deputy = data.staff["leader"][-1]
    _attach(w, data, rng.choice(list(data.classes)), deputy, "teacher")


def _students(w: BulkWriter, rng: random.Random, data: SchoolData, school_number: int) -> None:
    from api.students.search import sort_key, student_tokens

    families = family_names(rng, count=300)
    given_names = GIRLS + BOYS + _EXTRA_GIVEN
    number = 0
    for class_id, grade in data.classes.items():
        for _ in range(STUDENTS_PER_CLASS):
            number += 1
            student_id = w.next_id("students")
            first = "Åse" if number % 600 == 1 else rng.choice(given_names)
            family = "Østergård" if number % 600 == 1 else rng.choice(families)
            if rng.random() < 0.05:
                family = f"{family}-{rng.choice(families)}"
            preferred = rng.choice(given_names) if rng.random() < 0.03 else None
            active = rng.random() > 0.02
            sfo = grade <= 3 and rng.random() < 0.7
            w.add(
                "students",
                {
                    "id": student_id,
                    "school_id": data.id,
                    "given_name": first,
                    "family_name": family,
                    "preferred_name": preferred,
                    "class_id": class_id,
                    "sfo_enrolled": sfo,
                    "external_id": f"M{school_number + 1:02d}-{number:05d}",
                    "active": active,
                    "left_on": None if active else date(2026, 6, 30),
                },
            )
            # The search rows, built by the app's own helpers exactly as its flush hook does.
            key = sort_key(first, family, preferred)
            for token, kind in student_tokens(first, family, preferred):
                w.add(
                    "student_name_tokens",
                    {
                        "id": w.next_id("student_name_tokens"),
                        "school_id": data.id,
                        "student_id": student_id,
                        "token": token,
                        "kind": kind,
                        "active": active,
                        "class_id": class_id,
                        "sort_key": key,
                    },
                )
            parents = [("mother", rng.choice(_PARENT_WOMEN)), ("father", rng.choice(_PARENT_MEN))]
            if rng.random() < 0.15:
                parents = parents[:1] if rng.random() < 0.5 else parents[1:]
            for k, (relation, parent) in enumerate(parents):
                w.add(
                    "guardians",
                    {
                        "id": w.next_id("guardians"),
                        "school_id": data.id,
                        "student_id": student_id,
                        "name": f"{parent} {family}",
                        "relation": relation,
                        "phone": f"+45 {rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                        f"{rng.randint(10, 99)}",
                        "email": f"foraelder{student_id}-{k}@bench.example",
                        "has_custody": not (k == 1 and rng.random() < 0.1),
                    },
                )
            pupil = PupilRow(student_id, class_id, grade, active, sfo)
            data.students.append(pupil)
            data.by_class[class_id].append(pupil)
