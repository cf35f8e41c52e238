"""Authentication is one statement per request: the user, the roles, the school and the token's state are read
together, and the rest of the request uses what was loaded (no second read of users or roles)."""

from __future__ import annotations

import re

from api.core.db import db
from tests.factories import attach_staff, auth, make_class, make_school, make_student, make_user
from tests.queries import statements

AUTH_TABLES = re.compile(r"\b(users|user_roles|auth_token_families|auth_revoked_access_tokens)\b")


def _arrange(app):
    # Arranged in an app context of its own, so requests start with an empty session as in production.
    with app.app_context():
        school = make_school(db.session)
        teacher = make_user(db.session, school, "teacher", "pedagogue")
        colleague = make_user(db.session, school, "teacher", "sfo_staff")
        cls = make_class(db.session, school)
        attach_staff(db.session, cls, teacher)
        attach_staff(db.session, cls, colleague, role="teacher")
        student = make_student(db.session, school, cls)
        return auth(app, teacher), student.id


def test_an_authenticated_request_reads_the_user_and_token_state_in_one_statement(app, client, database_url):
    headers, _ = _arrange(app)
    with statements(database_url) as sent:
        resp = client.get("/api/v1/auth/me", headers=headers)
    assert resp.status_code == 200 and resp.json["roles"] == ["pedagogue", "teacher"]
    assert resp.json["school"]["name"]
    print(f"\nGET /auth/me: {len(sent)} statement(s)")
    assert len(sent) == 1, sent
    for table in ("users", "user_roles", "auth_token_families", "auth_revoked_access_tokens"):
        assert re.search(rf"\b{table}\b", sent[0]), table


def test_the_view_uses_the_loaded_user_and_reads_no_roles_again(app, client, database_url):
    headers, student_id = _arrange(app)
    with statements(database_url) as sent:
        resp = client.get(f"/api/v1/students/{student_id}", headers=headers)
    assert resp.status_code == 200, resp.json
    # Statements reading from users, roles or token tables first (class staff joined to their users are the
    # students domain's own read).
    auth_reads = [s for s in sent if s.startswith("SELECT") and AUTH_TABLES.match(s.split(" FROM ", 1)[1])]
    print(f"\nGET /students/{{id}}: {len(sent)} statements, {len(auth_reads)} of them on users/roles/tokens")
    assert len(auth_reads) == 1, auth_reads
    assert sent[0] == auth_reads[0]  # authentication comes first, and only once
