"""A client's request reads its token and its client together in one statement (so revocation, expiry, schools
and scopes are current on every request, at the cost of one indexed lookup)."""

from __future__ import annotations

import re

from api.core.db import db
from tests.auth.test_auth_queries import statements
from tests.factories import client_token, make_api_client, make_school

CLIENT_TABLES = re.compile(r"\b(api_clients|api_client_tokens)\b")


def test_a_client_request_reads_token_and_client_in_one_statement(app, client, database_url):
    # Arranged in an app context of its own, so the request starts with an empty session as in production.
    with app.app_context():
        caller = make_api_client(db.session, make_school(db.session), "roster:read")
    headers = {"Authorization": f"Bearer {client_token(app, caller)}"}
    with statements(database_url) as sent:
        resp = client.get("/api/v1/classes", headers=headers)
    assert resp.status_code == 200
    reads = [s for s in sent if CLIENT_TABLES.search(s) and s.upper().startswith("SELECT")]
    assert len(reads) == 1, reads
    assert "api_clients" in reads[0] and "api_client_tokens" in reads[0]
