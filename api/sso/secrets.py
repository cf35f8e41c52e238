"""Client secrets at rest: encrypted with a key derived from SECRET_KEY, so a database dump alone does not hold
them, and the API never serves them back."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def _fernet() -> Fernet:
    # A key of its own (HKDF with a purpose label), so the secret key is not used for two things as such.
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"trivsel sso client secrets").derive(
        current_app.config["SECRET_KEY"].encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    """The secret, encrypted for storage."""
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The stored secret, or None when SECRET_KEY changed since it was stored (the admin enters it again)."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None
