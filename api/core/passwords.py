"""Argon2id password hashing, and one dummy hash per process so unknown accounts cost a real verification."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

Params = tuple[int, int, int]  # time cost, memory KiB, parallelism
DEFAULT_PARAMS: Params = (3, 65536, 4)  # argon2-cffi's defaults (RFC 9106, low-memory profile)

_HASHERS: dict[Params, PasswordHasher] = {}
_DUMMY_HASHES: dict[Params, str] = {}


def _params() -> Params:
    return tuple(current_app.config.get("ARGON2_PARAMS", DEFAULT_PARAMS))  # type: ignore[return-value]


def _hasher(params: Params) -> PasswordHasher:
    hasher = _HASHERS.get(params)
    if hasher is None:
        hasher = PasswordHasher(time_cost=params[0], memory_cost=params[1], parallelism=params[2])
        _HASHERS[params] = hasher
    return hasher


def dummy_hash(params: Params) -> str:
    """The process's hash of a random secret with these parameters, computed once."""
    value = _DUMMY_HASHES.get(params)
    if value is None:
        # A race computes it twice at worst; either value serves.
        value = _DUMMY_HASHES.setdefault(params, _hasher(params).hash(secrets.token_urlsafe(32)))
    return value


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher(_params()).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash, the dummy hash is verified so both paths cost the same."""
    params = _params()
    known = bool(password_hash)
    try:
        matched = _hasher(params).verify(password_hash if known else dummy_hash(params), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matched and known
