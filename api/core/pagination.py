"""Paging, the same envelope on every list, in one of two ways:

- **offset** (`page`, `page_size`): `{items, total, page, page_size}`, for people paging through a screen;
- **keyset**, the change feed (`cursor` and/or `updated_since`): `{items, page_size, next_cursor,
  complete_up_to, deleted}`, for programs keeping a copy. Rows come oldest change first, ordered by
  (updated_at, id) and read through the (school_id, updated_at, id) index, so page 1,000 costs what page 1
  costs, and no row is skipped or repeated while others write.

The watermark rule. A row's updated_at is taken when its transaction writes it, but transactions commit in
any order, so a row stamped 12:00:00.5 may become visible after one stamped 12:00:01. A sync therefore
reads only up to a watermark, `complete_up_to` = the time the sync began minus FEED_SAFETY_LAG_SECONDS
(longer than any write transaction takes): everything stamped at or before it has committed. The watermark
is fixed in the cursor for the whole sync; a row changed meanwhile is stamped after it and comes in the next
sync. When `next_cursor` is null the client keeps `complete_up_to` and asks `updated_since=<it>` next time
(strictly after it). The same window returns `deleted`: tombstones of records deleted, withdrawn or
anonymised after `updated_since` (a full sync needs none). Tombstones are kept TOMBSTONE_RETENTION_DAYS; an
`updated_since` or cursor older than that is 410 `cursor_expired`: the client starts a full sync again.

A cursor is opaque and signed (itsdangerous, with the app's secret): a changed or foreign one is 400
`invalid_cursor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import marshmallow as ma
from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_
from sqlalchemy.orm import Session

from api.core.db import UTCDateTime, column_rows
from api.core.dumping import PlannedList
from api.core.timeutil import utcnow
from api.core.tombstones import TOMBSTONE_REASONS, Tombstone
from api.errors import BadRequest, Gone
from api.extensions import Schema

MAX_PAGE_SIZE = 100
# A sync reads every row; pages this large spend the request's own cost (authentication, the audit's commit)
# over ten times the rows. Offset pages, for people, stay at MAX_PAGE_SIZE.
MAX_FEED_PAGE_SIZE = 1000
DEFAULT_SAFETY_LAG_SECONDS = 5
DEFAULT_TOMBSTONE_RETENTION_DAYS = 90
_CURSOR_SALT = "trivsel.feed-cursor.v1"


class PageQuery(Schema):
    """Query arguments every list accepts."""

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000))
    page_size = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE))


class FeedQuery(PageQuery):
    """Query arguments of a collection an integration reads: offset paging, or the change feed."""

    page_size = ma.fields.Integer(
        load_default=25,
        validate=ma.validate.Range(min=1, max=MAX_FEED_PAGE_SIZE),
        metadata={
            "description": f"Rows per page: at most {MAX_PAGE_SIZE} by `page`, at most {MAX_FEED_PAGE_SIZE} "
            "by `cursor`/`updated_since` (a sync)"
        },
    )

    cursor = ma.fields.String(
        validate=ma.validate.Length(max=2000),
        metadata={
            "description": "Keyset paging: empty to start a full sync, then the `next_cursor` of the "
            "previous answer (opaque; signed)"
        },
    )
    updated_since = ma.fields.AwareDateTime(
        default_timezone=UTC,
        metadata={
            "description": "Only what changed strictly after this time (the `complete_up_to` of your last "
            "sync), oldest first, with the tombstones of what was deleted since"
        },
    )

    @ma.validates_schema(pass_original=True)
    def _one_way_of_paging(self, data: dict[str, Any], original: Any, **_kwargs: Any) -> None:
        keys = set(original.keys()) if hasattr(original, "keys") else set()
        if "page" in keys and keys & {"cursor", "updated_since"}:
            raise ma.ValidationError("Page by `page` or by `cursor`/`updated_since`, not both.", "page")
        if not keys & {"cursor", "updated_since"} and data.get("page_size", 0) > MAX_PAGE_SIZE:
            raise ma.ValidationError(
                f"Must be between 1 and {MAX_PAGE_SIZE} by `page`; up to {MAX_FEED_PAGE_SIZE} by `cursor`.",
                "page_size",
            )


_PAGE_SCHEMAS: dict[str, type[Schema]] = {}


class TombstoneRead(Schema):
    """A record that was deleted, withdrawn or anonymised: drop your copy of it."""

    id = ma.fields.Integer(dump_only=True, attribute="resource_id")
    deleted_at = ma.fields.AwareDateTime(dump_only=True)
    reason = ma.fields.String(
        dump_only=True,
        metadata={"enum": list(TOMBSTONE_REASONS)},
    )


def page_schema(
    item_schema: type[ma.Schema],
    name: str | None = None,
    *,
    feed: bool = False,
    extra: dict[str, ma.fields.Field] | None = None,
) -> type[Schema]:
    """The page envelope schema for a list of `item_schema` (one class per item schema); with `feed`, the
    envelope of a collection that also pages by cursor (the offset fields are then absent); `extra` adds
    fields about the collection as a whole (e.g. `can_create`: whether this caller may add to it)."""
    name = name or item_schema.__name__.removesuffix("Schema").removesuffix("Read") + "Page"
    if name in _PAGE_SCHEMAS:
        assert set(extra or {}) <= set(_PAGE_SCHEMAS[name]._declared_fields), f"{name} declared twice"
    else:
        offset = {"required": not feed}
        fields: dict[str, Any] = {
            # Dumped by a plan of the item schema: a page's dump cost more than reading it (api/core/dumping.py).
            "items": PlannedList(ma.fields.Nested(item_schema), required=True),
            "total": ma.fields.Integer(**offset, metadata={"description": "Offset paging only"}),
            "page": ma.fields.Integer(**offset, metadata={"description": "Offset paging only"}),
            "page_size": ma.fields.Integer(required=True),
        }
        if feed:
            fields |= {
                "next_cursor": ma.fields.String(
                    allow_none=True,
                    metadata={
                        "description": "Keyset paging: the cursor of the next page; null when this "
                        "sync is complete"
                    },
                ),
                "complete_up_to": ma.fields.AwareDateTime(
                    metadata={
                        "description": "Keyset paging: the watermark. Every change up to this time is "
                        "in this sync; send it as `updated_since` next time"
                    },
                ),
                "deleted": ma.fields.List(
                    ma.fields.Nested(TombstoneRead),
                    metadata={
                        "description": "Keyset paging with `updated_since`: what was deleted, withdrawn "
                        "or anonymised in the window"
                    },
                ),
            }
        fields |= extra or {}
        doc = (
            f"One page of {item_schema.__name__} items: by cursor (a sync) or by page number with the total."
            if feed
            else f"One page of {item_schema.__name__} items, with the total count of all pages."
        )
        _PAGE_SCHEMAS[name] = type(name, (Schema,), {"__doc__": doc, **fields})
    return _PAGE_SCHEMAS[name]


def paginate(session: Session, stmt: Select[Any], *, page: int, page_size: int, scalars: bool = True) -> dict:
    """Run a select for one page; the statement must already have a stable order (end it with the id)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    paged = stmt.limit(page_size).offset((page - 1) * page_size)
    items = list(session.scalars(paged).unique()) if scalars else column_rows(session, paged)
    return {"items": items, "total": total, "page": page, "page_size": page_size}


