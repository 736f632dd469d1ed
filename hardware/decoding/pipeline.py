"""The decoder: a camera frame through the stages, product codes out. ``python -m bench.scan``
measures the choices made here and the time of each stage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from hardware.decoding.boxed_read import BoxReader
from hardware.decoding.detection import Detection, shifted, unique
from hardware.decoding.edge_check import EdgeChecked
from hardware.decoding.located import Located
from hardware.decoding.second_opinion import load_zbar
from hardware.decoding.settled import Settled
from hardware.decoding.stage import Frame, Stage, Timings
from hardware.decoding.whole_frame import WholeFrame
from hardware.decoding.zxing import ZxingReader
from hardware.symbologies import FORMATS, LINEAR


class Decoder:
    """Reads the enabled formats in frames; one instance per thread (it holds OpenCV state).

    Unknown format names raise ValueError; an empty ``formats`` reads nothing.
    ``locate_tilted``: the locator stage (1D codes at any angle); ``second_opinion``: zbar on
    the boxes it finds; ``workers=2``: the locator runs in a second thread while zxing-cpp
    reads the frame (both release the GIL), which cuts the wall-clock time on two cores, not
    the CPU time.
    """

    def __init__(self, formats: Iterable[str] = tuple(FORMATS), *, locate_tilted: bool = True,
                 second_opinion: bool = True, workers: int = 1) -> None:
        names = tuple(dict.fromkeys(formats))
        unknown = [name for name in names if name not in FORMATS]
        if unknown:
            raise ValueError(f"unknown barcode format(s) {', '.join(map(repr, unknown))}; "
                             f"known: {', '.join(FORMATS)}")
        if workers not in (1, 2):
            raise ValueError(f"workers must be 1 or 2, not {workers!r}")
        self.formats = frozenset(names)
        linear = [FORMATS[name] for name in names if name in LINEAR]
        zxing = ZxingReader(self.formats)
        locate = locate_tilted and bool(linear)
        boxes = (BoxReader(zxing, linear, load_zbar() if second_opinion else None)
                 if locate else None)
        self._executor = (ThreadPoolExecutor(1, thread_name_prefix="decoder")
                          if workers == 2 else None)
        self.stages: list[Stage] = [WholeFrame(zxing, names, locator_follows=locate)]
        self._located = Located(boxes) if boxes is not None else None
        if self._located is not None:
            self.stages.append(self._located)
        self.stages.append(Settled(boxes))
        self.stages.append(EdgeChecked())
        self.timings = Timings()
        """Time spent in each stage since the last ``timings.reset()``."""

    def decode(self, frame: np.ndarray, region: tuple[int, int, int, int] | None = None, *,
               quick: bool = False) -> list[Detection]:
        """All codes in ``frame`` (HxW gray or HxWx3 BGR uint8), in full-frame coordinates.

        ``region`` (x, y, w, h) limits decoding to that crop, clipped to the frame. Anything that
        is not an 8-bit image (empty, other dtype, odd shape) gives [] rather than an error, so a
        camera glitch never stops the scanner thread; BGRA and HxWx1 frames are accepted too.
        ``quick=True`` is a first look at a change: one lighter zxing-cpp pass, in every
        direction but without inverted symbols or downscaled layers, and no locator stage; it
        misses 1D codes tilted past what the scan lines cross, which a full decode finds.
        """
        x0, y0 = 0, 0
        if region is not None and isinstance(frame, np.ndarray) and frame.ndim >= 2:
            clipped = _clip(region, frame.shape)   # crop first: only the region is converted
            if clipped is None:
                return []
            x0, y0, x1, y1 = clipped
            frame = frame[y0:y1, x0:x1]
        gray = _to_gray(frame)
        if gray is None or not self.formats:
            return []
        work = Frame(np.ascontiguousarray(gray), quick=quick)
        located = None if quick else self._located
        if self._executor is not None and located is not None:
            work.boxes = self._executor.submit(located.locate, work.gray, self.timings)
        try:
            for stage in self.stages:
                if stage is self._located and located is None:
                    continue
                with self.timings.timed(stage.name):
                    stage.run(work, self.timings)
        finally:
            if work.boxes is not None:   # a stage failed: wait, so no thread reads on
                work.boxes.exception()
        self.timings.frames += 1
        found = unique(work.boxed + work.found)
        return [shifted(d, x0, y0) for d in found] if x0 or y0 else found


def _to_gray(frame: object) -> np.ndarray | None:
    """A 2-D uint8 view or copy of ``frame``, or None when it is not an 8-bit image."""
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.size == 0:
        return None
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] in (3, 4):
        code = cv2.COLOR_BGR2GRAY if frame.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        return cv2.cvtColor(np.ascontiguousarray(frame), code)
    return None


def _clip(region: Sequence[int], shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) of ``region`` inside an image of ``shape``, None when nothing is left."""
    try:
        x, y, w, h = (int(v) for v in region)
    except (TypeError, ValueError):
        return None
    x0, y0, x1, y1 = max(0, x), max(0, y), min(shape[1], x + w), min(shape[0], y + h)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None
