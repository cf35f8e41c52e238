"""Argon2id password hashing."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

_HASHERS: dict[tuple[int, int, int], PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    params = current_app.config.get("ARGON2_PARAMS", (3, 65536, 4))  # time cost, memory KiB, parallelism
    hasher = _HASHERS.get(params)
    if hasher is None:
        hasher = PasswordHasher(time_cost=params[0], memory_cost=params[1], parallelism=params[2])
        _HASHERS[params] = hasher
    return hasher


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash, a dummy verification keeps the timing the same."""
    hasher = _hasher()
    if not password_hash:
        password_hash = current_app.extensions.setdefault("trivsel_dummy_hash", hasher.hash("not-a-password"))
        with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
            hasher.verify(password_hash, password + "\0")
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
