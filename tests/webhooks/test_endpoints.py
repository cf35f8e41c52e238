"""Managing webhook endpoints: admins only, another school's is 404, the SSRF guard at registration, the
secret shown once, rotation, a test event and the delivery log (no bodies)."""

from __future__ import annotations

import secrets

import pytest

from api.core.audit import AuditEntry
from api.webhooks import permissions, urls
from tests.incidents.factories import headers
from tests.webhooks.helpers import ALL_TYPES, error_fields, register, worker

BASE = "/api/v1/webhook-endpoints"


def _admin(app, world, **extra):
    return headers(app, world, world.users["admin"], **extra)


def test_admins_manage_endpoints_and_nobody_else_does(app, client, world, receiver):
    created = register(client, app, world, receiver.url, ["incident.reported", "incident.closed"])
    assert created["secret"].startswith("whsec_")
    assert created["event_types"] == ["incident.reported", "incident.closed"]
    assert created["active"] is True

    listed = client.get(BASE, headers=_admin(app, world)).json
    assert [e["id"] for e in listed["items"]] == [created["id"]]
    assert "secret" not in listed["items"][0], "the secret is shown only when made or rotated"
    one = client.get(f"{BASE}/{created['id']}", headers=_admin(app, world))
    assert one.status_code == 200 and "secret" not in one.json

    for role in ("leader", "teacher", "resource_person", "sfo_staff"):
        hdrs = headers(app, world, world.users[role])
        assert client.get(BASE, headers=hdrs).status_code == 403
        assert (
            client.post(BASE, json={"url": receiver.url, "event_types": ALL_TYPES}, headers=hdrs).status_code
            == 403
        )
        assert client.get(f"{BASE}/{created['id']}/deliveries", headers=hdrs).status_code == 403

    other_admin = headers(app, world, world.other_users["admin"])
    for method, path in (
        ("get", f"{BASE}/{created['id']}"),
        ("get", f"{BASE}/{created['id']}/deliveries"),
        ("post", f"{BASE}/{created['id']}/test"),
        ("post", f"{BASE}/{created['id']}/rotate-secret"),
        ("delete", f"{BASE}/{created['id']}"),
    ):
        kwargs = {"json": {}} if method == "post" else {}
        resp = getattr(client, method)(path, headers=other_admin, **kwargs)
        assert resp.status_code == 404, (method, path, resp.json)
    assert client.get(BASE, headers=other_admin).json["items"] == []
    assert client.get(BASE).status_code == 401


def test_the_manage_rule_lives_in_one_place_and_takes_a_scope():
    class Client:
        scopes = ("webhooks:manage",)

    class Teacher:
        def has_role(self, *roles):
            return "teacher" in roles

    assert permissions.may_manage(Client())
    assert not permissions.may_manage(Teacher())


def test_changes_need_if_match_and_are_audited(app, client, session, world, receiver):
    created = register(client, app, world, receiver.url)
    url = f"{BASE}/{created['id']}"
    assert (
        client.patch(url, json={"event_types": ["student.updated"]}, headers=_admin(app, world)).status_code
        == 428
    )
    stale = client.patch(
        url, json={"event_types": ["student.updated"]}, headers=_admin(app, world, **{"If-Match": '"nope"'})
    )
    assert stale.status_code == 412
    etag = client.get(url, headers=_admin(app, world)).headers["ETag"]
    resp = client.patch(
        url,
        json={"event_types": ["student.updated"], "description": "Elevplan", "active": False},
        headers=_admin(app, world, **{"If-Match": etag}),
    )
    assert resp.status_code == 200, resp.json
    assert (resp.json["event_types"], resp.json["description"], resp.json["active"]) == (
        ["student.updated"],
        "Elevplan",
        False,
    )
    assert resp.headers["ETag"] != etag
    assert client.delete(url, headers=_admin(app, world)).status_code == 204
    assert client.get(url, headers=_admin(app, world)).status_code == 404
    actions = [
        a for (a,) in session.query(AuditEntry.action).filter(AuditEntry.resource_type == "webhook_endpoint")
    ]
    assert actions == ["webhook_endpoint_created", "webhook_endpoint_updated", "webhook_endpoint_deleted"]


