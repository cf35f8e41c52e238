"""The demo roster of Vestrup Skole."""

from __future__ import annotations

from sqlalchemy import func, select

from api.core import audit
from api.demo import DemoContext, load_demo
from api.students import demo
from api.students.models import Guardian, SchoolClass, Student
from tests.factories import auth, make_school, make_user


def test_demo_roster_is_there_and_teachers_find_ase(app, client, session):
    with app.test_request_context():
        assert load_demo(session) is not None
        audit.flush_pending(session)
        session.commit()
    classes = session.scalars(select(SchoolClass).order_by(SchoolClass.grade, SchoolClass.name)).all()
    assert [c.name for c in classes][:3] == ["0.A", "0.B", "1.A"] and len(classes) == 20
    assert {c.school_year for c in classes} == {"2026/27"}
    students = session.scalar(select(func.count()).select_from(Student))
    assert 380 <= students <= 420
    assert session.scalar(select(func.count()).select_from(Guardian)) > students
    from api.users.models import User

    by_email = {u.email: u for u in session.scalars(select(User))}
    teacher = auth(app, by_email["laerer@vestrup.example"])
    for typed in ("ase", "øst", "Ost"):
        found = client.get("/api/v1/students", query_string={"q": typed, "page_size": 100}, headers=teacher)
        assert "Åse Østergård" in [s["display_name"] for s in found.json["items"]], typed
    mine = client.get("/api/v1/classes?mine=true", headers=teacher).json["items"]
    assert [(c["name"], [s["role"] for s in c["staff"] if s["name"] == "Tina Lærer"]) for c in mine] == [
        ("3.A", ["class_teacher"]),
        ("3.B", ["teacher"]),
    ]
    pedagogue = auth(app, by_email["paedagog@vestrup.example"])
    assert [c["name"] for c in client.get("/api/v1/classes?mine=true", headers=pedagogue).json["items"]] == [
        "0.A",
        "0.B",
        "1.A",
        "1.B",
        "2.A",
        "2.B",
    ]
    sfo = auth(app, by_email["sfo@vestrup.example"])
    assert client.get("/api/v1/classes?mine=true", headers=sfo).json["total"] == 8
    ase = client.get("/api/v1/students", query_string={"q": "åse øst"}, headers=teacher).json["items"][0]
    guardians = client.get(f"/api/v1/students/{ase['id']}/guardians", headers=teacher)
    assert guardians.status_code == 200 and guardians.json["total"] >= 1


def test_seeder_shares_classes_and_students(app, session):
    school = make_school(session)
    users = {"teacher": make_user(session, school, "teacher")}
    ctx = DemoContext(school=school, users=users)
    demo.seed(session, ctx)
    assert set(ctx.shared["classes"]) == {f"{g}.{x}" for g in range(10) for x in "AB"}
    assert len(ctx.shared["students"]) == 400
    assert all(s.id for s in ctx.shared["students"])
