"""Roster import (API and CLI) and export: dry run, all-or-nothing, idempotent, clear errors, safe CSV."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from api.core.audit import AuditEntry
from api.core.timeutil import local_date
from api.students.models import SchoolClass, Student
from tests.conftest import make_test_app
from tests.factories import auth, make_class, make_school, make_student, make_user
from tests.students.factories import csv_bytes

HEADER = "external_id;given_name;family_name;preferred_name;class;sfo"
ROWS = (
    "E1;Åse;Østergård;;3.A;ja",
    "E2;Karl;Sørensen;Kalle;3.A;nej",
    "E3;Zoé;Lund;;4.B;",
)


def upload(client, headers, data: bytes, *, dry_run: bool, **query):
    return client.post(
        "/api/v1/students/import",
        query_string={"dry_run": str(dry_run).lower(), **query},
        data={"file": (io.BytesIO(data), "elever.csv")},
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.fixture
def school_admin(app, session):
    school = make_school(session, slug="vestrup-test")
    return school, auth(app, make_user(session, school, "admin"))


def count_students(session, school):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Student).where(Student.school_id == school.id))


def test_dry_run_then_apply_then_reimport_changes_nothing(app, client, session, school_admin):
    school, admin = school_admin
    make_class(session, school, name="3.A", grade=3, school_year="2026/27")
    data = csv_bytes(HEADER, *ROWS)
    dry = upload(client, admin, data, dry_run=True, school_year="2026/27")
    assert dry.status_code == 200, dry.json
    assert dry.json == {
        "dry_run": True,
        "created": 3,
        "updated": 0,
        "left": 0,
        "unchanged": 0,
        "classes_created": ["4.B"],
        "errors": [],
    }
    assert count_students(session, school) == 0
    applied = upload(client, admin, data, dry_run=False, school_year="2026/27")
    assert applied.status_code == 200 and applied.json["created"] == 3 and applied.json["dry_run"] is False
    students = {
        s.external_id: s for s in session.scalars(select(Student).where(Student.school_id == school.id))
    }
    assert students["E1"].sfo_enrolled is True and students["E1"].class_name == "3.A"
    assert students["E2"].preferred_name == "Kalle" and students["E3"].grade == 4
    teacher = auth(app, make_user(session, school, "teacher"))
    found = client.get("/api/v1/students", query_string={"q": "øst"}, headers=teacher).json["items"]
    assert [s["external_id"] for s in found] == ["E1"]
    again = upload(client, admin, data, dry_run=False, school_year="2026/27")
    assert again.json == {
        "dry_run": False,
        "created": 0,
        "updated": 0,
        "left": 0,
        "unchanged": 3,
        "classes_created": [],
        "errors": [],
    }
    assert count_students(session, school) == 3
    assert (
        session.scalar(
            select(func.count()).select_from(SchoolClass).where(SchoolClass.school_id == school.id)
        )
        == 2
    )
    audited = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("roster_import%"))).all()
    assert audited.count("roster_import_checked") == 1 and "roster_imported" in audited


def test_one_bad_row_imports_nothing_and_names_the_line(app, client, session, school_admin):
    school, admin = school_admin
    data = csv_bytes(HEADER, ROWS[0], "E2;;Sørensen;;3.A;nej", ROWS[2])
    resp = upload(client, admin, data, dry_run=False)
    assert resp.status_code == 422
    assert resp.json["errors"]["rows"] == [{"line": 3, "message": "given_name is empty."}]
    assert "line 3" in resp.json["message"]
    assert count_students(session, school) == 0
    assert session.scalar(select(func.count()).select_from(SchoolClass)) == 0
    dry = upload(client, admin, data, dry_run=True)
    assert dry.status_code == 200 and dry.json["created"] == 2 and dry.json["errors"][0]["line"] == 3


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+45", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_cells_are_refused(app, client, session, school_admin, cell):
    school, admin = school_admin
    data = csv_bytes(HEADER, ROWS[0], f'E9;"{cell}";Holm;;3.A;nej')
    resp = upload(client, admin, data, dry_run=False)
    assert resp.status_code == 422
    (error,) = resp.json["errors"]["rows"]
    assert error["line"] == 3 and "formula" in error["message"]
    assert count_students(session, school) == 0


def test_row_problems_are_all_reported_in_a_dry_run(app, client, session, school_admin):
    _school, admin = school_admin
    data = csv_bytes(
        "external_id;given_name;family_name;class;grade;sfo;left_on",
        "A1;Ida;Holm;Lilleklassen;;ja;",  # grade unknown for a new class
        "A2;Bo;Dahl;5.A;6;ja;",  # grade contradicts the class name? no: new class takes the given grade
        "A3;Liv;Berg;5.A;5;ja;",  # same new class with another grade
        "A1;Ida;Holm;3.A;;ja;",  # duplicate external id
        "A4;Emil;Skov;3.A;;måske;",  # sfo not yes/no
        "A5;Ellen;Bach;3.A;;nej;31-02-2026",  # not a date
        "A6;Otto;Friis;3.A;11;nej;",  # grade out of range
        "A7;Alfred;Lund;3.A;;nej;;extra",  # more fields than columns
    )
    resp = upload(client, admin, data, dry_run=True)
    assert resp.status_code == 200
    lines = {e["line"]: e["message"] for e in resp.json["errors"]}
    assert set(lines) == {2, 4, 5, 6, 7, 8, 9}, lines
    assert "grade" in lines[2] and "line 2" in lines[5] and "måske" in lines[6]


def test_file_level_errors_are_clear(app, client, session, school_admin):
    _school, admin = school_admin
    latin1 = csv_bytes(HEADER, *ROWS, encoding="latin-1")
    resp = upload(client, admin, latin1, dry_run=True)
    assert resp.status_code == 422 and "UTF-8" in resp.json["message"] and "line 2" in resp.json["message"]
    missing = upload(client, admin, csv_bytes("external_id;given_name", "E1;Åse"), dry_run=True)
    assert missing.status_code == 422 and "family_name" in missing.json["message"]
    cpr = upload(client, admin, csv_bytes(HEADER + ";CPR", ROWS[0] + ";010101-1234"), dry_run=True)
    assert cpr.status_code == 422 and "CPR" in cpr.json["message"]
    unknown = upload(client, admin, csv_bytes(HEADER + ";Adresse", ROWS[0] + ";Vej 1"), dry_run=True)
    assert unknown.status_code == 422 and "Adresse" in unknown.json["message"]
    assert upload(client, admin, b"", dry_run=True).status_code == 422
    xlsx = upload(client, admin, b"PK\x03\x04" + b"\x00" * 100, dry_run=True)
    assert xlsx.status_code == 422 and "CSV UTF-8" in xlsx.json["message"]
    utf16 = upload(client, admin, (HEADER + "\r\n").encode("utf-16"), dry_run=True)
    assert utf16.status_code == 422 and "UTF-16" in utf16.json["message"]


def test_bom_comma_and_danish_headers_are_understood(app, client, session, school_admin):
    school, admin = school_admin
    data = csv_bytes("Elev-ID;Fornavn;Efternavn;Kaldenavn;Klasse;SFO", *ROWS, sep=",", bom=True)
    resp = upload(client, admin, data, dry_run=False, school_year="2026/27")
    assert resp.status_code == 200 and resp.json["created"] == 3, resp.json
    names = set(session.scalars(select(Student.given_name).where(Student.school_id == school.id)))
    assert names == {"Åse", "Karl", "Zoé"}


def test_reimport_updates_moves_and_marks_missing_as_left(app, client, session, school_admin):
    school, admin = school_admin
    assert upload(client, admin, csv_bytes(HEADER, *ROWS), dry_run=False).status_code == 200
    manual = make_student(session, school, given_name="Manuel")  # no external id: never touched
    changed = csv_bytes(HEADER, "E1;Åse;Østergård;Åsemor;4.B;ja", ROWS[1])
    dry = upload(client, admin, changed, dry_run=True).json
    assert (dry["created"], dry["updated"], dry["left"], dry["unchanged"]) == (0, 1, 1, 1)
    keep = upload(client, admin, changed, dry_run=True, leave_missing="false").json
    assert keep["left"] == 0
    upload(client, admin, changed, dry_run=False)
    session.expire_all()
    students = {
        s.external_id: s for s in session.scalars(select(Student).where(Student.school_id == school.id))
    }
    assert students["E1"].preferred_name == "Åsemor" and students["E1"].class_name == "4.B"
    assert students["E3"].active is False and students["E3"].left_on == local_date()
    assert students[None].id == manual.id and students[None].active is True
    # back on the roster: active again
    back = upload(
        client, admin, csv_bytes(HEADER, "E1;Åse;Østergård;Åsemor;4.B;ja", ROWS[1], ROWS[2]), dry_run=False
    )
    assert (back.json["updated"], back.json["unchanged"]) == (1, 2)


def test_only_admins_import(app, client, session, school_admin):
    school, _admin = school_admin
    leader = auth(app, make_user(session, school, "leader"))
    assert upload(client, leader, csv_bytes(HEADER, *ROWS), dry_run=True).status_code == 403


def test_import_route_takes_files_above_the_app_wide_limit(app, client, session, school_admin):
    _school, admin = school_admin
    rows = [f"X{i};Elev{i};Efternavn{i};;3.A;nej" for i in range(40_000)]
    data = csv_bytes(HEADER, *rows)
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    resp = upload(client, admin, data, dry_run=True)
    assert resp.status_code == 200, resp.json
    assert resp.json["created"] == 40_000
    # other routes keep the app-wide limit
    big = client.post(
        "/api/v1/students", json={"given_name": "x" * (2 * 1024 * 1024), "family_name": "y"}, headers=admin
    )
    assert big.status_code == 413


def test_oversized_file_is_refused_clearly(database_url, session):
    app = make_test_app(database_url, IMPORT_MAX_BYTES=100_000)
    client = app.test_client()
    school = make_school(session)
    admin = auth(app, make_user(session, school, "admin"))
    rows = [f"X{i};Elev{i};Efternavn{i};;3.A;nej" for i in range(5_000)]
    resp = upload(client, admin, csv_bytes(HEADER, *rows), dry_run=True)
    assert resp.status_code == 413
    assert "0.1 MB" in resp.json["message"] and "Split" in resp.json["message"]


def test_export_is_safe_for_excel_and_imports_back_unchanged(app, client, session, school_admin):
    school, admin = school_admin
    upload(client, admin, csv_bytes(HEADER, *ROWS), dry_run=False, school_year="2026/27")
    make_student(session, school, given_name="=cmd|' /C calc'!A0", family_name="@Hacker", external_id="E4")
    resp = client.get("/api/v1/students/export", headers=admin)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    body = resp.data
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "external_id;given_name;family_name;preferred_name;class;grade;sfo;left_on"
    assert "E1;Åse;Østergård;;3.A;3;yes;" in lines
    hacked = next(line for line in lines if line.startswith("E4;"))
    assert "'=cmd" in hacked and "'@Hacker" in hacked
    # without the hostile row, the export imports back as unchanged
    clean = "\r\n".join(line for line in lines if not line.startswith("E4;")).encode()
    back = upload(
        client, admin, b"\xef\xbb\xbf" + clean, dry_run=True, school_year="2026/27", leave_missing="false"
    )
    assert back.json["unchanged"] == 3 and back.json["created"] == back.json["updated"] == 0
    teacher = auth(app, make_user(session, school, "teacher"))
    assert client.get("/api/v1/students/export", headers=teacher).status_code == 403
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "roster_exported")
        )
        == 4
    )


def test_cli_import_with_progress_and_all_or_nothing(app, session, tmp_path):
    school = make_school(session, slug="cli-skole")
    good = tmp_path / "elever.csv"
    good.write_bytes(csv_bytes(HEADER, *ROWS))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import-students", str(good), "--school", "cli-skole", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would create 3" in dry.output
    assert count_students(session, school) == 0
    done = runner.invoke(
        args=["import-students", str(good), "--school", "cli-skole", "--school-year", "2026/27"]
    )
    assert done.exit_code == 0 and "Did create 3" in done.output
    assert count_students(session, school) == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(HEADER, "E7;Ny;Elev;;3.A;nej", "E8;=1+1;Holm;;3.A;nej"))
    failed = runner.invoke(args=["import-students", str(bad), "--school", "cli-skole"])
    assert failed.exit_code != 0 and "line 3" in failed.output
    assert count_students(session, school) == 3
    unknown = runner.invoke(args=["import-students", str(good), "--school", "nowhere"])
    assert unknown.exit_code != 0 and "nowhere" in unknown.output
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "roster_imported")).all()
    assert {a.school_id for a in audited} == {school.id} and len(audited) == 3  # a row per student


def test_import_finds_an_existing_class_whatever_the_case_of_its_letters(app, client, session, school_admin):
    school, admin = school_admin
    existing = make_class(session, school, name="Øst 9", grade=9, school_year="2026/27")
    data = csv_bytes(HEADER, "E1;Åse;Østergård;;øst 9;ja", "E2;Karl;Sørensen;;ØST 9;nej")
    resp = upload(client, admin, data, dry_run=False, school_year="2026/27")
    assert resp.status_code == 200, resp.json
    assert resp.json["classes_created"] == [] and resp.json["created"] == 2
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(SchoolClass)) == 1
    assert set(session.scalars(select(Student.class_id))) == {existing.id}
