"""A simulated device: the simulator and scenarios tell it what lies on the table.

It runs in its own thread like a real reader, so the application sees its detections through
exactly the same queue and drain as a camera's or an NFC reader's.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

from hardware.events import Placed, Removed, SourceState
from hardware.gtin import normalise_code
from hardware.source import Clock, ThreadedSource


@dataclass(frozen=True)
class _Put:
    code: str
    position: tuple[float, float]
    angle: float


@dataclass(frozen=True)
class _Take:
    code: str


class SimulatedSource(ThreadedSource):
    """Turns ``place``/``remove`` calls into ``Placed``/``Removed`` events from its thread."""

    def __init__(self, name: str, clock: Clock) -> None:
        super().__init__(name)
        self._clock = clock
        self._inbox: queue.SimpleQueue[_Put | _Take | None] = queue.SimpleQueue()
        self._progress = threading.Condition()
        self._sent = 0
        self._handled = 0

    def place(self, code: str, x: float, y: float, angle: float = 0.0) -> None:
        """Put (or move) a product at fractions ``x``, ``y`` of the table."""
        self._send(_Put(code, (min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)), angle))

    def remove(self, code: str) -> None:
        """Lift a product off the table."""
        self._send(_Take(code))

    def settle(self, timeout: float = 1.0) -> bool:
        """Wait until every command sent so far became an event (for step-mode runs only)."""
        with self._progress:
            return self._progress.wait_for(lambda: self._handled >= self._sent, timeout)

    def _send(self, command: _Put | _Take) -> None:
        with self._progress:
            self._sent += 1
        self._inbox.put(command)

    def wake(self) -> None:
        self._inbox.put(None)

    def run(self, stop: threading.Event) -> None:
        self.status(SourceState.OK, "simulated")
        while not stop.is_set():
            command = self._inbox.get()
            if isinstance(command, _Put):
                code = normalise_code(command.code)
                self.emit(Placed(code, self.name, command.position, command.angle, self._clock()))
            elif isinstance(command, _Take):
                self.emit(Removed(normalise_code(command.code), self.name, self._clock()))
            else:
                continue
            with self._progress:
                self._handled += 1
                self._progress.notify_all()
