"""Three school years of a municipality's history for the benchmarks, in realistic proportions: incidents
(classification, place, time of day, weekday), case work on the bullying-like ones with the law's deadline
from the app's own working-day calendar, observations, play-partner arrangements with check-ins, wellbeing
days with planned groups, notifications and the audit rows all of it leaves. Written in bulk."""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from _bulk import BulkWriter
from _students_data import PupilRow, SchoolData
from sqlalchemy.orm import Session

from api.calendar.service import add_working_days, public_holidays
from api.core.timeutil import LOCAL_TZ
from api.wellbeing_days.grouping import PlanError, Pupil, plan_groups

INCIDENTS_PER_SCHOOL = 6_000  # 300,000 for 50 schools over three school years
OBSERVATIONS_PER_SCHOOL = 4_000  # 200,000
ARRANGEMENTS_PER_SCHOOL_YEAR = 30
ARRANGEMENTS_TODAY = 8  # in force today at each school (the schoolyard duty's list)
BULLYING_LIKE = ("bullying", "digital_bullying", "exclusion", "value_rule_breach")

CLASSIFICATIONS = {
    "conflict": 0.34,
    "teasing": 0.22,
    "value_rule_breach": 0.12,
    "wellbeing_concern": 0.10,
    "bullying": 0.08,
    "exclusion": 0.08,
    "digital_bullying": 0.06,
}
# Share of the bullying-like cases where a leader or resource person establishes bullying.
ESTABLISHED_SHARE = {"bullying": 0.45, "digital_bullying": 0.40, "exclusion": 0.20, "value_rule_breach": 0.06}
WEEKDAY_WEIGHT = (1.12, 1.05, 1.0, 1.0, 0.83)  # Monday .. Friday
# Moments of the school day (local time): (name, weight, start, end). Most incidents in the big recess.
SLOTS = (
    ("before_school", 0.03, time(7, 40), time(8, 0)),
    ("first_recess", 0.18, time(9, 35), time(10, 0)),
    ("big_recess", 0.40, time(11, 30), time(12, 15)),
    ("second_recess", 0.10, time(13, 35), time(13, 50)),
    ("lesson", 0.17, time(8, 0), time(14, 0)),
    ("sfo", 0.12, time(14, 0), time(17, 0)),
)
PLACES = {
    "recess": {"schoolyard": 0.55, "football_pitch": 0.25, "corridor": 0.08, "toilets": 0.07, "other": 0.05},
    "lesson": {"classroom": 0.75, "corridor": 0.15, "toilets": 0.05, "other": 0.05},
    "sfo": {"sfo": 0.8, "schoolyard": 0.2},
    "before_school": {"bus": 0.5, "schoolyard": 0.5},
}
DESCRIPTIONS = {
    "conflict": [
        "Uenighed om reglerne i fodbold endte i skubberi.",
        "Skænderi om en bold.",
        "Slåskamp ved gyngerne.",
    ],
    "teasing": ["Drillede med øgenavn i frikvarteret.", "Gemte en penalhus.", "Grinede ad en tegning."],
    "bullying": ["Gentagne kommentarer om udseende.", "Holdes udenfor legen igen.", "Truet i garderoben."],
    "digital_bullying": [
        "Sårende beskeder i klassens chat.",
        "Billede delt uden lov.",
        "Udelukket fra gruppechat.",
    ],
    "exclusion": ["Må ikke være med i legen.", "Ingen vil sidde ved siden af.", "Sendt væk fra bordet."],
    "wellbeing_concern": [
        "Virker trist og trækker sig.",
        "Spiser ikke frokost.",
        "Siger ondt i maven hver dag.",
    ],
    "value_rule_breach": ["Grimt sprog over for en voksen.", "Ødelagde en andens ting.", "Kastede med sten."],
}
MEDIA = ["Snapchat", "TikTok", "Instagram", "SMS", "Messenger", "Roblox", "Discord"]
NOTE_BODIES = [
    "Samtale om hvad der skete, og hvordan det føles.",
    "Aftale om at sige til en voksen med det samme.",
    "Forældrene er orienteret og bakker op om planen.",
    "Klassen har talt om fællesskab og regler for chat.",
    "Gårdvagterne holder ekstra øje i frikvarteret.",
]
MEASURES = [
    "Daglig kort samtale med kontaktlæreren.",
    "Faste legemakkere i det store frikvarter.",
    "Klassemøde om fællesskab og chatregler.",
    "Ekstra gårdvagt ved fodboldbanen.",
    "Forældremøde og fælles aftaler.",
]
OBS_NOTES = ["Sad alene ved frokosten.", "Legede godt med de andre.", "Virkede træt i dag.", "Glad og aktiv."]
TAGS_BY_MOOD = {
    1: ["sad", "alone", "worried"],
    2: ["sad", "excluded", "tired", "angry"],
    3: ["tired", "conflict"],
    4: ["good_day", "played_with_others"],
    5: ["happy", "played_with_others", "helped_others"],
}
RECESSES = ("first_recess", "lunch", "second_recess", "sfo")


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _local(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LOCAL_TZ).astimezone(UTC)


