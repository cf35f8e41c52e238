"""The `trivsel` command line: migrate, create a school and a user, load the demo, write the spec."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from flask_jwt_extended import decode_token

from api.demo import DEMO_PASSWORD, DEMO_USERS


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_create_school_and_user(app, runner, client):
    out = runner.invoke(args=["create-school", "--name", "Bakkeskolen", "--slug", "bakke"])
    assert out.exit_code == 0, out.output
    dup = runner.invoke(args=["create-school", "--name", "Igen", "--slug", "bakke"])
    assert dup.exit_code != 0 and "exists" in dup.output
    out = runner.invoke(
        args=[
            "create-user",
            "--school",
            "bakke",
            "--email",
            "leder@bakke.dk",
            "--name",
            "Leder",
            "--role",
            "leader",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input="a-long-password\n",
    )
    assert out.exit_code == 0, out.output
    resp = client.post("/api/v1/auth/login", json={"email": "leder@bakke.dk", "password": "a-long-password"})
    assert resp.status_code == 200
    assert resp.json["user"]["roles"] == ["admin", "leader"]
    short = runner.invoke(
        args=[
            "create-user",
            "--school",
            "bakke",
            "--email",
            "x@bakke.dk",
            "--name",
            "X",
            "--role",
            "teacher",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert short.exit_code != 0
    nosuch = runner.invoke(
        args=[
            "create-user",
            "--school",
            "nope",
            "--email",
            "y@bakke.dk",
            "--name",
            "Y",
            "--role",
            "teacher",
            "--password-stdin",
        ],
        input="a-long-password\n",
    )
    assert nosuch.exit_code != 0 and "No school" in nosuch.output


def test_demo_gives_a_login_for_every_role(app, runner, client):
    out = runner.invoke(args=["demo"])
    assert out.exit_code == 0, out.output
    for role, email, _name, _roles in DEMO_USERS:
        assert email in out.output
        resp = client.post("/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD})
        assert resp.status_code == 200, email
        with app.app_context():
            claims = decode_token(resp.json["access_token"])
        assert role in claims["roles"]
        assert claims["school_id"] == resp.json["user"]["school"]["id"]
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already" in again.output
    skipped = runner.invoke(args=["demo", "--if-empty"])
    assert "no demo data" in skipped.output


@pytest.mark.parametrize("args", [["demo"], ["demo", "--if-empty"]], ids=["demo", "if-empty"])
def test_demo_refuses_to_run_in_production(app, database_url, monkeypatch, args):
    import secrets

    from sqlalchemy import func, select

    from api.core.db import db
    from api.schools.models import School
    from tests.conftest import make_test_app

    monkeypatch.setenv("TRIVSEL_ALLOW_SQLITE", "1")
    production = make_test_app(
        database_url,
        TRIVSEL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_SECRET_KEY=secrets.token_urlsafe(48),
    )
    out = production.test_cli_runner().invoke(args=args)
    assert out.exit_code != 0 and "production" in out.output
    assert DEMO_PASSWORD not in out.output
    with production.app_context():
        assert db.session.scalar(select(func.count()).select_from(School)) == 0


def test_openapi_command_writes_the_spec(tmp_path):
    from api.cli import openapi_cmd

    target = tmp_path / "spec.json"
    result = CliRunner().invoke(openapi_cmd, ["--output", str(target)])
    assert result.exit_code == 0, result.output
    spec = json.loads(target.read_text())
    assert "/api/v1/auth/login" in spec["paths"]


def test_purge_removes_only_expired_rows(app, runner, session):
    from datetime import timedelta

    from sqlalchemy import func, select

    from api.auth.models import RevokedAccessToken
    from api.core.timeutil import utcnow

    session.add_all(
        [
            RevokedAccessToken(jti="old", expires_at=utcnow() - timedelta(hours=1), user_id=1),
            RevokedAccessToken(jti="new", expires_at=utcnow() + timedelta(hours=1), user_id=1),
        ]
    )
    session.commit()
    out = runner.invoke(args=["purge"])
    assert out.exit_code == 0, out.output
    session.expire_all()
    assert session.scalars(select(RevokedAccessToken.jti)).all() == ["new"]
    assert session.scalar(select(func.count()).select_from(RevokedAccessToken)) == 1