# The change feed


@dataclass(frozen=True)
class FeedArgs:
    """Where a sync stands: its window (since, watermark] and the last row and tombstone it returned."""

    resource: str
    school_id: int
    watermark: datetime
    since: datetime | None = None
    after: tuple[datetime, int] | None = None
    tomb_after: tuple[datetime, int] | None = None


def is_feed(args: dict[str, Any]) -> bool:
    """Whether the request pages by cursor (the change feed) rather than by page number."""
    return args.get("cursor") is not None or args.get("updated_since") is not None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_CURSOR_SALT)


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def encode_cursor(state: FeedArgs) -> str:
    """The opaque, signed cursor of a sync's position."""
    payload = {
        "r": state.resource,
        "s": state.school_id,
        "w": _ts(state.watermark),
        "u": _ts(state.since) if state.since else None,
        "a": [_ts(state.after[0]), state.after[1]] if state.after else None,
        "t": [_ts(state.tomb_after[0]), state.tomb_after[1]] if state.tomb_after else None,
    }
    return _serializer().dumps(payload)


def _invalid() -> BadRequest:
    return BadRequest(
        "The cursor is not one this API issued for this collection (changed, cut short or from elsewhere). "
        "Start again with an empty cursor or your last complete_up_to.",
        errors={"cursor": ["Invalid cursor."]},
        type="invalid_cursor",
    )


def decode_cursor(cursor: str, *, resource: str, school_id: int) -> FeedArgs:
    """The position a cursor names; 400 when it was not signed by us for this collection and school."""
    try:
        payload = _serializer().loads(cursor)
        if payload["r"] != resource or payload["s"] != school_id:
            raise _invalid()

        def key(value: Any) -> tuple[datetime, int] | None:
            if value is None:
                return None
            return datetime.fromisoformat(value[0]), int(value[1])

        return FeedArgs(
            resource=resource,
            school_id=school_id,
            watermark=datetime.fromisoformat(payload["w"]),
            since=datetime.fromisoformat(payload["u"]) if payload["u"] else None,
            after=key(payload["a"]),
            tomb_after=key(payload["t"]),
        )
    except (BadData, KeyError, TypeError, ValueError, IndexError) as exc:
        raise _invalid() from exc


def retention() -> timedelta:
    """How long tombstones are kept (and so how old a cursor or updated_since may be)."""
    return timedelta(
        days=current_app.config.get("TOMBSTONE_RETENTION_DAYS", DEFAULT_TOMBSTONE_RETENTION_DAYS)
    )


