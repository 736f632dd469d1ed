"""What stands in one located box: the box straightened, read by zxing-cpp, with zbar as the
second opinion; shared by the stages that locate boxes and settle reads on them."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import zxingcpp

from hardware.decoding.boxes import Straightened, straighten
from hardware.decoding.detection import Detection, fit_to_box, near_axis, same_code, unique
from hardware.decoding.second_opinion import Zbar, zbar_read
from hardware.decoding.stage import Timings
from hardware.decoding.zxing import ZxingReader

SHORT_CODES = ("upce", "ean8")   # their bars also occur inside EAN-13 and UPC-A symbols


class BoxReader:
    """Reads straightened boxes with zxing-cpp's 1D formats, and zbar when it is there."""

    def __init__(self, zxing: ZxingReader, linear: Sequence[zxingcpp.BarcodeFormat],
                 zbar: Zbar | None) -> None:
        self._zxing = zxing
        self._linear = list(linear)
        self._zbar = zbar

    def resolve(self, gray: np.ndarray, box: np.ndarray, members: list[Detection],
                timings: Timings) -> list[Detection]:
        """What stands in ``box``: reads near the axes as they are, or what the crop says."""
        fitted = [fit_to_box(d, gray, box) for d in members]
        if fitted and all(near_axis(d.angle) for d in fitted):
            return fitted if len(fitted) == 1 else members
        detection, conflict = self.read(gray, box, timings)
        if detection is not None:
            return [fit_to_box(detection, gray, box)]
        return [] if conflict else fitted

    def read(self, gray: np.ndarray, box: np.ndarray,
             timings: Timings) -> tuple[Detection | None, bool]:
        """Straighten one located box and decode it; True when the decoders disagree.

        zxing-cpp reads; zbar is the second opinion where zxing-cpp fails and the check where
        it reads EAN/UPC, which carry a single check digit (Code 128 has a strong checksum).
        On straightened crops zbar made no misreads where zxing-cpp made a few; disagreement
        gives nothing, as a wrong product is worse than a code read one frame later.
        """
        straight = straighten(gray, box)
        if straight is None:
            return None, False
        options = {"try_rotate": False, "try_downscale": False} if straight.along_x else {}
        ours = unique(self._zxing.read(straight.crop, self._linear, straight.back, **options))
        if len({d.text for d in ours}) > 1:    # one box, several contents: nothing is sure
            return None, True
        theirs: list[Detection] = []
        if self._zbar is not None and (not ours or any(d.format != "code128" for d in ours)):
            with timings.timed("second opinion"):
                theirs = zbar_read(self._zbar, straight, self._zxing.enabled)
        agreed = [d for d in ours if any(same_code(d, t) for t in theirs)]
        if agreed:
            return agreed[0], False
        ours = [d for d in ours if not _partly_covered(straight, d)]
        theirs = [d for d in theirs if not _partly_covered(straight, d)]
        if ours and theirs:
            return None, True
        return (ours or theirs or [None])[0], False


def _partly_covered(straight: Straightened, detection: Detection) -> bool:
    """True for a UPC-E or EAN-8 spanning under half the box: a short code found inside the
    bars of a longer one (bench: blurred UPC-As read as UPC-E at 41-44%; true UPC-E 45%+)."""
    (ax, ay), (bx, by) = detection.corners[:2]
    return (straight.along_x and detection.format in SHORT_CODES
            and math.hypot(bx - ax, by - ay) < 0.5 * straight.length)
