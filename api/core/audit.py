"""The audit log: who read or wrote what, about which student, allowed or denied. Never note text."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from operator import attrgetter
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import JSON, Index, Integer, String, bindparam, cast, func, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.core import lazy_begin
from api.core.db import Base, JSONType
from api.core.enums import register_enum
from api.core.timeutil import utcnow

ALLOWED = "allowed"
DENIED = "denied"
register_enum(
    "AuditOutcome",
    "Whether the audited access was allowed.",
    {ALLOWED: ("tilladt", "The access was allowed."), DENIED: ("afvist", "The access was refused.")},
)


class AuditEntry(Base):
    """One audited action; a row per student concerned (or one row when no student is)."""

    __tablename__ = "audit_log"
    # Every request writes rows here, and each index is upkeep on every row. The school's log (newest first,
    # any filter) and retention's deletion by age read the school's index in order; an operator's list of
    # cross-school attempts has a partial index of its own, which other rows never touch.
    __table_args__ = (
        Index("ix_audit_log_school_at", "school_id", "at", "id"),
        Index(
            "ix_audit_log_cross_school",
            "at",
            postgresql_where=text("action = 'cross_school_access'"),
            sqlite_where=text("action = 'cross_school_access'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    school_id: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # An API client's action: the client (api_clients.id) instead of a user, and the scope it used.
    client_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    scope: Mapped[str | None] = mapped_column(String(64), default=None)
    roles: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(64))
    resource_type: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    student_id: Mapped[int | None] = mapped_column(Integer, index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default=ALLOWED)
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)


@dataclass(slots=True)
class PendingEntry:
    """An audit row noted during a request and written with its transaction: a plain record, because a list
    page notes one per student and building ORM objects for them cost more than the page's own query."""

    at: datetime
    school_id: int | None
    user_id: int | None
    client_id: int | None
    scope: str | None
    roles: str
    action: str
    resource_type: str
    resource_id: str | None
    student_id: int | None
    request_id: str | None
    outcome: str
    ip: str | None
    detail: dict[str, Any] | None
    # The `record` call the row came from (not a column): its rows differ only by student, and are written
    # as one statement.
    call: int = 0


_FIELDS = [f.name for f in fields(PendingEntry)]
_calls = itertools.count(1)


def _caller() -> Any:
    return g.get("trivsel_user") if has_request_context() else None


def record(
    action: str,
    *,
    resource_type: str,
    resource_id: Any = None,
    student_ids: Iterable[int] = (),
    outcome: str = ALLOWED,
    detail: dict[str, Any] | None = None,
    detail_by_student: Mapping[int, dict[str, Any]] | None = None,
    user: Any = None,
    school_id: int | None = None,
) -> None:
    """Note an audited action; it is stored with the request's transaction (denials even when it fails).

    A row per student; `detail_by_student` adds to a student's row what concerns that student alone (a list
    page: the cases that name them), so a page's rows do not each repeat the whole page."""
    from api.errors import request_id

    caller = user if user is not None else _caller()
    client = getattr(caller, "kind", None) == "client"
    criteria = search_criteria()
    if criteria and "criteria" not in (detail or {}):
        detail = {**(detail or {}), "criteria": criteria}
    first = PendingEntry(
        at=utcnow(),
        school_id=school_id if school_id is not None else getattr(caller, "school_id", None),
        user_id=None if client else getattr(caller, "id", None),
        client_id=caller.client_pk if client else None,
        scope=g.get("trivsel_scope") if client else None,
        roles=",".join(caller.roles) if caller is not None else "",
        action=action,
        resource_type=resource_type,
        resource_id=None if resource_id is None else str(resource_id),
        student_id=None,
        request_id=request_id() if has_request_context() else None,
        outcome=outcome,
        ip=request.remote_addr if has_request_context() else None,
        detail=detail,
        call=next(_calls),
    )
    pending = g.setdefault("_audit_pending", [])
    students = sorted(set(student_ids))
    if not students:
        pending.append(first)
    else:
        # A copy per student, made without dataclasses.replace (which re-reads the fields for each copy).
        shared = [getattr(first, k) for k in _FIELDS]
        at, detail_at = _FIELDS.index("student_id"), _FIELDS.index("detail")
        for student_id in students:
            shared[at] = student_id
            if detail_by_student is not None:
                shared[detail_at] = {**(detail or {}), **detail_by_student.get(student_id, {})}
            pending.append(PendingEntry(*shared))


# Query arguments that page or shape a list rather than search it.
# Paging, and what is not a criterion but a secret or a token: a sign-in's redirect carries an authorization
# code and state (OpenID Connect), a sync its opaque cursor.
_NOT_CRITERIA = frozenset(
    {"page", "page_size", "limit", "before", "before_key", "order", "cursor"}
    | {"code", "state", "session_state", "iss", "error", "error_description", "id_token_hint"}
)
_CRITERION_MAX = 100


def search_criteria() -> dict[str, str] | None:
    """The criteria of the GET request being served (Datatilsynet's logging guidance: a search is logged with
    what it searched for), without paging arguments; None outside a request or without criteria."""
    if not has_request_context() or request.method not in ("GET", "HEAD") or not request.args:
        return None
    criteria = {
        k: ",".join(request.args.getlist(k))[:_CRITERION_MAX]
        for k in sorted(request.args)
        if k not in _NOT_CRITERIA
    }
    return criteria or None


def has_pending_denial() -> bool:
    """Whether this request already noted a denial."""
    return any(e.outcome == DENIED for e in g.get("_audit_pending", []))


def take_pending(*, succeeded: bool) -> list[PendingEntry]:
    """The entries to store: all of them when the request succeeded, otherwise only the denials."""
    pending: list[PendingEntry] = g.pop("_audit_pending", [])
    return pending if succeeded else [e for e in pending if e.outcome == DENIED]


