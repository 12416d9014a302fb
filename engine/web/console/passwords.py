"""Own the console's password hashes: ``scrypt$N$r$p$SALT$HASH`` (``twoway hash-password``).

stdlib ``hashlib.scrypt`` with a random 16-byte salt and N=2**15, r=8, p=1 (32 MiB of memory, a
tenth of a second), a 32-byte key; SALT and HASH in base64. The parameters are written in the
hash, so raising them later leaves the old hashes working. A check compares in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

__all__ = ["N", "P", "R", "hash_password", "verify_password"]

N, R, P = 2**15, 8, 1
KEY_BYTES = 32
MAX_MEMORY = 2**26
"""Bytes scrypt may use: above 128 * N * r (OpenSSL's default, 32 MiB, is just too small)."""


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, size: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY, dklen=size
    )


def hash_password(password: str) -> str:
    """The ``scrypt$…`` text of ``password``, with a salt of its own."""
    salt = os.urandom(16)
    key = _scrypt(password, salt, N, R, P, KEY_BYTES)
    encoded = [base64.b64encode(value).decode("ascii") for value in (salt, key)]
    return f"scrypt${N}${R}${P}${encoded[0]}${encoded[1]}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (False for a malformed hash)."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = (int(value) for value in parts[1:4])
        salt, key = (base64.b64decode(value, validate=True) for value in parts[4:6])
        if not key or n * r * 128 > MAX_MEMORY // 2:
            return False
        made = _scrypt(password, salt, n, r, p, len(key))
    except (ValueError, binascii.Error):
        return False
    return hmac.compare_digest(made, key)