def _between(rng: random.Random, day: date, start: time, end: time) -> datetime:
    a = start.hour * 60 + start.minute
    b = end.hour * 60 + end.minute
    minute = rng.randint(a, max(a, b - 1))
    return _local(day, time(minute // 60, minute % 60, rng.randint(0, 59)))


# ---------------------------------------------------------------- the calendar


def history_start(today: date) -> date:
    """The first school day of the school year two years before the current one (three school years)."""
    year = today.year if today.month >= 8 else today.year - 1
    return date(year - 2, 8, 11)


def school_years(today: date) -> list[int]:
    """The first calendar year of each school year in the history (the current one last)."""
    first = history_start(today).year
    return [first, first + 1, first + 2]


def closed_periods(year: int) -> list[tuple[date, date, str]]:
    """A Danish school's holidays in the school year starting in August of `year`."""

    def week(y: int, w: int) -> tuple[date, date]:
        monday = date.fromisocalendar(y, w, 1)
        return monday, monday + timedelta(days=4)

    autumn = week(year, 42)
    winter = week(year + 1, 7)
    summer_start = date(year + 1, 6, 27)
    return [
        (autumn[0], autumn[1], "Efterårsferie"),
        (date(year, 12, 21), date(year + 1, 1, 2), "Juleferie"),
        (winter[0], winter[1], "Vinterferie"),
        (summer_start, date(year + 1, 8, 10), "Sommerferie"),
    ]


def school_days(start: date, end: date, closed: set[date]) -> list[date]:
    """Monday to Friday from start to end, minus public holidays and the school's holidays."""
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in public_holidays(day.year) and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


# ---------------------------------------------------------------- one school's history


@dataclass
class History:
    """What the generator works with for one school."""

    w: BulkWriter
    session: Session
    school: SchoolData
    rng: random.Random
    today: date
    now: datetime
    days: list[date]
    day_weights: list[float]
    all_days: list[date]
    work_days: list[date]
    deadlines: dict[tuple[date, int], date] = field(default_factory=dict)
    pupils: dict[int, PupilRow] = field(default_factory=dict)  # by id
    active: list[PupilRow] = field(default_factory=list)
    near_grade: dict[int, list[PupilRow]] = field(default_factory=dict)  # grade -> active pupils of grade ±1
    seq: int = 0

    def __post_init__(self) -> None:
        self.pupils = {p.id: p for p in self.school.students}
        self.active = [p for p in self.school.students if p.active] or self.school.students
        for grade in {p.grade for p in self.school.students}:
            self.near_grade[grade] = [p for p in self.active if abs(p.grade - grade) <= 1]

    def request_id(self) -> str:
        """An id like the app's request ids (one per simulated request)."""
        self.seq += 1
        return f"bench-{self.school.id}-{self.seq:08x}"

    def audit(
        self,
        action: str,
        *,
        at: datetime,
        user_id: int,
        resource_type: str,
        resource_id: Any,
        students: list[int] | tuple[int, ...] = (),
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Audit rows as the app writes them: one per student concerned, never note text."""
        request_id = self.request_id()
        for student_id in sorted(set(students)) or [None]:
            self.w.add(
                "audit_log",
                {
                    "id": self.w.next_id("audit_log"),
                    "at": at,
                    "school_id": self.school.id,
                    "user_id": user_id,
                    "roles": self.school.roles[user_id],
                    "action": action,
                    "resource_type": resource_type,
                    "resource_id": None if resource_id is None else str(resource_id),
                    "student_id": student_id,
                    "request_id": request_id,
                    "outcome": "allowed",
                    "ip": f"10.{self.school.id % 250}.{user_id % 250}.{self.seq % 250}",
                    "detail": detail,
                },
            )

    def deadline(self, start: date, days: int) -> date:
        """The app's own working-day calendar (public holidays, and closed days if the school counts them)."""
        key = (start, days)
        if key not in self.deadlines:
            school = SimpleNamespace(id=self.school.id, count_closed_days=self.school.count_closed_days)
            self.deadlines[key] = add_working_days(self.session, school=school, start=start, days=days)
        return self.deadlines[key]

    def school_day(self, start: date, days: int) -> date:
        """The `days`-th school day after `start` (staff work on school days; 0: the next school day)."""
        if days == 0:
            index = bisect.bisect_left(self.work_days, start)
        else:
            index = bisect.bisect_right(self.work_days, start) + days - 1
        return self.work_days[min(index, len(self.work_days) - 1)]

    def later(self, moment: datetime, days: int, hour: tuple[int, int] = (9, 15)) -> datetime:
        """A working moment `days` school days after `moment`."""
        day = self.school_day(moment.astimezone(LOCAL_TZ).date(), days)
        return _between(self.rng, day, time(hour[0]), time(hour[1]))


def generate_calendar(w: BulkWriter, schools: list[SchoolData], today: date) -> dict[int, set[date]]:
    """Every school's holidays for the three school years (and the next summer); the closed days per school."""
    closed: dict[int, set[date]] = {}
    for school in schools:
        days: set[date] = set()
        leader = school.staff["leader"][0]
        for year in school_years(today):
            for first, last, name in closed_periods(year):
                w.add(
                    "calendar_closed_days",
                    {
                        "id": w.next_id("calendar_closed_days"),
                        "school_id": school.id,
                        "first_day": first,
                        "last_day": last,
                        "name": name,
                        "created_by_id": leader,
                    },
                )
                day = first
                while day <= last:
                    days.add(day)
                    day += timedelta(days=1)
        closed[school.id] = days
    w.flush("calendar_closed_days")
    return closed


def generate_school(
    w: BulkWriter,
    session: Session,
    school: SchoolData,
    *,
    seed: int,
    today: date,
    closed: set[date],
    scale: float = 1.0,
    step: Callable[[str, int], None] = lambda _phase, _n: None,
) -> None:
    """The whole history of one school."""
    rng = random.Random(f"{seed}-history-{school.id}")
    start = history_start(today)
    yesterday = today - timedelta(days=1)
    days = school_days(start, yesterday, closed)
    all_days = [start + timedelta(days=i) for i in range((yesterday - start).days + 1)]
    h = History(
        w=w,
        session=session,
        school=school,
        rng=rng,
        today=today,
        now=_local(
            today, time(0, 0)
        ),  # "now" is the start of --today, so the data depend on seed and day only
        days=days,
        day_weights=[WEEKDAY_WEIGHT[d.weekday()] for d in days],
        all_days=all_days,
        work_days=school_days(start, today + timedelta(days=400), closed),
    )
    open_pairs = _incidents(h, round(INCIDENTS_PER_SCHOOL * scale), step)
    _observations(h, round(OBSERVATIONS_PER_SCHOOL * scale), step)
    _play_partners(h, open_pairs, closed, step)
    _wellbeing_days(h, open_pairs, step)
    _reads(h, scale)


# ---------------------------------------------------------------- incidents and case work


def _involved(h: History, classification: str) -> list[tuple[int, str]]:
    rng = h.rng
    target = rng.choice(h.active)
    classmates = [p for p in h.school.by_class[target.class_id] if p.id != target.id and p.active]
    nearby = [p for p in h.near_grade[target.grade] if p.id != target.id]
    if classification == "wellbeing_concern":
        return [(target.id, "target")]
    if classification == "value_rule_breach":
        count = 1 if rng.random() < 0.7 else 2
        return [
            (p.id, "actor") for p in rng.sample(classmates or nearby, min(count, len(classmates or nearby)))
        ]
    actors = 1 if classification in ("conflict", "teasing") else rng.choice((1, 1, 2, 2, 3))
    source = classmates if rng.random() < 0.7 and len(classmates) >= actors + 1 else nearby
    others = rng.sample(source, min(len(source), actors + 1))
    rows = [(target.id, "target")] + [(p.id, "actor") for p in others[:actors]]
    if (
        classification in ("bullying", "exclusion", "digital_bullying")
        and len(others) > actors
        and rng.random() < 0.4
    ):
        rows.append((others[actors].id, rng.choice(("bystander", "supporter"))))
    return rows


def _reporter(h: History, student_ids: list[int], slot: str) -> int:
    rng, school = h.rng, h.school
    if slot == "sfo":
        return rng.choice(school.role("sfo_staff", "pedagogue"))
    pupil_class = h.pupils[student_ids[0]].class_id
    if rng.random() < 0.7:
        return rng.choice([u for u, _r in school.class_staff[pupil_class]])
    return rng.choice(school.role("teacher", "pedagogue", "sfo_staff", "resource_person"))


def _incidents(h: History, count: int, step: Callable[[str, int], None]) -> set[tuple[int, int]]:
    rng, school, w = h.rng, h.school, h.w
    by_id = {p.id: p for p in school.students}
    open_pairs: set[tuple[int, int]] = set()
    classifications = rng.choices(list(CLASSIFICATIONS), weights=list(CLASSIFICATIONS.values()), k=count)
    school_days = rng.choices(h.days, weights=h.day_weights, k=count)
    for n, (classification, day) in enumerate(zip(classifications, school_days, strict=True)):
        if classification == "digital_bullying" and rng.random() < 0.75:
            # Mostly in the evening, any day of the week.
            day = rng.choice(h.all_days)
            occurred = _between(rng, day, time(17, 0), time(23, 0))
            slot, place = "evening", "online"
        else:
            slot_row = rng.choices(SLOTS, weights=[s[1] for s in SLOTS])[0]
            slot = slot_row[0]
            occurred = _between(rng, day, slot_row[2], slot_row[3])
            kind = "recess" if slot.endswith("recess") else slot
            place = "online" if classification == "digital_bullying" else _pick(rng, PLACES[kind])
        students = _involved(h, classification)
        student_ids = [sid for sid, _role in students]
        reporter = _reporter(h, student_ids, slot)
        incident_id = w.next_id("incidents")
        accused = (
            rng.choice(school.staff["teacher"])
            if classification == "bullying" and rng.random() < 0.01
            else None
        )
        row: dict[str, Any] = {
            "id": incident_id,
            "school_id": school.id,
            "classification": classification,
            "status": "open",
            "occurred_at": occurred,
            "place": place,
            "description": rng.choice(DESCRIPTIONS[classification]),
            "knowledge_source": rng.choices(
                ("saw", "told_by_student", "told_by_other_student", "told_by_parent", "other"),
                weights=(0.15, 0.45, 0.1, 0.25, 0.05)
                if slot == "evening"
                else (0.55, 0.25, 0.08, 0.08, 0.04),
            )[0],
            "digital_medium": rng.choice(MEDIA) if classification == "digital_bullying" else None,
            "pupil_perspective": None,
            "accused_staff_id": accused,
            "reported_by_id": reporter,
            "established_at": None,
            "established_by_id": None,
            "action_plan_due": None,
            "closed_at": None,
            "created_at": occurred + timedelta(minutes=rng.randint(1, 90)),
        }
        created = row["created_at"]
        for sid, role in students:
            w.add(
                "incident_students",
                {
                    "id": w.next_id("incident_students"),
                    "incident_id": incident_id,
                    "student_id": sid,
                    "role": role,
                },
            )
        case = _Case(h, row, student_ids, reporter)
        case.event("created", created, reporter, classification=classification, students=student_ids)
        h.audit(
            "incident_created",
            at=created,
            user_id=reporter,
            resource_type="incident",
            resource_id=incident_id,
            students=student_ids,
        )
        if classification in BULLYING_LIKE:
            case.work(by_id)
        else:
            case.settle()
        for _ in range(rng.randint(1, 3)):  # the case is read by its workers
            case.read()
        row["updated_at"] = case.last
        row["version"] = case.version
        w.add("incidents", row)
        if row["status"] != "closed" and classification in BULLYING_LIKE:
            targets = [sid for sid, role in students if role == "target"]
            actors = [sid for sid, role in students if role == "actor"]
            open_pairs.update((t, a) for t in targets for a in actors)
        w.checkpoint()
        if n % 500 == 499:
            step("incidents", 500)
    step("incidents", count % 500)
    return open_pairs


class _Case:
    """Case work on one incident: what happened after the report, as the service would have written it."""

    def __init__(self, h: History, row: dict[str, Any], student_ids: list[int], reporter: int) -> None:
        self.h = h
        self.row = row
        self.students = student_ids
        self.reporter = reporter
        self.last = row["created_at"]
        self.version = 1
        school = h.school
        classes = {h.pupils[sid].class_id for sid in student_ids}
        staff = [u for c in classes for u, _r in school.class_staff.get(c, [])]
        self.owners = (
            school.role("leader") if row["accused_staff_id"] else school.role("leader", "resource_person")
        )
        self.workers = self.owners if row["accused_staff_id"] else (staff or self.owners) + self.owners

    def event(self, kind: str, at: datetime, actor: int | None, /, **detail: Any) -> None:
        self.h.w.add(
            "incident_events",
            {
                "id": self.h.w.next_id("incident_events"),
                "incident_id": self.row["id"],
                "at": at,
                "actor_id": actor,
                "kind": kind,
                "detail": detail or None,
            },
        )
        self.last = max(self.last, at)

    def audit(self, action: str, at: datetime, user: int, /, **detail: Any) -> None:
        self.h.audit(
            action,
            at=at,
            user_id=user,
            resource_type="incident",
            resource_id=self.row["id"],
            students=self.students,
            detail=detail or None,
        )

    def past(self, at: datetime) -> bool:
        return at < self.h.now

    def status(self, new: str, at: datetime, actor: int) -> None:
        self.event("status_changed", at, actor, old=self.row["status"], new=new)
        self.audit("incident_updated", at, actor, fields=["status"])
        self.row["status"] = new
        self.row["closed_at"] = at if new == "closed" else None
        self.version += 1

    def note(self, at: datetime, author: int) -> None:
        rng, w = self.h.rng, self.h.w
        note_id = w.next_id("incident_notes")
        kind = rng.choice(("students", "students", "parents", "class", "staff"))
        w.add(
            "incident_notes",
            {
                "id": note_id,
                "incident_id": self.row["id"],
                "author_id": author,
                "kind": kind,
                "participants": None,
                "body": rng.choice(NOTE_BODIES),
                "occurred_at": at,
                "created_at": at,
            },
        )
        self.event("note_added", at, author, note_id=note_id, kind=kind)
        self.audit("case_note_added", at, author, note_id=note_id, kind=kind)

    def read(self) -> None:
        at = self.last + timedelta(minutes=self.h.rng.randint(5, 60 * 24 * 5))
        if self.past(at):
            user = self.h.rng.choice(self.workers)
            self.audit("incident_viewed", at, user, view="full")

    def settle(self) -> None:
        """A quarrel or a concern: looked at and closed within days, unless it is recent."""
        rng = self.h.rng
        at = self.h.later(self.row["occurred_at"], rng.randint(0, 5))
        if self.past(at) and rng.random() < 0.85:
            self.status("closed", at, rng.choice(self.workers))

    def work(self, by_id: dict[int, PupilRow]) -> None:
        """Investigate; establish bullying for a share; then the plan, follow-ups and closing."""
        h, rng, row = self.h, self.h.rng, self.row
        start = h.later(row["occurred_at"], rng.randint(0, 2))
        if not self.past(start):
            return
        investigator = rng.choice(self.workers)
        self.status("investigating", start, investigator)
        moment = start
        for _ in range(rng.randint(1, 3)):
            moment = h.later(moment, rng.randint(0, 2))
            if self.past(moment):
                self.note(moment, rng.choice(self.workers))
        if rng.random() >= ESTABLISHED_SHARE[row["classification"]]:
            end = h.later(moment, rng.randint(2, 10))
            if self.past(end) and rng.random() < 0.9:
                self.status("closed", end, rng.choice(self.workers))
            return
        established = h.later(moment, rng.randint(0, 4))
        if not self.past(established):
            return
        self.establish(established)

    def establish(self, at: datetime) -> None:
        h, rng, row, w = self.h, self.h.rng, self.row, self.h.w
        owner = rng.choice(self.owners)
        due = h.deadline(at.astimezone(LOCAL_TZ).date(), 10)
        row.update(established_at=at, established_by_id=owner, action_plan_due=due)
        self.event(
            "established", at, owner, classification=row["classification"], action_plan_due=due.isoformat()
        )
        self.status("action_plan", at, owner)
        self.audit("bullying_established", at, owner, classification=row["classification"])
        for leader in h.school.role("leader"):
            if leader == row["accused_staff_id"]:
                continue
            note: dict[str, Any] = {
                "id": w.next_id("notifications"),
                "school_id": h.school.id,
                "user_id": leader,
                "kind": "bullying_established",
                "incident_id": row["id"],
                "created_at": at,
                "read_at": at + timedelta(hours=rng.randint(1, 48)) if rng.random() < 0.9 else None,
            }
            table = w.table("notifications")
            if "message" in table.c:
                note["message"] = f"Case #{row['id']}: {row['classification']} established."
            if "params" in table.c:
                note["params"] = {"classification": row["classification"], "action_plan_due": due.isoformat()}
            if note["read_at"] is not None and not self.past(note["read_at"]):
                note["read_at"] = None
            w.add("notifications", note)
        for position, audience in enumerate(("students", "class", "parents", "staff", "leadership")):
            done = h.later(at, rng.randint(0, 6))
            is_done = self.past(done) and rng.random() < 0.85
            w.add(
                "incident_audience_items",
                {
                    "id": w.next_id("incident_audience_items"),
                    "incident_id": row["id"],
                    "audience": audience,
                    "position": position,
                    "actions": rng.sample(_AUDIENCE_ACTIONS[audience], 1) if is_done else None,
                    "how": None,
                    "done_at": done if is_done else None,
                    "done_by_id": owner if is_done else None,
                    "version": 2 if is_done else 1,
                },
            )
            if is_done:
                self.event("audience_updated", done, owner, audience=audience, done=True)
                self.audit("audience_item_updated", done, owner, audience=audience)
        if rng.random() < 0.6:
            measure_id = w.next_id("incident_acute_measures")
            w.add(
                "incident_acute_measures",
                {
                    "id": measure_id,
                    "incident_id": row["id"],
                    "description": "Adskilte frikvartersområder indtil planen foreligger.",
                    "taken_at": at,
                    "recorded_by_id": owner,
                    "created_at": at,
                },
            )
            self.event("acute_measure_added", at, owner, measure_id=measure_id)
            self.audit("acute_measure_added", at, owner)
        if rng.random() < 0.1:
            referral_id = w.next_id("incident_referrals")
            partner = rng.choice(
                ("school_psychologist", "inclusion_consultant", "ssp", "interdisciplinary_forum")
            )
            w.add(
                "incident_referrals",
                {
                    "id": referral_id,
                    "incident_id": row["id"],
                    "partner": partner,
                    "partner_name": None,
                    "referred_on": at.astimezone(LOCAL_TZ).date(),
                    "status": rng.choice(("sent", "accepted", "completed")),
                    "note": None,
                    "created_by_id": owner,
                    "created_at": at,
                },
            )
            self.event("referral_added", at, owner, referral_id=referral_id, partner=partner, status="sent")
            self.audit("referral_added", at, owner, partner=partner)
        self.plan(at, owner, due)

    def plan(self, established: datetime, owner: int, due: date) -> None:
        h, rng, row, w = self.h, self.h.rng, self.row, self.h.w
        # Most plans are adopted within the 10 working days; some are late; recent ones may still be pending.
        adopted = h.later(established, rng.randint(2, 9) if rng.random() < 0.88 else rng.randint(11, 15))
        if not self.past(adopted):
            return
        plan_id = w.next_id("incident_action_plans")
        measures = rng.randint(2, 4)
        for position, text in enumerate(rng.sample(MEASURES, measures)):
            w.add(
                "incident_plan_measures",
                {
                    "id": w.next_id("incident_plan_measures"),
                    "plan_id": plan_id,
                    "position": position,
                    "description": text,
                    "responsible_user_id": rng.choice(self.workers),
                    "responsible": None,
                    "due_on": h.school_day(adopted.astimezone(LOCAL_TZ).date(), rng.randint(5, 15)),
                },
            )
        follow_up_on = h.school_day(adopted.astimezone(LOCAL_TZ).date(), rng.randint(5, 10))
        plan: dict[str, Any] = {
            "id": plan_id,
            "incident_id": row["id"],
            "follow_up_on": follow_up_on,
            "informed_students_at": adopted,
            "informed_parents_at": adopted if rng.random() < 0.9 else None,
            "adopted_at": adopted,
            "adopted_by_id": owner,
            "reopened_at": None,
            "updated_at": adopted,
            "updated_by_id": owner,
            "version": 1,
        }
        on_time = adopted.astimezone(LOCAL_TZ).date() <= due
        self.event(
            "action_plan_saved",
            adopted,
            owner,
            measures=measures,
            adopted=True,
            created=True,
            on_time=on_time,
        )
        self.audit("action_plan_saved", adopted, owner, measures=measures)
        self.status("monitoring", adopted + timedelta(minutes=5), owner)
        moment = adopted
        for _ in range(2):  # at most two follow-up meetings
            held = h.later(moment, rng.randint(5, 10), (13, 15))
            if not self.past(held + timedelta(hours=12)):
                break
            held_on = held.astimezone(LOCAL_TZ).date()
            outcome = rng.choices(("stopped", "decreased", "continued"), weights=(0.55, 0.33, 0.12))[0]
            follow_id = w.next_id("incident_follow_ups")
            w.add(
                "incident_follow_ups",
                {
                    "id": follow_id,
                    "incident_id": row["id"],
                    "held_on": held_on,
                    "outcome": outcome,
                    "summary": None,
                    "next_follow_up_on": None,
                    "recorded_by_id": owner,
                    "created_at": held,
                },
            )
            plan["version"] += 1
            if outcome == "continued":
                # The plan is reopened and a revised one falls due 10 working days after the meeting.
                row["action_plan_due"] = h.deadline(held_on, 10)
                plan.update(adopted_at=None, adopted_by_id=None, reopened_at=held)
                self.status("action_plan", held, owner)
                self.event("plan_reopened", held, owner, action_plan_due=row["action_plan_due"].isoformat())
                revised = h.later(held, rng.randint(2, 8))
                if not self.past(revised):
                    break
                plan.update(adopted_at=revised, adopted_by_id=owner, updated_at=revised)
                self.event(
                    "action_plan_saved", revised, owner, measures=measures, adopted=True, created=False
                )
                self.status("monitoring", revised + timedelta(minutes=5), owner)
                moment = revised
            else:
                moment = held
            self.event("follow_up_recorded", held, owner, follow_up_id=follow_id, outcome=outcome)
            self.audit("follow_up_recorded", held, owner, outcome=outcome)
            if outcome == "stopped":
                closing = h.later(held, rng.randint(10, 20))
                if self.past(closing) and rng.random() < 0.9:
                    self.status("closed", closing, owner)
                break
        w.add("incident_action_plans", plan)


_AUDIENCE_ACTIONS = {
    "students": ["talk", "confront"],
    "class": ["inform", "involve"],
    "parents": ["contact", "meeting"],
    "staff": ["inform", "student_log", "sparring"],
    "leadership": ["inform", "follow"],
}


# ---------------------------------------------------------------- observations


def _observations(h: History, count: int, step: Callable[[str, int], None]) -> None:
    rng, school, w = h.rng, h.school, h.w
    sfo_pupils = [p for p in school.students if p.sfo and p.active]
    pupils = [p for p in school.students if p.active]
    authors = {
        "sfo": school.role("sfo_staff", "pedagogue"),
        "recess": school.role("teacher", "pedagogue", "sfo_staff"),
        "lesson": school.role("teacher", "resource_person"),
        "trip": school.role("teacher", "pedagogue"),
        "other": school.role("teacher", "pedagogue", "resource_person", "leader"),
    }
    moments = {
        "sfo": (time(13, 30), time(17, 0)),
        "recess": (time(9, 35), time(12, 15)),
        "lesson": (time(8, 0), time(14, 0)),
        "trip": (time(9, 0), time(14, 0)),
        "other": (time(8, 0), time(15, 0)),
    }
    contexts = rng.choices(list(authors), weights=(0.4, 0.3, 0.2, 0.05, 0.05), k=count)
    days = rng.choices(h.days, weights=h.day_weights, k=count)
    for n, (context, day) in enumerate(zip(contexts, days, strict=True)):
        source = sfo_pupils if context == "sfo" and sfo_pupils else pupils
        first = rng.choice(source)
        how_many = rng.choices((1, 2, 3), weights=(0.8, 0.15, 0.05))[0]
        mates = [p for p in school.by_class[first.class_id] if p.id != first.id and p.active]
        chosen = [first.id] + [p.id for p in rng.sample(mates, min(len(mates), how_many - 1))]
        mood = rng.choices((1, 2, 3, 4, 5), weights=(0.05, 0.12, 0.35, 0.3, 0.18))[0]
        at = _between(rng, day, *moments[context])
        author = rng.choice(authors[context])
        observation_id = w.next_id("observations")
        w.add(
            "observations",
            {
                "id": observation_id,
                "school_id": school.id,
                "author_id": author,
                "mood": mood,
                "context": context,
                "tags": rng.sample(TAGS_BY_MOOD[mood], rng.randint(0, 2)),
                "note": rng.choice(OBS_NOTES) if rng.random() < 0.4 else None,
                "sensitive": rng.random() < 0.04,
                "observed_at": at,
                "incident_id": None,
                "created_at": at,
                "updated_at": at,
            },
        )
        for sid in chosen:
            w.add(
                "observation_students",
                {
                    "id": w.next_id("observation_students"),
                    "observation_id": observation_id,
                    "student_id": sid,
                },
            )
        h.audit(
            "observation_created",
            at=at,
            user_id=author,
            resource_type="observation",
            resource_id=observation_id,
            students=chosen,
        )
        w.checkpoint()
        if n % 500 == 499:
            step("observations", 500)
    step("observations", count % 500)


# ---------------------------------------------------------------- play-partner arrangements


def _play_partners(
    h: History, open_pairs: set[tuple[int, int]], closed: set[date], step: Callable[[str, int], None]
) -> None:
    rng, school, w = h.rng, h.school, h.w
    child_facing = school.role("leader", "teacher", "pedagogue", "sfo_staff", "resource_person")
    plans: list[tuple[date, date, str]] = []
    for year in school_years(h.today):
        first_day = date(year, 8, 11)
        last_day = date(year + 1, 6, 26)
        for _ in range(ARRANGEMENTS_PER_SCHOOL_YEAR):
            start = first_day + timedelta(days=rng.randint(0, (last_day - first_day).days - 30))
            if start >= h.today:
                continue
            end = start + timedelta(weeks=rng.randint(4, 10))
            status = "ended" if end < h.today else rng.choice(("active", "active", "active", "paused"))
            plans.append((start, end, status))
    for _ in range(ARRANGEMENTS_TODAY):
        start = h.today - timedelta(days=rng.randint(1, 35))
        plans.append((start, h.today + timedelta(days=rng.randint(7, 42)), "in_force_today"))
    made = 0
    for start, end, status in plans:
        pupils = h.active
        first = rng.choice(pupils)
        mates = [p for p in school.by_class[first.class_id] if p.id != first.id and p.active]
        ids = [first.id] + [p.id for p in rng.sample(mates, min(len(mates), rng.choice((1, 1, 1, 2))))]
        if any((a, b) in open_pairs for a in ids for b in ids):
            continue  # the app refuses to pair a target with an actor of an open case
        recesses = sorted(rng.sample(range(4), rng.randint(1, 2)))
        weekdays = sorted(rng.sample(range(1, 6), rng.randint(2, 5)))
        if status == "in_force_today":
            # The schoolyard duty's list of today has these whatever weekday --today is (as the demo's do).
            weekdays, status = sorted({*weekdays, h.today.isoweekday()}), "active"
        responsible = rng.choice(child_facing)
        creator = responsible if rng.random() < 0.7 else rng.choice(school.role("leader", "resource_person"))
        created = _local(start, time(8, 15))
        arrangement_id = w.next_id("play_partner_arrangements")
        w.add(
            "play_partner_arrangements",
            {
                "id": arrangement_id,
                "school_id": school.id,
                "purpose": "Leg sammen i frikvarteret; den voksne hjælper i gang.",
                "recess_mask": sum(1 << r for r in recesses),
                "weekday_mask": sum(1 << (d - 1) for d in weekdays),
                "start_date": start,
                "end_date": end,
                "responsible_id": responsible,
                "status": status,
                "created_by_id": creator,
                "created_at": created,
                "updated_at": created,
            },
        )
        for sid in ids:
            w.add(
                "play_partner_students",
                {
                    "id": w.next_id("play_partner_students"),
                    "arrangement_id": arrangement_id,
                    "student_id": sid,
                },
            )
        h.audit(
            "play_partner_arrangement_created",
            at=created,
            user_id=creator,
            resource_type="play_partner_arrangement",
            resource_id=arrangement_id,
            students=ids,
        )
        day = start
        while day <= min(end, h.today - timedelta(days=1)):
            if (
                day.isoweekday() in weekdays
                and day not in closed
                and day not in public_holidays(day.year)
                and rng.random() < 0.45
            ):
                recess = RECESSES[rng.choice(recesses)]
                at = _local(day, time(12, 20) if recess == "lunch" else time(10, 5))
                author = responsible if rng.random() < 0.7 else rng.choice(child_facing)
                check_in_id = w.next_id("play_partner_check_ins")
                w.add(
                    "play_partner_check_ins",
                    {
                        "id": check_in_id,
                        "arrangement_id": arrangement_id,
                        "day": day,
                        "recess": recess,
                        "outcome": rng.choices(
                            ("good", "mixed", "did_not_happen"), weights=(0.65, 0.25, 0.1)
                        )[0],
                        "note": "Gik fint i dag." if rng.random() < 0.2 else None,
                        "author_id": author,
                        "created_at": at,
                    },
                )
                h.audit(
                    "play_partner_check_in_created",
                    at=at,
                    user_id=author,
                    resource_type="play_partner_arrangement",
                    resource_id=arrangement_id,
                    students=ids,
                )
            day += timedelta(days=1)
        w.checkpoint()
        made += 1
    step("play-partner arrangements", made)


# ---------------------------------------------------------------- wellbeing days


def _wellbeing_days(h: History, open_pairs: set[tuple[int, int]], step: Callable[[str, int], None]) -> None:
    rng, school, w = h.rng, h.school, h.w
    current = school_years(h.today)[-1]
    classes_by_grade: dict[int, list[int]] = {}
    for class_id, grade in school.classes.items():
        classes_by_grade.setdefault(grade, []).append(class_id)
    made = 0
    for year in school_years(h.today):
        events = [
            (date(year, 9, 5), "Trivselsdag", "wellbeing_day", list(range(10)), []),
            (date(year + 1, 1, 24), "Temadag: venskaber", "theme_day", [3, 4, 5, 6], []),
            (
                date(year + 1, 6, 10),
                "Udflugt til skoven",
                "excursion",
                [],
                rng.sample(classes_by_grade[4], 2),
            ),
        ]
        for day, title, kind, grades, class_ids in events:
            while day.weekday() >= 5:
                day += timedelta(days=1)
            day_id = w.next_id("wellbeing_days")
            leader = rng.choice(school.role("leader"))
            created = _local(day - timedelta(days=30), time(10, 0))
            adults = rng.sample(school.role("teacher", "pedagogue"), 12 if grades else 4)
            participants = [
                p for p in school.students if p.active and (p.grade in grades or p.class_id in class_ids)
            ]
            row: dict[str, Any] = {
                "id": day_id,
                "school_id": school.id,
                "day": day,
                "title": title,
                "kind": kind,
                "description": None,
                "grades": grades,
                "created_by_id": leader,
                "group_size": None,
                "group_count": None,
                "group_seed": None,
                "keep_play_partners": False,
                "groups_planned_at": None,
                "groups_updated_at": None,
                "created_at": created,
                "updated_at": created,
            }
            for class_id in class_ids:
                w.add(
                    "wellbeing_day_classes",
                    {
                        "id": w.next_id("wellbeing_day_classes"),
                        "wellbeing_day_id": day_id,
                        "class_id": class_id,
                    },
                )
            for user_id in adults:
                w.add(
                    "wellbeing_day_adults",
                    {"id": w.next_id("wellbeing_day_adults"), "wellbeing_day_id": day_id, "user_id": user_id},
                )
            h.audit(
                "wellbeing_day_created",
                at=created,
                user_id=leader,
                resource_type="wellbeing_day",
                resource_id=day_id,
            )
            # Groups are planned with the app's own planner for this school year's days (older plans are
            # of no use to anyone and schools delete them).
            if year == current:
                _groups(h, row, participants, adults, open_pairs, leader, created + timedelta(days=7))
            w.add("wellbeing_days", row)
            w.checkpoint()
            made += 1
    step("wellbeing days", made)


def _groups(
    h: History,
    row: dict[str, Any],
    participants: list[PupilRow],
    adults: list[int],
    open_pairs: set[tuple[int, int]],
    leader: int,
    at: datetime,
) -> None:
    w = h.w
    ids = {p.id for p in participants}
    separate = [(a, b) for a, b in open_pairs if a in ids and b in ids]
    size = 6 if len(participants) < 100 else 8
    seed = h.rng.randint(1, 10_000)
    try:
        plan = plan_groups(
            [Pupil(p.id, p.grade, p.class_id) for p in participants],
            seed=seed,
            group_size=size,
            separate=separate,
            adults=adults,
        )
    except PlanError:
        return
    for number, members in enumerate(plan.groups, start=1):
        group_id = w.next_id("wellbeing_groups")
        w.add("wellbeing_groups", {"id": group_id, "wellbeing_day_id": row["id"], "number": number})
        for sid in members:
            w.add(
                "wellbeing_group_members",
                {
                    "id": w.next_id("wellbeing_group_members"),
                    "wellbeing_day_id": row["id"],
                    "group_id": group_id,
                    "student_id": sid,
                    "pinned": False,
                },
            )
        for user_id in plan.adults[number - 1] if number <= len(plan.adults) else []:
            w.add(
                "wellbeing_group_adults",
                {"id": w.next_id("wellbeing_group_adults"), "group_id": group_id, "user_id": user_id},
            )
    row.update(
        group_size=size,
        group_count=len(plan.groups),
        group_seed=seed,
        groups_planned_at=at,
        groups_updated_at=at,
        version=2,
    )
    h.audit(
        "wellbeing_groups_planned",
        at=at,
        user_id=leader,
        resource_type="wellbeing_day",
        resource_id=row["id"],
        students=sorted(ids),
        detail={"seed": seed, "groups": len(plan.groups), "attempts": plan.attempts},
    )


# ---------------------------------------------------------------- reads and logins


def _reads(h: History, scale: float) -> None:
    """Student cards and logs looked at, and logins: the rest of what the audit log holds."""
    rng, school = h.rng, h.school
    staff = [u for users in school.staff.values() for u in users]
    for _ in range(round(2_000 * scale)):
        pupil = rng.choice(school.students)
        user = rng.choice(staff)
        day = rng.choice(h.days)
        at = _between(rng, day, time(8, 0), time(15, 30))
        action = "student_log_viewed" if rng.random() < 0.4 else "student_viewed"
        h.audit(
            action, at=at, user_id=user, resource_type="student", resource_id=pupil.id, students=[pupil.id]
        )
    for user in staff:
        for day in rng.sample(h.days, min(len(h.days), round(40 * scale) or 1)):
            h.audit(
                "login",
                at=_between(rng, day, time(7, 30), time(9, 0)),
                user_id=user,
                resource_type="user",
                resource_id=user,
            )
