"""One delivery attempt over HTTP: signed per Standard Webhooks, to the checked address, no redirects
followed, a hard time limit and a capped answer (its body is never kept)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from standardwebhooks import Webhook
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from api.webhooks import urls

USER_AGENT = "Trivsel-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """What an attempt got: the response code (None when there was no answer) and an error code."""

    status_code: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """2xx is success."""
        return self.status_code is not None and 200 <= self.status_code < 300


def body_of(payload: dict[str, Any]) -> str:
    """The request body: compact JSON (it is what the signature covers)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def signed_headers(*, message_id: str, body: str, secrets: list[str], at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers, with one `v1,` signature per secret (two while rotating)."""
    signatures = " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }


def send(
    url: str,
    *,
    body: str,
    headers: dict[str, str],
    timeout: float,
    max_response_bytes: int,
    allow_loopback: bool,
) -> Outcome:
    """POST the body; never raises for what the receiver (or its DNS) does."""
    try:
        target = urls.check(url, allow_loopback=allow_loopback)
    except urls.UrlRefused as exc:
        return Outcome(None, exc.reason)
    if target.scheme == "https":
        conn: HTTPConnection = HTTPSConnection(
            target.address,
            target.port,
            timeout=timeout,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        conn = HTTPConnection(target.address, target.port, timeout=timeout)
    deadline = time.monotonic() + timeout
    expired = threading.Event()

    def _abort() -> None:
        # A receiver that trickles its answer byte by byte would outlast every per-read timeout.
        expired.set()
        with contextlib.suppress(OSError, AttributeError):
            conn.sock.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]

    watchdog = threading.Timer(timeout, _abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request(
            "POST",
            target.path,
            body=body.encode(),
            headers={
                "Host": target.host_header,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                **headers,
            },
            preload_content=False,
            decode_content=False,
        )
        response = conn.getresponse()
        status = response.status
        error = _drain(response, deadline, max_response_bytes)
        if 300 <= status < 400:
            error = "redirect_not_followed"
        return Outcome(status, error)
    except NewConnectionError:  # refused or unreachable (urllib3 files it under timeouts too)
        return Outcome(None, "timeout" if expired.is_set() else "connection_failed")
    except (TimeoutError, Urllib3Timeout):
        return Outcome(None, "timeout")
    except (OSError, HTTPError, ValueError) as exc:
        if expired.is_set():
            return Outcome(None, "timeout")
        return Outcome(None, "tls_error" if "SSL" in type(exc).__name__ else "connection_failed")
    finally:
        watchdog.cancel()
        with contextlib.suppress(Exception):
            conn.close()


def _drain(response: Any, deadline: float, cap: int) -> str | None:
    """Read at most `cap` bytes of the answer before the deadline; the rest is never read."""
    read = 0
    try:
        while read <= cap and time.monotonic() < deadline:
            chunk = response.read(min(16384, cap + 1 - read) or 1)
            if not chunk:
                return None
            read += len(chunk)
    except (OSError, HTTPError, ValueError):
        return None
    return "response_too_large" if read > cap else None
