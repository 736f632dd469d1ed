"""What stands in one located box: the box straightened, read by zxing-cpp, with zbar as the
second opinion; shared by the stages that locate boxes and settle reads on them."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import zxingcpp

from hardware.decoding.boxes import Straightened, straighten
from hardware.decoding.detection import Detection, fit_to_box, near_axis, same_code, unique
from hardware.decoding.second_opinion import Opinion, Zbar, zbar_read
from hardware.decoding.stage import Timings
from hardware.decoding.zxing import ZxingReader

SHORT_CODES = ("upce", "ean8")   # their bars also occur inside EAN-13 and UPC-A symbols
CHECKED_ELSEWHERE = ("code128", "ean13", "upca", "ean8")
"""Tilted reads of these stand without a second read of their box: Code 128's checksum is
strong, and the last stage checks EAN-13, UPC-A and EAN-8 reads against their bars. A tilted
UPC-E read (an EAN-13 at 30 degrees has read as one) is still read again."""


class BoxReader:
    """Reads straightened boxes with zxing-cpp's 1D formats, and zbar when it is there."""

    def __init__(self, zxing: ZxingReader, linear: Sequence[zxingcpp.BarcodeFormat],
                 zbar: Zbar | None) -> None:
        self._zxing = zxing
        self._linear = list(linear)
        self._zbar = zbar

    def resolve(self, gray: np.ndarray, box: np.ndarray, members: list[Detection],
                timings: Timings) -> list[Detection]:
        """What stands in ``box``: reads near the axes or checked elsewhere as they are, or
        what the crop says."""
        fitted = [fit_to_box(d, gray, box) for d in members]
        if fitted and all(near_axis(d.angle) for d in fitted):
            return fitted if len(fitted) == 1 else members
        if fitted and len({d.text for d in members}) == 1 and all(
                d.format in CHECKED_ELSEWHERE for d in members):
            return fitted[:1]      # one code, read over several passes or scan lines
        detection, conflict = self.read(gray, box, timings, members)
        if detection is not None:
            return [fit_to_box(detection, gray, box)]
        return [] if conflict else fitted

    def read(self, gray: np.ndarray, box: np.ndarray, timings: Timings,
             members: Sequence[Detection] = ()) -> tuple[Detection | None, bool]:
        """Straighten one located box and decode it; True when the decoders disagree.

        zxing-cpp reads; zbar is the second opinion where zxing-cpp fails and the check where
        it reads EAN/UPC, which carry a single check digit (Code 128 has a strong checksum).
        Disagreement gives nothing, as a wrong product is worse than a code read one frame
        later. A read of zbar's alone is taken only when it agrees with a read of the box's
        ``members`` (the whole frame's) or its check digit and quiet zones hold.
        """
        straight = straighten(gray, box)
        if straight is None:
            return None, False
        options = {"try_rotate": False, "try_downscale": False} if straight.along_x else {}
        ours = unique(self._zxing.read(straight.crop, self._linear, straight.back, **options))
        if len({d.text for d in ours}) > 1:    # one box, several contents: nothing is sure
            return None, True
        opinions: list[Opinion] = []
        if self._zbar is not None and (not ours or any(d.format != "code128" for d in ours)):
            with timings.timed("second opinion"):
                opinions = zbar_read(self._zbar, straight, self._zxing.enabled)
        theirs = [o.detection for o in opinions]
        agreed = [d for d in ours if any(same_code(d, t) for t in theirs)]
        if agreed:
            return agreed[0], False
        ours = [d for d in ours if not _partly_covered(straight, d)]
        opinions = [o for o in opinions if not _partly_covered(straight, o.detection)]
        if ours and opinions:
            return None, True
        if ours:
            return ours[0], False
        vouched = [o.detection for o in opinions
                   if o.sound or any(same_code(o.detection, m) for m in members)]
        return (vouched or [None])[0], False


def _partly_covered(straight: Straightened, detection: Detection) -> bool:
    """True for a UPC-E or EAN-8 spanning under half the box: a short code found inside the
    bars of a longer one (bench: blurred UPC-As read as UPC-E at 41-44%; true UPC-E 45%+)."""
    (ax, ay), (bx, by) = detection.corners[:2]
    return (straight.along_x and detection.format in SHORT_CODES
            and math.hypot(bx - ax, by - ay) < 0.5 * straight.length)
