"""Frames on demand, for deterministic (step-mode) runs of the camera pipeline.

The camera thread gets a frame only when ``step`` allows one, and ``step`` returns once that
frame has been fully processed (decoded, tracked, events queued): the thread asking for the
next frame is the sign.
"""

from __future__ import annotations

import threading

import numpy as np

from hardware.frames import FrameSource

POLL_S = 0.05


class LockstepFrames:
    """Wraps a frame source so that each ``step`` lets exactly one frame through."""

    def __init__(self, inner: FrameSource) -> None:
        self._inner = inner
        self._permits = threading.Semaphore(0)
        self._changed = threading.Condition()
        self._requests = 0
        self._waiting = False
        self._closed = threading.Event()

    @property
    def size(self) -> tuple[int, int]:
        return self._inner.size

    @property
    def realtime(self) -> bool:
        return self._inner.realtime

    def open(self) -> None:
        self._inner.open()

    def read(self) -> tuple[np.ndarray, float] | None:
        with self._changed:
            self._requests += 1
            self._waiting = True
            self._changed.notify_all()
        while not self._permits.acquire(timeout=POLL_S):
            if self._closed.is_set():
                return None
        with self._changed:
            self._waiting = False
        return None if self._closed.is_set() else self._inner.read()

    def step(self, timeout: float = 5.0) -> bool:
        """Let one frame through and wait until it has been processed; False on timeout."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._waiting, timeout):
                return False
            target = self._requests + 1
        self._permits.release()
        with self._changed:
            return self._changed.wait_for(lambda: self._requests >= target, timeout)

    def close(self) -> None:
        """End the input: a waiting ``read`` returns None."""
        self._closed.set()
        self._inner.close()
