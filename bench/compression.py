"""Bytes on the wire with and without compression: the web app's first screen (the built frontend/dist) and
typical JSON lists of the demo school, identity against gzip and brotli, side by side as ratios."""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CODINGS = ("identity", "gzip", "br")


def _sizes(client, url: str, headers: dict[str, str] | None = None) -> dict[str, int]:
    sizes = {}
    for coding in CODINGS:
        resp = client.get(url, headers={**(headers or {}), "Accept-Encoding": coding})
        assert resp.status_code == 200, (url, resp.status_code)
        assert resp.headers.get("Content-Encoding", "identity") == coding or coding == "identity", url
        sizes[coding] = len(resp.get_data())
    return sizes


def _row(name: str, sizes: dict[str, int]) -> str:
    plain = sizes["identity"]
    return (
        f"{name:<42} {plain:>9,} {sizes['gzip']:>9,} {sizes['br']:>9,}"
        f" {sizes['gzip'] / plain:>6.2f} {sizes['br'] / plain:>6.2f}"
    )


def main() -> None:
    """Print the table."""
    from api import create_app, discovery
    from api.core.db import Base, db, make_engine
    from api.demo import DEMO_PASSWORD, DEMO_USERS, load_demo

    dist = ROOT / "frontend" / "dist"
    if not (dist / "index.html").is_file():
        print("skipped: the web app is not built (make frontend)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        discovery.load_models()
        Base.metadata.create_all(make_engine(url))
        app = create_app(
            {"TESTING": True, "DATABASE_URL": url, "FRONTEND_DIST": str(dist), "RATELIMIT_ENABLED": False}
        )
        with app.app_context():
            load_demo(db.session)
            db.session.commit()
        client = app.test_client()
        html = client.get("/").get_data(as_text=True)
        first_screen = ["/", *re.findall(r'(?:src|href)="(/assets/[^"]+\.(?:js|css))"', html)]
        leader = next(email for key, email, *_ in DEMO_USERS if key == "leader")
        login = client.post("/api/v1/auth/login", json={"email": leader, "password": DEMO_PASSWORD})
        auth = {"Authorization": f"Bearer {login.get_json()['access_token']}"}

        print(f"{'response':<42} {'identity':>9} {'gzip':>9} {'br':>9} {'gzip/':>6} {'br/':>6}")
        total = dict.fromkeys(CODINGS, 0)
        for path in first_screen:
            sizes = _sizes(client, path)
            for coding in CODINGS:
                total[coding] += sizes[coding]
            print(_row(path, sizes))
        print(_row("first screen (HTML + entry JS + CSS)", total))
        for path in (
            "/api/v1/students?page_size=100",
            "/api/v1/incidents?page_size=25",
            "/api/v1/observations?page_size=25",
            "/api/v1/openapi.json",
        ):
            print(_row(path, _sizes(client, path, auth)))


if __name__ == "__main__":
    main()
