"""A teacher's read of a student of their class costs at most 4 SQL statements: who the caller is (one), the
student, the caller's classes, and the audit row."""

from __future__ import annotations

from api.core.db import db
from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user
from tests.queries import statements


def test_a_teacher_reads_a_student_of_their_class_in_at_most_4_statements(app, client, database_url):
    with app.app_context():  # arranged apart, so the request starts with an empty session as in production
        school = make_school(db.session)
        teacher = make_user(db.session, school, "teacher")
        cls = make_class(db.session, school)
        attach_staff(db.session, cls, teacher)
        student_id = make_student(db.session, school, cls).id
        headers = auth(app, teacher)
    with statements(database_url) as sent:
        resp = client.get(f"/api/v1/students/{student_id}", headers=headers)
    assert resp.status_code == 200 and resp.json["id"] == student_id
    print(f"\nGET /students/{{id}}: {len(sent)} statements")
    assert len(sent) <= 4, "\n".join(sent)
