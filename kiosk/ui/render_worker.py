"""Layers rendered off the frame loop: a panel's first render (10-20 ms on a 2-core machine)
alone would fill a 60 Hz frame, so the frame loop asks this thread for it and keeps drawing
what it has until the new layer is ready, a frame or two later.

pygame holds the GIL while it draws text and shapes, so a render here takes turns with the
frame loop rather than racing it; what both threads touch (text and image caches, the
catalog) is guarded where it could be seen half-changed. A card a shopper is waiting for (a
panel never drawn) goes before the others: redrawing a panel beside it for its new "Compare"
button can wait a frame.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
URGENT, NORMAL = 0, 1
BETWEEN_FRAMES_S = 0.02
"""A render starts between two frames, waiting this long at most for the one being drawn, or
after a render, for the frame that takes it: both threads need the GIL, so a render started
mid-frame stretches that frame (and the next render would delay the frame showing this one);
begun just after a frame, it has the rest of the 16.7 ms to itself."""


class RenderWorker:
    """One thread that renders layers, urgent ones first; ``settle`` lets step-mode
    screenshots wait for it."""

    def __init__(self, on_ready: Callable[[], None] = lambda: None) -> None:
        """``on_ready`` is called from the thread after each render (to wake the frame
        loop)."""
        self._on_ready = on_ready
        self._queue: queue.PriorityQueue[tuple[int, int, Callable[[], Any] | None,
                                               Future[Any] | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._jobs: set[Future[Any]] = set()
        self._thread: threading.Thread | None = None
        self._between_frames = threading.Event()
        self._between_frames.set()  # no frame loop reports its frames: never wait
        self._frames = False
        self.enabled = False
        """Off: layers render in the frame that needs them (step mode, tests, tools)."""

    def start(self) -> None:
        """Render from now on; the thread starts here, not in the frame of the first panel
        (starting a thread waits for the GIL: milliseconds on a busy 2-core machine)."""
        self.enabled = True
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="render", daemon=True)
            self._thread.start()

    def submit(self, render: Callable[[], T], *, urgent: bool = False) -> Future[T]:
        """Queue ``render``; its future is done once the layer is ready."""
        job: Future[T] = Future()
        self._jobs.add(job)
        self._queue.put((URGENT if urgent else NORMAL, next(self._order), render, job))
        return job

    def frame_started(self) -> None:
        """The frame loop begins a frame: renders not yet started wait for its end."""
        self._frames = True
        self._between_frames.clear()

    def frame_drawn(self) -> None:
        """The frame loop finished a frame."""
        self._between_frames.set()

    @property
    def busy(self) -> bool:
        """Whether a render is still under way."""
        return any(not job.done() for job in list(self._jobs))

    def settle(self, timeout: float) -> None:
        """Wait for the renders under way (never called by a real-time frame loop)."""
        futures.wait(list(self._jobs), timeout=timeout)

    def close(self) -> None:
        """Stop the thread; renders not started are dropped."""
        self._queue.put((-1, -1, None, None))

    def _run(self) -> None:
        while True:
            _, _, render, job = self._queue.get()
            if render is None or job is None:
                self._drop_waiting()
                return
            self._between_frames.wait(BETWEEN_FRAMES_S)
            if job.set_running_or_notify_cancel():
                try:
                    job.set_result(render())
                except BaseException as exc:  # handed to the frame that takes the layer
                    job.set_exception(exc)
            self._jobs.discard(job)
            if self._frames:  # the next render waits for the frame that takes this one
                self._between_frames.clear()
            del render, job  # what the render held is not kept while the thread waits
            self._on_ready()

    def _drop_waiting(self) -> None:
        while not self._queue.empty():
            _, _, _, job = self._queue.get_nowait()
            if job is not None:
                job.cancel()
                self._jobs.discard(job)
