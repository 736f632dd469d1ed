"""Exponential backoff for reconnecting to devices without busy loops."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delays that double from ``initial`` up to ``maximum``; ``reset`` after a success."""

    initial: float = 0.5
    maximum: float = 30.0
    factor: float = 2.0
    _next: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        if self.initial <= 0 or self.maximum < self.initial or self.factor < 1:
            raise ValueError("backoff needs 0 < initial <= maximum and factor >= 1")
        self._next = self.initial

    def next_delay(self) -> float:
        """The delay to wait now; the following one is longer, up to ``maximum``."""
        delay = self._next
        self._next = min(self._next * self.factor, self.maximum)
        return delay

    def reset(self) -> None:
        """Start again from ``initial``."""
        self._next = self.initial
