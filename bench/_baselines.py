"""The two baselines api_throughput.py serves under the same gunicorn config as the app (gthread 2 x 8):

- `bare_app()`: a bare Flask JSON endpoint, the framework's ceiling;
- `hand_app()`: a hand-written Flask + psycopg `GET /students/{id}` doing the same honest work as the app's:
  verify the JWT, read the user with roles and token state, read the student, check class access, insert
  the audit row and commit. Three statements and a commit, one connection per thread.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import jwt
import psycopg
from flask import Flask, Response, request

_STUDENT = {
    "id": 1,
    "given_name": "Åse",
    "family_name": "Østergård",
    "preferred_name": None,
    "display_name": "Åse Østergård",
    "class_id": 7,
    "class_name": "3.A",
    "grade": 3,
    "active": True,
    "left_on": None,
    "sfo_enrolled": True,
    "external_id": "VS0001",
}


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def bare_app() -> Flask:
    """A Flask app answering a fixed student-shaped JSON body."""
    app = Flask("bare")

    @app.get("/health")
    def health() -> Response:
        return _json({"status": "ok"})

    @app.get("/api/v1/students/<int:student_id>")
    def student(student_id: int) -> Response:
        return _json({**_STUDENT, "id": student_id})

    return app


_USER_SQL = """
SELECT u.id, u.school_id, u.active,
       coalesce(array_agg(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL), '{}') AS roles,
       (SELECT f.revoked_at IS NULL FROM auth_token_families f WHERE f.id = %(fam)s) AS family_live,
       EXISTS (SELECT 1 FROM auth_revoked_access_tokens t WHERE t.jti = %(jti)s) AS revoked
FROM users u LEFT JOIN user_roles r ON r.user_id = u.id
WHERE u.id = %(uid)s
GROUP BY u.id
"""
_STUDENT_SQL = """
SELECT s.id, s.given_name, s.family_name, s.preferred_name, s.class_id, c.name, c.grade, s.active, s.left_on,
       s.sfo_enrolled, s.external_id, s.version,
       EXISTS (SELECT 1 FROM class_staff cs WHERE cs.user_id = %(uid)s AND cs.class_id = s.class_id) AS attached
FROM students s LEFT JOIN classes c ON c.id = s.class_id
WHERE s.id = %(sid)s AND s.school_id = %(school)s
"""
_AUDIT_SQL = """
INSERT INTO audit_log (at, school_id, user_id, roles, action, resource_type, resource_id, student_id,
                       request_id, outcome, ip, detail)
VALUES (%(at)s, %(school)s, %(uid)s, %(roles)s, 'student_viewed', 'student', %(sid_text)s, %(sid)s,
        %(request_id)s, 'allowed', %(ip)s, NULL)
"""


def hand_app() -> Flask:
    """The hand-written GET /students/{id} (DATABASE_URL and JWT_SECRET_KEY from the environment)."""
    app = Flask("hand")
    dsn = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    secret = os.environ["JWT_SECRET_KEY"]
    local = threading.local()

    def connection() -> psycopg.Connection:
        conn = getattr(local, "conn", None)
        if conn is None or conn.closed:
            conn = local.conn = psycopg.connect(dsn)
        return conn

    def unauthorized(message: str) -> Response:
        body = {"code": 401, "status": "Unauthorized", "message": message, "errors": {}}
        return _json(body, 401, {"WWW-Authenticate": 'Bearer realm="trivsel"'})

    @app.get("/health")
    def health() -> Response:
        return _json({"status": "ok"})

    @app.get("/api/v1/students/<int:student_id>")
    def student(student_id: int) -> Response:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return unauthorized("Authentication required")
        try:
            claims = jwt.decode(
                header[7:],
                secret,
                algorithms=["HS256"],
                audience="trivsel-api",
                issuer="trivsel",
                options={"require": ["exp", "sub", "jti"]},
            )
        except jwt.PyJWTError:
            return unauthorized("Invalid token")
        if claims.get("type") != "access":
            return unauthorized("Invalid token")
        uid = int(claims["sub"])
        conn = connection()
        with conn.cursor() as cur:
            cur.execute(_USER_SQL, {"uid": uid, "fam": claims.get("fam"), "jti": claims["jti"]})
            user = cur.fetchone()
            if (
                user is None
                or not user[2]
                or user[1] != claims.get("school_id")
                or user[4] is not True
                or user[5]
            ):
                conn.rollback()
                return unauthorized("The token has been revoked or its user is gone.")
            school_id, roles = user[1], list(user[3])
            cur.execute(_STUDENT_SQL, {"uid": uid, "sid": student_id, "school": school_id})
            row = cur.fetchone()
            if row is None:
                conn.rollback()
                return _json(
                    {"code": 404, "status": "Not Found", "message": "Student not found.", "errors": {}}, 404
                )
            # Class access: school-wide roles or attached to the student's class (the app shows names to
            # every staff member, so this decides the details, not the answer).
            may_see_details = bool({"leader", "resource_person"} & set(roles)) or bool(row[12])
            cur.execute(
                _AUDIT_SQL,
                {
                    "at": datetime.now(UTC),
                    "school": school_id,
                    "uid": uid,
                    "roles": ",".join(roles),
                    "sid_text": str(student_id),
                    "sid": student_id,
                    "request_id": request.headers.get("X-Request-ID") or uuid.uuid4().hex,
                    "ip": request.remote_addr,
                },
            )
        conn.commit()
        given, family, preferred = row[1], row[2], row[3]
        body = {
            "id": row[0],
            "given_name": given,
            "family_name": family,
            "preferred_name": preferred,
            "display_name": f"{preferred or given} {family}",
            "class_id": row[4],
            "class_name": row[5],
            "grade": row[6],
            "active": row[7],
            "left_on": row[8].isoformat() if row[8] else None,
            "sfo_enrolled": row[9],
            "external_id": row[10],
        }
        headers = {
            "ETag": f'W/"student-{row[0]}-{row[11]}"',
            "X-May-See-Details": str(may_see_details).lower(),
        }
        return _json(body, 200, headers)

    return app
