"""Frame pacing that answers devices at once: a product laid on the table is drawn in the
next few milliseconds, not at the next 1/60 s tick."""

from __future__ import annotations

import threading
import time

MIN_GAP_S = 0.004
"""Shortest time between two frames, so a burst of device events cannot spin the loop."""


class FramePacer:
    """Waits until the next frame is due at ``fps``, or until ``wake`` is set, if sooner."""

    def __init__(self, fps: float) -> None:
        self._period = 1.0 / fps
        self._last = time.monotonic()

    @property
    def due(self) -> float:
        """When the next frame is due at the latest (``time.monotonic``)."""
        return self._last + self._period

    def wait(self, wake: threading.Event) -> None:
        """Block until it is time to draw; clears ``wake`` for the next wait."""
        due = self.due
        earliest = self._last + MIN_GAP_S
        delay = earliest - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        wake.wait(max(0.0, due - time.monotonic()))
        wake.clear()
        self._last = time.monotonic()