def discard_pending() -> None:
    """Forget the entries noted so far (the request's transaction is being run again from the start)."""
    g.pop("_audit_pending", None)


def restore_pending(entries: list[PendingEntry]) -> None:
    """Put entries taken for a commit that failed back in front of any noted since."""
    g._audit_pending = [*entries, *g.get("_audit_pending", [])]


_COLUMNS = [c.key for c in AuditEntry.__table__.columns if c.key != "id"]
_SHARED = [k for k in _COLUMNS if k != "student_id"]
_OWN = {"student_id", "detail"}
_shared_values = attrgetter(*[k for k in _SHARED if k != "detail"])
_BY_STUDENT: dict[str, Any] = {}
_BY_STUDENT_DETAIL: dict[str, Any] = {}


def _shared(e: PendingEntry) -> tuple:
    """What a row shares with the other rows of its `record` call: every column but the student and the
    detail, and the call itself (two calls alike are two runs)."""
    return (*_shared_values(e), e.call)


def _by_student(dialect: str) -> Any:
    """One INSERT … SELECT writing a row per student of a list of ids, every other column (the detail too)
    bound once: a page about 170 students sends its ~100-id detail once, not 170 times."""
    if dialect not in _BY_STUDENT:
        table = AuditEntry.__table__
        ids = bindparam("student_ids", type_=ARRAY(Integer) if dialect == "postgresql" else JSON())
        if dialect == "postgresql":
            student = func.unnest(ids).column_valued("student_id")
        else:  # SQLite: the ids as a JSON array, in their order
            student = func.json_each(ids).table_valued("value").c.value
        values = [student if k == "student_id" else bindparam(k, type_=table.c[k].type) for k in _COLUMNS]
        _BY_STUDENT[dialect] = insert(table).from_select(_COLUMNS, select(*values))
    return _BY_STUDENT[dialect]


def _by_student_detail(dialect: str) -> Any:
    """One INSERT … SELECT writing a row per student with that row's own detail, from one JSON array of
    [student id, detail] pairs: a page of 1,000 cases about 1,700 students is one statement."""
    if dialect not in _BY_STUDENT_DETAIL:
        table = AuditEntry.__table__
        if dialect == "postgresql":
            pair = func.jsonb_array_elements(bindparam("rows", type_=JSONB())).table_valued("value").c.value
            student, detail = cast(pair.op("->>")(0), Integer), pair.op("->")(1)
        else:  # SQLite: json_extract gives an object back as its JSON text, which the JSON column stores
            pair = func.json_each(bindparam("rows", type_=JSON())).table_valued("value").c.value
            student, detail = func.json_extract(pair, "$[0]"), func.json_extract(pair, "$[1]")
        own = {"student_id": student, "detail": detail}
        values = [own.get(k, bindparam(k, type_=table.c[k].type)) for k in _COLUMNS]
        _BY_STUDENT_DETAIL[dialect] = insert(table).from_select(_COLUMNS, select(*values))
    return _BY_STUDENT_DETAIL[dialect]


def _runs(entries: list[PendingEntry]) -> list[list[PendingEntry]]:
    """The entries in order, in runs that differ only by student (and, with `detail_by_student`, by detail):
    the rows of one `record` call about many students."""
    runs: list[list[PendingEntry]] = []
    last_key: tuple | None = None
    for e in entries:
        key = _shared(e)
        if runs and e.student_id is not None and runs[-1][-1].student_id is not None and key == last_key:
            runs[-1].append(e)
        else:
            runs.append([e])
        last_key = key
    return runs


@functools.cache
def _plain_insert() -> Any:
    """The one INSERT of single rows, built once (building and keying it anew cost as much as running it)."""
    return insert(AuditEntry.__table__)


def store(session: Session, entries: list[PendingEntry], *, closing: bool = False) -> None:
    """Write entries in their order: a run about many students as one INSERT … SELECT over their ids, the
    rest with one executemany of one cached INSERT (no ORM object is built for a row nobody reads back).

    The statements run on the session's connection, in its transaction, after its pending changes are
    flushed (a row may name a student added in this request): they are Core inserts, and the ORM's
    handling of a statement would only add to them. `closing`: the commit follows at once, so where the
    rows are one statement and nothing else was written it may run on its own (`api.core.lazy_begin`)."""
    if not entries:
        return
    session.flush()
    connection = session.connection()
    statements: list[tuple[Any, Any]] = []
    singles: list[dict[str, Any]] = []
    dialect = connection.dialect.name
    for run in _runs(entries):
        if len(run) == 1:
            singles.append({k: getattr(run[0], k) for k in _COLUMNS})
            continue
        if singles:
            statements.append((_plain_insert(), singles))
            singles = []
        if all(e.detail is run[0].detail for e in run):
            params = {k: getattr(run[0], k) for k in _SHARED}
            statements.append((_by_student(dialect), {**params, "student_ids": [e.student_id for e in run]}))
        else:
            params = {k: getattr(run[0], k) for k in _SHARED if k not in _OWN}
            rows = [[e.student_id, e.detail] for e in run]
            statements.append((_by_student_detail(dialect), {**params, "rows": rows}))
    if singles:
        statements.append((_plain_insert(), singles))
    # One statement is atomic by itself (the dialect never runs an executemany alone).
    alone = closing and len(statements) == 1
    options = {lazy_begin.ALONE: True} if alone else None
    for statement, params in statements:
        connection.execute(statement, params, execution_options=options)


def flush_pending(session: Session) -> None:
    """Write the pending entries in a session (for the CLI, which commits on its own)."""
    store(session, take_pending(succeeded=True))
