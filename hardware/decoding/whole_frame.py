"""Stage 1: zxing-cpp on the whole frame, in the passes that fit the frame's size."""

from __future__ import annotations

from collections.abc import Sequence

import zxingcpp

from hardware.decoding.detection import Detection, unique
from hardware.decoding.stage import Frame, Timings
from hardware.decoding.zxing import ZxingReader
from hardware.symbologies import FORMATS

FULL_EFFORT_PIXELS = 900_000
"""Up to this size (photos, the camera's changed regions: at most 40% of a 1080p frame)
zxing-cpp gets every option in one pass; 720p and larger camera frames get lighter passes."""
Pass = tuple[str, list[zxingcpp.BarcodeFormat], dict[str, object]]


class WholeFrame:
    """Every enabled format over the whole frame; large frames in lighter passes when the
    locator stage will find the tilted 1D codes. Small images (photos, the camera's changed
    regions) get one pass with every option, the most thorough reading."""

    name = "whole frame"

    def __init__(self, zxing: ZxingReader, names: Sequence[str], locator_follows: bool) -> None:
        self._zxing = zxing
        self._all: Pass = ("full-effort pass", [FORMATS[name] for name in names], {})
        self._large = large_image_passes(names) if locator_follows else [self._all]
        self._quick: Pass = ("quick pass", self._all[1],
                             {"try_invert": False, "try_downscale": False})

    def run(self, frame: Frame, timings: Timings) -> None:
        """Put zxing-cpp's reads in ``frame.found``; each pass is timed on its own."""
        if frame.gray.size > FULL_EFFORT_PIXELS:
            passes = self._large
        else:
            passes = [self._quick if frame.quick else self._all]
        frame.found = unique([d for one in passes for d in self._read(frame, one, timings)])

    def _read(self, frame: Frame, one: Pass, timings: Timings) -> list[Detection]:
        name, formats, options = one
        with timings.timed(name):
            return self._zxing.read(frame.gray, formats, **options)


def large_image_passes(names: Sequence[str]) -> list[Pass]:
    """zxing-cpp passes for large frames when the locator is on, within the time budget.

    1D codes need no rotated pass: the locator finds them at any angle. Downscaled layers and
    inverted symbols are left out of the upright pass: on cluttered 1080p frames they cost a
    third of its time, and large 1D codes are located and read on their boxes all the same.

    zxing-cpp's Data Matrix detector reads only within about 45 degrees of upright without
    ``try_rotate`` (5 of 18 angles). Tracing edges from all four sides on the local-average
    binarizer wanders through clutter: 10.6 ms per cluttered 1080p frame (14.8 on grainy
    ones). So Data Matrix is read upright in the upright pass, which shares its binarizer, and
    in every direction on a global threshold (1.5-1.8 ms), which reads every symbol at 4 px
    per module and 11 of 12 angles at 3 px, but misses some on uneven light (2 px: 3 of 12
    against 9). The camera decodes a new product in its changed region first, a small image
    read in every direction on the local average.
    """
    upright: Pass = ("upright pass", [FORMATS[name] for name in names],
                     {"try_rotate": False, "try_invert": False, "try_downscale": False})
    if "datamatrix" not in names:
        return [upright]
    return [upright, ("datamatrix pass", [FORMATS["datamatrix"]],
                      {"try_rotate": True, "try_invert": False, "try_downscale": False,
                       "binarizer": zxingcpp.Binarizer.GlobalHistogram})]
