"""A staff PIN kept as a scrypt hash: made by ``kiosk staff-pin``, checked by the config
(``staff.pin_hash``) and by staff mode's gate. The PIN itself is never stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
PREFIX = "scrypt"


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (hex) for ``pin``."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32)
    return f"{PREFIX}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_hash_problem(value: str) -> str | None:
    """Why ``value`` is not a hash ``hash_pin`` wrote, or None."""
    parts = value.split("$")
    if len(parts) != 6 or parts[0] != PREFIX:
        return "not a PIN hash: make one with  kiosk staff-pin  and paste the line it prints"
    try:
        n, r, p = (int(part) for part in parts[1:4])
        bytes.fromhex(parts[4])
        bytes.fromhex(parts[5])
    except ValueError:
        return "the PIN hash is damaged: make a new one with  kiosk staff-pin"
    if n < 2 ** 12 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16:
        return "the PIN hash uses unusual scrypt settings: make a new one with  kiosk staff-pin"
    return None


def pin_matches(pin: str, stored: str) -> bool:
    """Constant-time check of ``pin`` against a stored hash."""
    if pin_hash_problem(stored) is not None:
        return False
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                               p=int(p), dklen=len(bytes.fromhex(digest)))
    return hmac.compare_digest(candidate, bytes.fromhex(digest))
