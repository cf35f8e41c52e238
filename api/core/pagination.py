"""Page-number pagination with a total, the same envelope on every list: {items, total, page, page_size}."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.extensions import Schema

MAX_PAGE_SIZE = 100


class PageQuery(Schema):
    """Query arguments every list accepts."""

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000))
    page_size = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE))


_PAGE_SCHEMAS: dict[str, type[Schema]] = {}


def page_schema(item_schema: type[ma.Schema], name: str | None = None) -> type[Schema]:
    """The page envelope schema for a list of `item_schema` (one class per item schema)."""
    name = name or item_schema.__name__.removesuffix("Schema").removesuffix("Read") + "Page"
    if name not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[name] = type(
            name,
            (Schema,),
            {
                "__doc__": f"One page of {item_schema.__name__} items, with the total count of all pages.",
                "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
                "total": ma.fields.Integer(required=True),
                "page": ma.fields.Integer(required=True),
                "page_size": ma.fields.Integer(required=True),
            },
        )
    return _PAGE_SCHEMAS[name]


def paginate(session: Session, stmt: Select[Any], *, page: int, page_size: int, scalars: bool = True) -> dict:
    """Run a select for one page; the statement must already have a stable order (end it with the id)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    paged = stmt.limit(page_size).offset((page - 1) * page_size)
    items = list(session.scalars(paged).unique()) if scalars else list(session.execute(paged))
    return {"items": items, "total": total, "page": page, "page_size": page_size}
