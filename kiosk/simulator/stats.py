"""Frame statistics of a run: what the stats file of a headless scenario holds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.ops.health import FRAME_BUDGET_S

FRAME_BUDGET_MS = FRAME_BUDGET_S * 1000


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class FrameStats:
    """Per-frame times, recognition delays, and what went wrong."""

    frame_ms: list[float] = field(default_factory=list)
    recognition_ms: list[float | None] = field(default_factory=list)
    missed_taps: list[dict[str, object]] = field(default_factory=list)
    """Scripted taps that reached nothing: when, which label, and why."""
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """The JSON document written by ``--stats``."""
        return {
            "frames": len(self.frame_ms),
            "over_budget": self.over_budget,
            "frame_ms": {
                "p50": round(percentile(self.frame_ms, 0.50), 3),
                "p95": round(percentile(self.frame_ms, 0.95), 3),
                "p99": round(percentile(self.frame_ms, 0.99), 3),
                "max": round(max(self.frame_ms, default=0.0), 3),
            },
            "recognition_ms": self.recognition_ms,
            "missed_taps": self.missed_taps,
            "errors": self.errors,
        }

    @property
    def over_budget(self) -> int:
        """Frames that took longer than one 60 Hz frame."""
        return sum(ms > FRAME_BUDGET_MS for ms in self.frame_ms)

    def headline(self) -> str:
        """One line for the terminal."""
        delays = ", ".join("never" if ms is None else f"{ms:g}" for ms in self.recognition_ms)
        p50, p99 = percentile(self.frame_ms, 0.5), percentile(self.frame_ms, 0.99)
        return (f"{len(self.frame_ms)} frames ({self.over_budget} over {FRAME_BUDGET_MS:.1f} "
                f"ms); frame time p50 {p50:.2f} ms, p99 {p99:.2f} ms; "
                f"recognition [{delays}] ms")

    def write(self, path: Path) -> None:
        """Write the summary as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.summary(), indent=1), encoding="utf-8")
