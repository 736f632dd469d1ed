"""What every stage of the decoding pipeline shares: the frame being decoded, what was read so
far, and the time each step took."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from hardware.decoding.detection import Detection


@dataclass
class Frame:
    """A grayscale image being decoded; ``found``: reads not yet settled on a located box,
    ``boxed``: reads settled on one; ``boxes``: the locator's boxes, when it runs in a thread
    beside the first stage; ``quick``: a first look, with lighter passes."""

    gray: np.ndarray
    quick: bool = False
    found: list[Detection] = field(default_factory=list)
    boxed: list[Detection] = field(default_factory=list)
    boxes: Future[list[np.ndarray]] | None = None


class Stage(Protocol):
    """One pass over a frame; it reads ``frame`` and updates its reads in place."""

    name: str

    def run(self, frame: Frame, timings: Timings) -> None:
        """Do this stage's part of decoding ``frame``."""


@dataclass
class Timings:
    """Seconds spent per stage (and per helper a stage calls, such as the second opinion),
    summed over every frame since the last ``reset``."""

    seconds: dict[str, float] = field(default_factory=dict)
    frames: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        """Count the wall-clock time spent inside the block under ``name`` (from any thread)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            with self._lock:
                self.seconds[name] = self.seconds.get(name, 0.0) + elapsed

    def per_frame_ms(self) -> dict[str, float]:
        """Milliseconds per frame of each stage, on average."""
        return {name: 1000 * total / max(1, self.frames)
                for name, total in self.seconds.items()}

    def reset(self) -> None:
        """Start counting afresh."""
        self.seconds.clear()
        self.frames = 0
