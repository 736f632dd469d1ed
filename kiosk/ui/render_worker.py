"""Layers rendered off the frame loop: a panel's first render (10-20 ms on a 2-core machine)
alone would fill a 60 Hz frame, so the frame loop asks this thread for it and keeps drawing
what it has until the new layer is ready, a frame or two later.

pygame holds the GIL while it draws text and shapes, so a render here takes turns with the
frame loop rather than racing it; what both threads touch (text and image caches, the
catalog) is guarded where it could be seen half-changed.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class RenderWorker:
    """One thread that renders layers; ``settle`` lets step-mode screenshots wait for it."""

    def __init__(self, on_ready: Callable[[], None] = lambda: None) -> None:
        """``on_ready`` is called from the thread after each render (to wake the frame
        loop)."""
        self._on_ready = on_ready
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
        self._jobs: set[Future[object]] = set()
        self.enabled = False
        """Off: layers render in the frame that needs them (step mode, tests, tools)."""

    def start(self) -> None:
        """Render from now on; the thread starts here, not in the frame of the first panel
        (starting a thread waits for the GIL: milliseconds on a busy 2-core machine)."""
        self.enabled = True
        self._pool.submit(lambda: None).result()

    def submit(self, render: Callable[[], T]) -> Future[T]:
        """Start ``render`` in the thread; its future is done once the layer is ready."""
        job = self._pool.submit(render)
        self._jobs.add(job)  # type: ignore[arg-type]
        job.add_done_callback(self._done)
        return job

    def _done(self, job: Future[object]) -> None:
        self._jobs.discard(job)
        self._on_ready()

    @property
    def busy(self) -> bool:
        """Whether a render is still under way."""
        return any(not job.done() for job in list(self._jobs))

    def settle(self, timeout: float) -> None:
        """Wait for the renders under way (never called by a real-time frame loop)."""
        futures.wait(list(self._jobs), timeout=timeout)

    def close(self) -> None:
        """Stop the thread; renders not started are dropped."""
        self._pool.shutdown(wait=False, cancel_futures=True)