def _expired(what: str) -> Gone:
    return Gone(
        f"This {what} is older than the {retention().days} days deletions are kept, so what was deleted "
        "since can no longer be told. Start a full sync (an empty cursor) and keep its complete_up_to.",
        type="cursor_expired",
    )


def feed_start(
    args: dict[str, Any], *, resource: str, school_id: int, now: datetime | None = None
) -> FeedArgs:
    """The sync position of a request (a new window, or the cursor's); 400 for a bad cursor, 410 for an old
    one."""
    now = now or utcnow()
    oldest = now - retention()
    cursor = args.get("cursor")
    if cursor:
        state = decode_cursor(cursor, resource=resource, school_id=school_id)
        if state.watermark < oldest:
            raise _expired("cursor")
        return state
    since = args.get("updated_since")
    if since is not None and since.astimezone(UTC) < oldest:
        raise _expired("updated_since")
    lag = timedelta(seconds=current_app.config.get("FEED_SAFETY_LAG_SECONDS", DEFAULT_SAFETY_LAG_SECONDS))
    watermark = now - lag
    if since is not None:
        since = since.astimezone(UTC)
        watermark = max(watermark, since)
    return FeedArgs(resource=resource, school_id=school_id, watermark=watermark, since=since)


def _after(columns: tuple[Any, Any], key: tuple[datetime, int]) -> ColumnElement[bool]:
    """(time, id) strictly after a key, as one row comparison (an index range on both databases)."""
    return tuple_(*columns) > tuple_(literal(key[0], UTCDateTime()), literal(key[1]))


def keyset_page(
    session: Session,
    stmt: Select[Any],
    *,
    model: Any,
    state: FeedArgs,
    page_size: int,
    tombstones_visible: ColumnElement[bool] | None = None,
    scalars: bool = True,
) -> dict:
    """One page of the change feed: the statement's rows (it holds the caller's filters and permissions)
    in (updated_at, id) order within the sync's window, and the window's tombstones. Without `scalars`, the
    items are the statement's rows (it selects columns, among them `updated_at` and `id`)."""
    stmt = stmt.order_by(None).where(model.updated_at <= state.watermark)
    if state.after is not None:
        stmt = stmt.where(_after((model.updated_at, model.id), state.after))
    elif state.since is not None:
        stmt = stmt.where(model.updated_at > state.since)
    paged = stmt.order_by(model.updated_at, model.id).limit(page_size + 1)
    rows = list(session.scalars(paged).unique()) if scalars else column_rows(session, paged)
    more = len(rows) > page_size
    items = rows[:page_size]
    after = (items[-1].updated_at, items[-1].id) if items else state.after

    deleted: list[Tombstone] = []
    tomb_after = state.tomb_after
    more_tombs = False
    if state.since is not None:
        tomb = select(Tombstone).where(
            Tombstone.school_id == state.school_id,
            Tombstone.resource == state.resource,
            Tombstone.deleted_at <= state.watermark,
        )
        if tombstones_visible is not None:
            tomb = tomb.where(tombstones_visible)
        if tomb_after is not None:
            tomb = tomb.where(_after((Tombstone.deleted_at, Tombstone.id), tomb_after))
        else:
            tomb = tomb.where(Tombstone.deleted_at > state.since)
        found = list(session.scalars(tomb.order_by(Tombstone.deleted_at, Tombstone.id).limit(page_size + 1)))
        more_tombs = len(found) > page_size
        deleted = found[:page_size]
        if deleted:
            tomb_after = (deleted[-1].deleted_at, deleted[-1].id)

    next_cursor = None
    if more or more_tombs:
        next_cursor = encode_cursor(
            FeedArgs(
                resource=state.resource,
                school_id=state.school_id,
                watermark=state.watermark,
                since=state.since,
                after=after,
                tomb_after=tomb_after,
            )
        )
    return {
        "items": items,
        "page_size": page_size,
        "next_cursor": next_cursor,
        "complete_up_to": state.watermark,
        "deleted": deleted,
    }


def list_page(
    session: Session,
    stmt: Select[Any],
    args: dict[str, Any],
    *,
    model: Any,
    resource: str,
    school_id: int,
    tombstones_visible: ColumnElement[bool] | None = None,
    scalars: bool = True,
) -> dict:
    """A list's answer: the change feed when the request sends `cursor` or `updated_since`, else one page by
    number (`stmt` ordered for people). `args` are the FeedQuery arguments; without `scalars`, the items are
    rows of the columns `stmt` selects."""
    if is_feed(args):
        state = feed_start(args, resource=resource, school_id=school_id)
        return keyset_page(
            session,
            stmt,
            model=model,
            state=state,
            page_size=args.get("page_size", 25),
            tombstones_visible=tombstones_visible,
            scalars=scalars,
        )
    return paginate(
        session, stmt, page=args.get("page", 1), page_size=args.get("page_size", 25), scalars=scalars
    )