def test_unknown_event_types_are_refused(app, client, world, receiver):
    resp = client.post(
        BASE, json={"url": receiver.url, "event_types": ["incident.deleted"]}, headers=_admin(app, world)
    )
    assert resp.status_code == 422 and error_fields(resp) == ["event_types"]
    resp = client.post(BASE, json={"url": receiver.url, "event_types": []}, headers=_admin(app, world))
    assert resp.status_code == 422 and error_fields(resp) == ["event_types"]
    types = client.get(f"{BASE}/event-types", headers=_admin(app, world)).json["event_types"]
    assert "incident.established" in types and "roster.imported" in types


REFUSED = [
    "http://hooks.example.dk/x",  # not https
    "https://127.0.0.1/x",  # loopback
    "https://localhost:8443/x",
    "https://[::1]/x",
    "https://[::ffff:127.0.0.1]/x",  # loopback inside IPv6
    "https://10.1.2.3/x",  # private
    "https://192.168.1.10/x",
    "https://172.16.0.5/x",
    "https://100.64.0.1/x",  # shared address space
    "https://169.254.169.254/latest/meta-data",  # cloud metadata (link-local)
    "https://[fd00:ec2::254]/x",  # AWS IPv6 metadata (unique local)
    "https://[2002:7f00:1::]/x",  # 6to4 wrapping 127.0.0.1
    "https://0.0.0.0/x",
    "https://224.0.0.1/x",  # multicast
    "https://internal.example.dk/x",  # a name resolving to a private address
    "https://mixed.example.dk/x",  # a name with one public and one private address
    "https://nowhere.example.dk/x",  # a name that does not resolve
    "https://user:secret@hooks.example.dk/x",  # credentials in the URL
    "https://hooks.example.dk/x#frag",
    "ftp://hooks.example.dk/x",
    "https:///x",
    "https://hooks.example.dk:99999/x",
]


def _fake_dns(host, port):
    answers = {
        "hooks.example.dk": ["93.184.216.34"],
        "internal.example.dk": ["10.20.30.40"],
        "mixed.example.dk": ["93.184.216.34", "192.168.0.2"],
        "localhost": ["127.0.0.1", "::1"],
    }
    if host not in answers:
        raise OSError("Name or service not known")
    return answers[host]


@pytest.mark.parametrize("url", REFUSED)
def test_the_guard_refuses_urls_that_are_not_https_or_reach_internal_addresses(monkeypatch, url):
    monkeypatch.setattr(urls, "resolve", _fake_dns)
    with pytest.raises(urls.UrlRefused):
        urls.check(url, allow_loopback=False)


def test_registration_refuses_them_with_a_422_on_the_url(app, client, world, monkeypatch):
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = False  # as in production
    monkeypatch.setattr(urls, "resolve", _fake_dns)
    for url in ("http://hooks.example.dk/x", "https://169.254.169.254/", "https://internal.example.dk/x"):
        resp = client.post(BASE, json={"url": url, "event_types": ALL_TYPES}, headers=_admin(app, world))
        assert resp.status_code == 422 and error_fields(resp) == ["url"], (url, resp.json)
    created = register(client, app, world, "https://hooks.example.dk/x")
    etag = client.get(f"{BASE}/{created['id']}", headers=_admin(app, world)).headers["ETag"]
    resp = client.patch(
        f"{BASE}/{created['id']}",
        json={"url": "https://10.0.0.1/x"},
        headers=_admin(app, world, **{"If-Match": etag}),
    )
    assert resp.status_code == 422 and error_fields(resp) == ["url"]


