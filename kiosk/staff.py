"""Staff mode's lock: a PIN stored as a scrypt hash, and a lock-out after repeated mistakes.

The hash line goes in ``store.yaml`` (``staff.pin_hash``), written by ``kiosk staff-pin``; the
PIN itself is never stored. Five wrong PINs lock the pad for ``lockout_s``, so a curious
shopper cannot try them all.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
MAX_TRIES = 5
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


class StaffGate:
    """Checks PINs; after ``MAX_TRIES`` wrong ones in a row, refuses every try for a while."""

    def __init__(self, pin_hash: str | None, lockout_s: float,
                 clock: Callable[[], float]) -> None:
        self._pin_hash = pin_hash
        self._lockout_s = lockout_s
        self._clock = clock
        self._wrong = 0
        self._locked_until = 0.0

    @property
    def configured(self) -> bool:
        """A PIN was set: without one, staff mode stays closed."""
        return self._pin_hash is not None

    def locked_for(self) -> float:
        """Seconds the pad stays locked (0 when open)."""
        return max(0.0, self._locked_until - self._clock())

    def check(self, pin: str) -> str:
        """"ok", "wrong" or "locked"."""
        if self.locked_for() > 0:
            return "locked"
        if self._pin_hash is not None and pin_matches(pin, self._pin_hash):
            self._wrong = 0
            return "ok"
        self._wrong += 1
        if self._wrong >= MAX_TRIES:
            self._wrong = 0
            self._locked_until = self._clock() + self._lockout_s
            return "locked"
        return "wrong"
