"""Stage 3: 1D codes zxing-cpp read on a few scan lines only, which no located box holds."""

from __future__ import annotations

import math

import cv2
import numpy as np

from hardware.decoding.boxed_read import BoxReader
from hardware.decoding.detection import Detection, fit_to_box
from hardware.decoding.stage import Frame, Timings
from hardware.symbologies import LINEAR


class Settled:
    """Each such read gets a square box at the angle of its bars (its height is unknown); when
    that angle is a tilt and boxes can be read, the box is decoded straightened like a located
    one, and a read the crop contradicts is dropped.

    zxing-cpp may report one tilted code as several reads, one per band of scan lines that
    crossed it whole; reads of one content that touch are merged first, so the code gets one
    box round all of them (the quick look has no locator box to hold them). A box over many
    scan lines is kept, turned to the angle of the bars: scan lines crossing tilted bars make
    a box that leans but whose top edge stays level.
    """

    name = "settled"

    def __init__(self, boxes: BoxReader | None) -> None:
        self._boxes = boxes

    def run(self, frame: Frame, timings: Timings) -> None:
        """Settle the 1D reads of ``frame.found``."""
        settled = [d for d in frame.found if d.format not in LINEAR]
        for group in _touching(d for d in frame.found if d.format in LINEAR):
            kept = self._settle(group, frame.gray, timings)
            if kept is not None:
                settled.append(kept)
        frame.found = settled

    def _settle(self, group: list[Detection], gray: np.ndarray,
                timings: Timings) -> Detection | None:
        detection = max(group, key=_length)
        length = _length(detection)
        points = np.float32([p for d in group for p in d.corners])
        (cx, cy), (w, h), theta = cv2.minAreaRect(points)
        if min(w, h) >= 0.25 * length:
            return fit_to_box(detection, gray, cv2.boxPoints(((cx, cy), (w, h), theta)))
        half = length / 2
        box = np.float32([(cx - half, cy - half), (cx + half, cy - half),
                          (cx + half, cy + half), (cx - half, cy + half)])
        if self._boxes is None:
            return fit_to_box(detection, gray, box)
        kept = self._boxes.resolve(gray, box, group, timings)
        return kept[0] if kept else None


def _length(detection: Detection) -> float:
    """Of the scan line across the code: its top edge."""
    (ax, ay), (bx, by) = detection.corners[:2]
    return math.hypot(bx - ax, by - ay)


def _touching(detections: object) -> list[list[Detection]]:
    """Reads grouped by content, those of one content together when they lie within a code's
    length of each other (one code read in bands); apart, they are separate codes."""
    groups: list[list[Detection]] = []
    for detection in detections:  # type: ignore[attr-defined]
        for group in groups:
            if group[0].text == detection.text and any(
                    math.dist(d.center, detection.center) <= max(_length(d), _length(detection))
                    for d in group):
                group.append(detection)
                break
        else:
            groups.append([detection])
    return groups
