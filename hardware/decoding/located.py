"""Stage 2: OpenCV's barcode locator finds 1D codes at any angle. A read inside a box is checked
against the box straightened (reading tilted bars along horizontal scan lines can misread: an
EAN-13 at 30 degrees has read as a UPC-E), and boxes nothing was read in are decoded."""

from __future__ import annotations

import logging

import cv2
import numpy as np

from hardware.decoding.boxed_read import BoxReader
from hardware.decoding.boxes import covers
from hardware.decoding.stage import Frame, Timings
from hardware.symbologies import LINEAR

log = logging.getLogger(__name__)

MAX_LOCATED = 8                  # located boxes examined per frame: bounds the cost of clutter
LOCATOR_MIN_SIDE = 32            # the locator needs some room; zxing-cpp reads even 1 px rows
LOCATOR_GRADIENT = 32            # OpenCV's default 64 misses small UPC-E (bench: 8 -> 3 of 480)
LOCATOR_SIDE = 512               # the locator works on images shrunk to this shorter side


class Located:
    """Boxes from the locator, each settled with what was read in it or read anew."""

    name = "located"

    def __init__(self, boxes: BoxReader) -> None:
        self._boxes = boxes
        self._locator = cv2.barcode.BarcodeDetector()
        self._locator.setGradientThreshold(LOCATOR_GRADIENT)
        self._locator.setDownsamplingThreshold(LOCATOR_SIDE)

    def run(self, frame: Frame, timings: Timings) -> None:
        """Move the reads a box settles from ``frame.found`` to ``frame.boxed``; only reads
        close to the image axes stand on their own."""
        gray = frame.gray
        located = frame.boxes.result() if frame.boxes is not None else self.locate(gray, timings)
        found, boxed = frame.found, frame.boxed
        for box in located[:MAX_LOCATED]:
            members = [d for d in found if covers(box, d.center)]
            middle = tuple(box.mean(axis=0))
            if any(d.format not in LINEAR for d in members) or any(
                    covers(d.corners, middle) for d in (*found, *boxed) if d not in members):
                continue
            found = [d for d in found if d not in members]
            boxed += self._boxes.resolve(gray, box, members, timings)
        frame.found, frame.boxed = found, boxed

    def locate(self, gray: np.ndarray, timings: Timings) -> list[np.ndarray]:
        """Boxes (4x2, image pixels) of likely 1D codes, largest first; safe to call from
        another thread while zxing-cpp reads the same image.

        The locator shrinks images to ``LOCATOR_SIDE`` itself, so it gets the full-resolution
        image: handing it one halved beforehand (2x2 averaging, cheaper than its own
        shrinking) moved its boxes enough to lose 3 of 120 codes at 2 px per module.
        """
        if min(gray.shape) < LOCATOR_MIN_SIDE:
            return []
        with timings.timed("locator"):
            return self._detect(gray)

    def _detect(self, gray: np.ndarray) -> list[np.ndarray]:
        try:
            ok, points = self._locator.detect(gray)
        except cv2.error as error:
            log.debug("barcode locator failed on a %s image: %s", gray.shape, error)
            return []
        if not ok or points is None:
            return []
        boxes = [np.float32(p).reshape(4, 2) for p in np.asarray(points).reshape(-1, 4, 2)]
        return sorted(boxes, key=lambda b: -abs(cv2.contourArea(b)))