def test_loopback_is_allowed_only_with_the_development_setting(monkeypatch):
    monkeypatch.setattr(urls, "resolve", _fake_dns)
    assert urls.check("http://127.0.0.1:8080/hook", allow_loopback=True).address == "127.0.0.1"
    assert urls.check("http://localhost:8080/hook", allow_loopback=True).host_header == "localhost:8080"
    with pytest.raises(urls.UrlRefused):
        urls.check("http://10.0.0.1/hook", allow_loopback=True)  # the setting is for loopback only


def test_a_public_https_url_is_accepted(app, client, world, monkeypatch):
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = False
    monkeypatch.setattr(urls, "resolve", lambda host, port: ["93.184.216.34", "2606:2800:220:1::1"])
    assert urls.check("https://hooks.example.dk/", allow_loopback=False).address == "93.184.216.34"
    resp = client.post(
        BASE,
        json={"url": "https://hooks.example.dk:8443/in?src=trivsel", "event_types": ALL_TYPES},
        headers=_admin(app, world),
    )
    assert resp.status_code == 201, resp.json


def test_loopback_http_is_only_for_development_and_tests(app, client, world, receiver):
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = True
    app.config["TRIVSEL_ENV"] = "production"
    resp = client.post(BASE, json={"url": receiver.url, "event_types": ALL_TYPES}, headers=_admin(app, world))
    assert resp.status_code == 422 and error_fields(resp) == ["url"]


def test_the_production_config_refuses_the_loopback_setting(monkeypatch):
    from api.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="WEBHOOK_ALLOW_LOOPBACK"):
        load_config(
            {
                "TRIVSEL_ENV": "production",
                "SECRET_KEY": secrets.token_urlsafe(48),
                "JWT_SECRET_KEY": secrets.token_urlsafe(48),
                "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                "DATABASE_URL": "postgresql://db/trivsel",
                "WEBHOOK_ALLOW_LOOPBACK": True,
            }
        )


def test_a_test_event_goes_out_and_the_log_shows_status_attempts_and_code_but_no_body(
    app, client, world, receiver
):
    created = register(client, app, world, receiver.url, ["incident.closed"])
    receiver.secrets = [created["secret"]]
    resp = client.post(f"{BASE}/{created['id']}/test", headers=_admin(app, world))
    assert resp.status_code == 202, resp.json
    assert (resp.json["status"], resp.json["event_type"], resp.json["attempts"]) == (
        "pending",
        "webhook.test",
        0,
    )
    worker(app).run_once()
    [got] = receiver.received
    assert got.verified and got.payload["type"] == "webhook.test"
    log = client.get(f"{BASE}/{created['id']}/deliveries", headers=_admin(app, world)).json
    [entry] = log["items"]
    assert (entry["status"], entry["attempts"], entry["last_status_code"]) == ("delivered", 1, 204)
    assert entry["message_id"] == got.message_id
    assert not {"payload", "body", "response_body"} & set(entry)
    assert (
        client.get(f"{BASE}/{created['id']}/deliveries?status=failed", headers=_admin(app, world)).json[
            "total"
        ]
        == 0
    )


def test_a_switched_off_endpoint_takes_no_test_event(app, client, world, receiver):
    created = register(client, app, world, receiver.url)
    url = f"{BASE}/{created['id']}"
    etag = client.get(url, headers=_admin(app, world)).headers["ETag"]
    client.patch(url, json={"active": False}, headers=_admin(app, world, **{"If-Match": etag}))
    assert client.post(f"{url}/test", headers=_admin(app, world)).status_code == 409


def test_rotation_grace_period_bounds(app, client, world, receiver):
    created = register(client, app, world, receiver.url)
    url = f"{BASE}/{created['id']}/rotate-secret"
    assert client.post(url, json={"grace_hours": 500}, headers=_admin(app, world)).status_code == 422
    resp = client.post(url, json={"grace_hours": 0}, headers=_admin(app, world))
    assert resp.status_code == 200 and resp.json["previous_secret_expires_at"] is None
    resp = client.post(url, json={}, headers=_admin(app, world))
    assert resp.status_code == 200 and resp.json["previous_secret_expires_at"] is not None
