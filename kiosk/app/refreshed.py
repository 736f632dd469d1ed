"""A value read from disk off the frame loop: the frame gets the last one at once.

The staff screen shows figures that come from SQLite files (messages waiting, today's visits).
A query is quick, but a file another process holds (``kiosk outbox --flush``) makes it wait
for seconds; the frame loop must not. So the query runs in a short-lived thread whenever the
value is older than its period, and the screen redraws when the new value arrives.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Refreshed(Generic[T]):
    """``compute()`` run in a thread at most every ``period`` seconds; ``get`` never waits."""

    def __init__(self, compute: Callable[[], T], initial: T, period: float, name: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._compute = compute
        self._value = initial
        self._period = period
        self._name = name
        self._clock = clock
        self._computed_at: float | None = None
        self._thread: threading.Thread | None = None
        self._failing = False

    def get(self) -> T:
        """The last value computed (``initial`` before the first); starts a refresh when it
        is stale and none is running."""
        now = self._clock()
        stale = self._computed_at is None or now - self._computed_at >= self._period
        if stale and (self._thread is None or not self._thread.is_alive()):
            self._computed_at = now
            self._thread = threading.Thread(target=self._refresh, name=self._name, daemon=True)
            self._thread.start()
        return self._value

    def refresh_now(self, timeout: float) -> bool:
        """Compute again and wait for it (step-mode screenshots); True when the value changed."""
        before = self._value
        self._join(timeout)
        self._computed_at = None
        self.get()
        self._join(timeout)
        return self._value != before

    def _join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _refresh(self) -> None:
        try:
            self._value = self._compute()
        except Exception as exc:  # a figure on a screen: never worth a thread's crash
            if not self._failing:
                log.warning("%s cannot be read (%s); showing the last value", self._name, exc)
            self._failing = True
        else:
            self._failing = False
