"""Stage 3: 1D codes zxing-cpp read on a few scan lines only, which no located box holds."""

from __future__ import annotations

import math

import numpy as np

from hardware.decoding.boxed_read import BoxReader
from hardware.decoding.detection import Detection, fit_to_box
from hardware.decoding.stage import Frame, Timings
from hardware.symbologies import LINEAR


class Settled:
    """Each such read gets a square box at the angle of its bars (its height is unknown); when
    that angle is a tilt and boxes can be read, the box is decoded straightened like a located
    one, and a read the crop contradicts is dropped."""

    name = "settled"

    def __init__(self, boxes: BoxReader | None) -> None:
        self._boxes = boxes

    def run(self, frame: Frame, timings: Timings) -> None:
        """Settle the 1D reads of ``frame.found``."""
        settled = [self._settle(d, frame.gray, timings) if d.format in LINEAR else d
                   for d in frame.found]
        frame.found = [d for d in settled if d is not None]

    def _settle(self, detection: Detection, gray: np.ndarray,
                timings: Timings) -> Detection | None:
        (ax, ay), (bx, by), _, (dx, dy) = detection.corners
        length = math.hypot(bx - ax, by - ay)
        if math.hypot(dx - ax, dy - ay) >= 0.25 * length:
            return detection
        (cx, cy), half = detection.center, length / 2
        box = np.float32([(cx - half, cy - half), (cx + half, cy - half),
                          (cx + half, cy + half), (cx - half, cy + half)])
        if self._boxes is None:
            return fit_to_box(detection, gray, box)
        kept = self._boxes.resolve(gray, box, [detection], timings)
        return kept[0] if kept else None
