"""Stage 1: zxing-cpp on the whole frame, in the passes that fit the frame's size."""

from __future__ import annotations

from collections.abc import Sequence

import zxingcpp

from hardware.decoding.detection import unique
from hardware.decoding.stage import Frame, Timings
from hardware.decoding.zxing import ZxingReader
from hardware.symbologies import FORMATS

FULL_EFFORT_PIXELS = 1_000_000   # up to this size zxing-cpp gets every option in one pass
Pass = tuple[list[zxingcpp.BarcodeFormat], dict[str, bool]]


class WholeFrame:
    """Every enabled format over the whole frame; large frames in lighter passes when the
    locator stage will find the tilted 1D codes."""

    name = "whole frame"

    def __init__(self, zxing: ZxingReader, names: Sequence[str], locator_follows: bool) -> None:
        self._zxing = zxing
        self._all: Pass = ([FORMATS[name] for name in names], {})
        self._large = large_image_passes(names) if locator_follows else [self._all]

    def run(self, frame: Frame, timings: Timings) -> None:
        """Put zxing-cpp's reads in ``frame.found``."""
        passes = self._large if frame.gray.size > FULL_EFFORT_PIXELS else [self._all]
        frame.found = unique([d for formats, options in passes
                              for d in self._zxing.read(frame.gray, formats, **options)])


def large_image_passes(names: Sequence[str]) -> list[Pass]:
    """zxing-cpp passes for large frames when the locator is on, within the time budget.

    1D codes need no rotated pass: the locator finds them at any angle. zxing-cpp's Data Matrix
    detector reads only within about 45 degrees of upright without ``try_rotate``; its own pass
    tries all four directions but skips inverted (light on dark) symbols, which doubles its cost.
    """
    others = [FORMATS[name] for name in names if name != "datamatrix"]
    passes: list[Pass] = [(others, {"try_rotate": False})] if others else []
    if "datamatrix" in names:
        passes.append(([FORMATS["datamatrix"]],
                       {"try_rotate": True, "try_invert": False, "try_downscale": False}))
    return passes
