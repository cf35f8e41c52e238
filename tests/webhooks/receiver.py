"""A real webhook receiver on 127.0.0.1 for tests: verifies every request with the `standardwebhooks`
library, counts deliveries by webhook-id, and can misbehave (fail, be slow, redirect, answer too much)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook


@dataclass
class Received:
    """One request the receiver got."""

    message_id: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    payload: Any
    at: float
    written: int = 0


@dataclass
class Behaviour:
    """How the receiver answers."""

    status: int = 204
    delay: float = 0.0
    location: str | None = None
    body_bytes: int = 0
    # Answer `status` even to requests that do not verify (a receiver that is simply broken).
    always: bool = False
    # Refuse (422) deliveries about these record ids, whatever else happens.
    refuse_ids: set[int] = field(default_factory=set)


@dataclass
class Receiver:
    """A running receiver; `url` is where to send."""

    server: ThreadingHTTPServer
    secrets: list[str] = field(default_factory=list)
    behaviour: Behaviour = field(default_factory=Behaviour)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """The receiver's URL."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def counts(self) -> Counter[str]:
        """Requests per webhook-id."""
        with self.lock:
            return Counter(r.message_id for r in self.received)

    def verified(self) -> list[Received]:
        """The requests that verified."""
        with self.lock:
            return [r for r in self.received if r.verified]

    def wait_for(self, n: int, *, timeout: float = 30.0) -> bool:
        """Wait until n distinct webhook-ids arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.counts()) >= n:
                return True
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        """Shut the server down."""
        self.server.shutdown()
        self.server.server_close()


def verify(secrets: list[str], body: bytes, headers: dict[str, str]) -> Any:
    """Verify a request as a receiver would, with any of its secrets; raises when none matches."""
    error: Exception | None = None
    for secret in secrets:
        try:
            return Webhook(secret).verify(body, headers)
        except Exception as exc:
            error = exc
    raise error or ValueError("no secret")


def start_receiver(port: int = 0) -> Receiver:
    """Start a receiver on 127.0.0.1 (a free port unless given)."""
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                payload, ok = verify(list(receiver.secrets), body, headers), True
            except Exception:
                payload, ok = None, False
            got = Received(headers.get("webhook-id", ""), headers, body, ok, payload, time.monotonic())
            with receiver.lock:
                receiver.received.append(got)
            b = receiver.behaviour
            if b.delay:
                time.sleep(b.delay)
            status = b.status if ok or b.always else 400
            if ok and (payload.get("data") or {}).get("id") in b.refuse_ids:
                status = 422
            self.send_response(status)
            if b.location:
                self.send_header("Location", b.location)
            self.send_header("Content-Length", str(b.body_bytes))
            self.end_headers()
            remaining = b.body_bytes
            try:
                while remaining > 0:
                    chunk = min(remaining, 65536)
                    self.wfile.write(b"x" * chunk)
                    remaining -= chunk
                    got.written += chunk
            except OSError:
                pass  # the sender stopped reading, as it should

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    receiver = Receiver(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
