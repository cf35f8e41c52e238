"""Rate limits per API client on the limiter's storage (Redis in production), answered with the IETF
RateLimit / RateLimit-Policy header fields (draft-ietf-httpapi-ratelimit-headers) and Retry-After on 429."""

from __future__ import annotations

import math
import time
from typing import Any

from flask import current_app, g
from flask.wrappers import Response
from limits import parse

from api.errors import DomainError
from api.extensions import limiter

POLICY = "per-client"


class RateLimited(DomainError):
    status = 429
    type = "rate_limited"


def hit(principal: Any, *, refuse: bool = True) -> None:
    """Count one request of this client; 429 with Retry-After when its window is used up (unless `refuse` is
    off: an operation closed to clients answers its 403 either way)."""
    item = parse(current_app.config["API_CLIENT_RATE_LIMIT"])
    key = (
        current_app.config.get("RATELIMIT_KEY_PREFIX") or "trivsel",
        "api-client",
        str(principal.client_pk),
    )
    allowed = limiter.limiter.hit(item, *key)
    stats = limiter.limiter.get_window_stats(item, *key)
    reset = max(0, math.ceil(stats.reset_time - time.time()))
    g._trivsel_ratelimit = (item.amount, item.get_expiry(), stats.remaining, reset)
    if not allowed and refuse:
        raise RateLimited(
            f"This API client made more than {item.amount} requests in {item.get_expiry()} seconds.",
            headers={"Retry-After": str(max(1, reset))},
        )


def add_headers(response: Response) -> Response:
    """RateLimit-Policy (quota, window) and RateLimit (remaining, seconds to reset) on a client's answers."""
    counted = g.pop("_trivsel_ratelimit", None)
    g.pop("trivsel_scope", None)
    if counted is not None:
        quota, window, remaining, reset = counted
        response.headers["RateLimit-Policy"] = f'"{POLICY}";q={quota};w={window}'
        response.headers["RateLimit"] = f'"{POLICY}";r={remaining};t={reset}'
    return response
