"""Serve the built app with the demo school on a free 127.0.0.1 port and run Lighthouse against it (lighthouse.mjs).

Usage: .venv/bin/python frontend/perf/run.py   (needs `make frontend` and `npm ci` in frontend/perf; `make lighthouse`)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from werkzeug.serving import make_server

    from api import create_app, discovery
    from api.core import audit
    from api.core.db import Base, db
    from api.demo import load_demo

    dist = ROOT / "frontend" / "dist"
    if not (dist / "index.html").is_file():
        print("frontend/dist is missing: run `make frontend` first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp}/lighthouse.db",
                "TESTING": True,
                "ARGON2_PARAMS": (1, 8, 1),
                "FRONTEND_DIST": str(dist),
            }
        )
        discovery.load_models()
        with app.app_context():
            Base.metadata.create_all(db.engine)
            load_demo(db.session)
            audit.flush_pending(db.session)
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_port}"
            return subprocess.call(["node", str(Path(__file__).with_name("lighthouse.mjs")), url, *sys.argv[1:]])
        finally:
            server.shutdown()
            thread.join(timeout=5)


if __name__ == "__main__":
    sys.exit(main())
