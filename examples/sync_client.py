#!/usr/bin/env python3
"""Keep a local copy of Trivsel collections with the change feed: a small, real integration client.

The first run does a full sync of each collection (`?cursor=`, then `next_cursor` until it is null); later runs
ask only for what changed since the last run (`?updated_since=<complete_up_to>`), apply the tombstones in
`deleted`, and keep the new watermark. Its position is saved after every page, so an interrupted run resumes
where it stopped. A 410 (`cursor_expired`: the last run is older than deletions are kept) starts that
collection over with a full sync.

    python examples/sync_client.py --base-url https://trivsel.example.dk --bearer "$TOKEN" \\
        --state sync-state.json --copy trivsel-copy.json incidents students guardians

With an API client (OAuth 2.0 client credentials) instead of a person's token:

    python examples/sync_client.py --base-url … --token-url https://trivsel.example.dk/oauth/token \\
        --client-id … --client-secret … --scope "incidents:read roster:read" …

Only httpx is needed. The files are plain JSON: the state is {collection: {complete_up_to, cursor}}, the copy
{collection: {id: record}}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import httpx

COLLECTIONS = {
    "students": "/api/v1/students",
    "classes": "/api/v1/classes",
    "guardians": "/api/v1/guardians",
    "incidents": "/api/v1/incidents",
    "observations": "/api/v1/observations",
    "play-partner-arrangements": "/api/v1/play-partner-arrangements",
    "wellbeing-days": "/api/v1/wellbeing-days",
}


class ClientCredentials(httpx.Auth):
    """OAuth 2.0 client credentials (RFC 6749 4.4): a token from the token endpoint, renewed before it
    expires and once more if the API answers 401."""

    requires_response_body = True

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: str | None = None) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self._token: str | None = None
        self._expires_at = 0.0

    def _token_request(self) -> httpx.Request:
        data = {"grant_type": "client_credentials"}
        if self.scope:
            data["scope"] = self.scope
        basic = httpx.BasicAuth(self.client_id, self.client_secret)
        request = httpx.Request("POST", self.token_url, data=data)
        return next(basic.auth_flow(request))

    def _keep(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            raise SystemExit(f"token endpoint answered {response.status_code}: {response.text[:200]}")
        body = response.json()
        self._token = body["access_token"]
        self._expires_at = time.monotonic() + float(body.get("expires_in", 300)) - 30

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Fetch a token when there is none or it is about to expire; retry once on 401."""
        if self._token is None or time.monotonic() >= self._expires_at:
            self._keep((yield self._token_request()))
        request.headers["Authorization"] = f"Bearer {self._token}"
        response = yield request
        if response.status_code == 401:
            self._keep((yield self._token_request()))
            request.headers["Authorization"] = f"Bearer {self._token}"
            yield request


class Bearer(httpx.Auth):
    """A bearer token you already have (e.g. from a person's login, for trying things out)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send the token."""
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def _save(path: Path, data: dict[str, Any]) -> None:
    """Write atomically, so a crash never leaves half a file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    os.replace(tmp, path)


def sync_collection(
    http: httpx.Client,
    name: str,
    *,
    state: dict[str, Any],
    copy: dict[str, Any],
    save: Any,
    page_size: int = 1000,
) -> dict[str, int]:
    """Bring one collection's copy up to date; returns what changed (upserted, deleted, pages)."""
    path = COLLECTIONS[name]
    mine = state.setdefault(name, {})
    records = copy.setdefault(name, {})
    counts = {"upserted": 0, "deleted": 0, "pages": 0, "full": 0}
    while True:
        if mine.get("cursor"):
            query = {"cursor": mine["cursor"]}
        elif mine.get("complete_up_to"):
            query = {"updated_since": mine["complete_up_to"]}
        else:
            query = {"cursor": ""}  # a full sync
            counts["full"] = 1
        response = http.get(path, params={**query, "page_size": page_size})
        if response.status_code == 410:  # cursor_expired: deletions since were forgotten; start over
            mine.clear()
            records.clear()
            save()
            continue
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}: {response.text[:300]}")
        page = response.json()
        counts["pages"] += 1
        for item in page["items"]:
            records[str(item["id"])] = item
            counts["upserted"] += 1
        for gone in page.get("deleted", []):
            counts["deleted"] += records.pop(str(gone["id"]), None) is not None
        if page["next_cursor"] is None:
            mine.pop("cursor", None)
            mine["complete_up_to"] = page["complete_up_to"]
            save()
            return counts
        mine["cursor"] = page["next_cursor"]
        save()  # resumable: the next run continues from this page


def main(argv: list[str] | None = None) -> int:
    """Sync the named collections into the copy file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("collections", nargs="*", default=list(COLLECTIONS), choices=list(COLLECTIONS))
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--state", type=Path, default=Path("trivsel-sync-state.json"))
    parser.add_argument("--copy", type=Path, default=Path("trivsel-copy.json"))
    parser.add_argument(
        "--page-size", type=int, default=1000, help="rows a page (a sync may ask up to 1,000)"
    )
    parser.add_argument("--bearer", default=os.environ.get("TRIVSEL_TOKEN"), help="an access token")
    parser.add_argument("--token-url", help="OAuth 2.0 token endpoint (client credentials)")
    parser.add_argument("--client-id", default=os.environ.get("TRIVSEL_CLIENT_ID"))
    parser.add_argument("--client-secret", default=os.environ.get("TRIVSEL_CLIENT_SECRET"))
    parser.add_argument("--scope")
    args = parser.parse_args(argv)

    auth: httpx.Auth
    if args.token_url:
        if not (args.client_id and args.client_secret):
            parser.error("--token-url needs --client-id and --client-secret")
        auth = ClientCredentials(args.token_url, args.client_id, args.client_secret, args.scope)
    elif args.bearer:
        auth = Bearer(args.bearer)
    else:
        parser.error("give --bearer, or --token-url with --client-id and --client-secret")

    state, copy = _load(args.state), _load(args.copy)

    def save() -> None:
        _save(args.copy, copy)
        _save(args.state, state)

    with httpx.Client(
        base_url=args.base_url, auth=auth, timeout=30, headers={"Accept": "application/json"}
    ) as http:
        for name in args.collections:
            counts = sync_collection(http, name, state=state, copy=copy, save=save, page_size=args.page_size)
            print(json.dumps({"collection": name, **counts, "records": len(copy[name])}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
