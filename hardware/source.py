"""Event sources: a device in its own thread that only puts events on its queue.

The application drains every source once per frame (Kivy's input-provider model), so the frame
loop never waits on a device.
"""

from __future__ import annotations

import logging
import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable

from hardware.backoff import Backoff
from hardware.events import HardwareEvent, SourceState, SourceStatus

log = logging.getLogger(__name__)

Clock = Callable[[], float]


class EventSource(ABC):
    """Something that produces hardware events; ``poll`` never blocks."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._events: queue.SimpleQueue[HardwareEvent] = queue.SimpleQueue()
        self._wakes: list[threading.Event] = []

    def wake_on_event(self, wake: threading.Event) -> None:
        """Set ``wake`` with every event, so a frame loop waiting on it draws at once."""
        self._wakes.append(wake)

    def emit(self, event: HardwareEvent) -> None:
        """Queue an event for the next frame; safe from any thread."""
        self._events.put(event)
        for wake in self._wakes:
            wake.set()

    def poll(self, limit: int = 256) -> list[HardwareEvent]:
        """Take up to ``limit`` queued events without waiting."""
        drained: list[HardwareEvent] = []
        while len(drained) < limit:
            try:
                drained.append(self._events.get_nowait())
            except queue.Empty:
                break
        return drained

    @abstractmethod
    def start(self) -> None:
        """Begin producing events."""

    @abstractmethod
    def stop(self) -> None:
        """Stop promptly and release the device."""


class ThreadedSource(EventSource):
    """Runs ``run`` in a thread and restarts it with backoff when the device fails.

    Subclasses implement ``run(stop)``: open the device, emit events until ``stop`` is set, and
    raise when the device is lost. The supervisor turns the failure into a ``SourceStatus``.
    An input that simply ends (a video file) calls ``finish(reason)`` and returns: the supervisor
    then reports ``STOPPED`` with that reason once and does not start it again.
    """

    def __init__(self, name: str, backoff: Backoff | None = None) -> None:
        super().__init__(name)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._backoff = backoff or Backoff()
        self._finished: str | None = None
        self.ready = threading.Event()
        """Set once the device first reported OK (step-mode runs wait for it)."""

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._supervise, name=f"source-{self.name}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("source %s did not stop within %.1f s", self.name, timeout)
            self._thread = None

    def wake(self) -> None:
        """Interrupt a blocking wait in ``run``; subclasses that block override this."""

    @property
    def finished(self) -> bool:
        """True once ``run`` said its input ended for good."""
        return self._finished is not None

    def finish(self, reason: str = "") -> None:
        """From ``run``: the input ended for good; do not restart after ``run`` returns."""
        self._finished = reason

    def status(self, state: SourceState, reason: str = "") -> None:
        """Report a state change of this source."""
        self.emit(SourceStatus(self.name, state, reason))
        if state == SourceState.OK:
            self.ready.set()

    @abstractmethod
    def run(self, stop: threading.Event) -> None:
        """Produce events until ``stop`` is set; raise ``OSError`` when the device is lost."""

    def _supervise(self) -> None:
        while not self._stop.is_set():
            self.status(SourceState.STARTING)
            try:
                self.run(self._stop)
            except Exception as exc:  # a failing device is a state, not a crash
                # A lost device (OSError) is expected and explained; anything else is a bug.
                log.warning("source %s failed: %s", self.name, exc,
                            exc_info=not isinstance(exc, OSError))
                delay = self._backoff.next_delay()
                self.status(SourceState.UNAVAILABLE, f"{exc} (retrying in {delay:.1f} s)")
                if self._stop.wait(delay):
                    break
            else:
                self._backoff.reset()
                if self._finished is not None:
                    break
                if not self._stop.is_set():
                    self._stop.wait(self._backoff.next_delay())
        self.status(SourceState.STOPPED, self._finished or "")
