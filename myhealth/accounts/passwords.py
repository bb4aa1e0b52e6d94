"""Argon2id password hashing and the password rules."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128
_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory profile


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problem(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """Why this password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return _l("Password must be %(n)s characters or more", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Password must be %(n)s characters or fewer", n=MAX_LENGTH)
    if password.lower() in common_passwords():
        return _l("Password is too common. Choose a password that others are unlikely to use")
    lowered = password.lower()
    for item in personal:
        if item and len(item) >= 4 and item.lower() in lowered:
            return _l("Password must not contain your name or email address")
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_HASH = None


def dummy_verify(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")
    verify_password(_DUMMY_HASH, password)
