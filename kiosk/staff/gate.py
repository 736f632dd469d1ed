"""Staff mode's lock: a PIN stored as a scrypt hash, and a lock-out after repeated mistakes.

The hash line goes in ``store.yaml`` (``staff.pin_hash``), written by ``kiosk staff-pin``; the
PIN itself is never stored. Five wrong PINs lock the pad for ``lockout_s``, so a curious
shopper cannot try them all.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.config.pin_hash import pin_matches

MAX_TRIES = 5


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
