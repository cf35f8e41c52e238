"""Bad endpoints never block the others: unreachable, slow (past the timeout), redirecting and
oversized-answer endpoints, while a good endpoint gets every event; and the SSRF guard at delivery."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from api.core.timeutil import utcnow
from api.webhooks import urls
from tests.webhooks.helpers import deliveries, register, report, worker

N = 6


def test_unreachable_slow_redirecting_and_oversized_endpoints_do_not_block_a_good_one(
    app, client, session, world, receivers
):
    good, slow, redirecting, oversized, redirect_target = (receivers() for _ in range(5))
    closed = receivers()
    unreachable_url = closed.url
    closed.stop()
    slow.behaviour.delay = 4  # past the 2 s timeout the test app sets (10 s in production)
    redirecting.behaviour.status, redirecting.behaviour.location = 302, redirect_target.url
    oversized.behaviour.status, oversized.behaviour.body_bytes = 200, 200 * 1024 * 1024
    ids = {}
    for name, r in {
        "slow": slow,
        "redirecting": redirecting,
        "oversized": oversized,
        "good": good,
    }.items():
        endpoint = register(client, app, world, r.url, ["incident.reported"])
        r.secrets = [endpoint["secret"]]
        ids[name] = endpoint["id"]
    ids["unreachable"] = register(client, app, world, unreachable_url, ["incident.reported"])["id"]
    for _ in range(N):
        report(client, app, world)

    w = worker(app, concurrency=8, poll_interval=0.05)
    started = time.monotonic()
    loop = threading.Thread(target=w.run, daemon=True)
    loop.start()
    try:
        assert good.wait_for(N, timeout=15), f"the good endpoint got {len(good.counts())} of {N}"
        hanging = [(r.at, r.at + 2) for r in slow.received]  # each slow request hangs until the 2 s timeout
        meanwhile = [g for g in good.received if any(a <= g.at <= b for a, b in hanging)]
        assert len(meanwhile) >= N // 2, "good deliveries went out while slow ones were hanging, not after"
        assert time.monotonic() - started < 15
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            rows = {d.endpoint_id: d for d in deliveries(session, ids["slow"])}
            if any(d.last_error == "timeout" for d in rows.values()):
                break
            time.sleep(0.1)
    finally:
        w.stopping.set()
        loop.join(timeout=30)
    assert not loop.is_alive()

    by_endpoint = {name: deliveries(session, eid) for name, eid in ids.items()}
    assert {d.status for d in by_endpoint["good"]} == {"delivered"}
    assert {d.last_error for d in by_endpoint["slow"] if d.attempts} == {"timeout"}
    assert {(d.last_status_code, d.last_error) for d in by_endpoint["redirecting"] if d.attempts} == {
        (302, "redirect_not_followed")
    }
    assert {d.status for d in by_endpoint["redirecting"]} == {"pending"}, "a redirect is a failed attempt"
    assert redirect_target.received == [], "redirects are never followed"
    assert {d.last_error for d in by_endpoint["unreachable"] if d.attempts} == {"connection_failed"}
    big = [d for d in by_endpoint["oversized"] if d.attempts]
    assert big and {(d.status, d.last_error) for d in big} == {("delivered", "response_too_large")}
    assert max(r.written for r in oversized.received) < 50 * 1024 * 1024, "the answer was not read to its end"


def test_a_name_that_resolves_to_an_internal_address_at_delivery_time_is_not_contacted(
    app, client, session, world, monkeypatch
):
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = False
    answers = {"hooks.example.dk": ["93.184.216.34"]}
    monkeypatch.setattr(urls, "resolve", lambda host, port: answers[host])
    endpoint = register(client, app, world, "https://hooks.example.dk/trivsel", ["incident.reported"])
    assert endpoint["url"] == "https://hooks.example.dk/trivsel"

    answers["hooks.example.dk"] = ["10.0.0.7"]  # DNS changed after registration
    report(client, app, world)
    worker(app).run_once()
    answers["hooks.example.dk"] = ["169.254.169.254"]  # the cloud metadata address
    report(client, app, world)
    worker(app).run_once(now=utcnow() + timedelta(seconds=5))
    rows = deliveries(session, endpoint["id"])
    assert [(d.status, d.attempts, d.last_status_code, d.last_error) for d in rows] == [
        ("pending", 2, None, "address_refused"),
        ("pending", 1, None, "address_refused"),
    ]
