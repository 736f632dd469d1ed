"""The camera source: capture, skip still frames, decode, track, emit events — in its own thread.

Decoding a full 1080p frame costs tens of milliseconds, and most of the time nothing on the table
moves. So each frame is first compared, tiny and blurred, with the last one decoded: while the
table is still only the known products' boxes are re-checked now and then, and a change is
decoded where it happened — first quickly, so a product put down shows at once, then once
more with every stage when the table is still again. The whole frame is decoded only at the
start and when most of it changed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np

from hardware.backoff import Backoff
from hardware.events import Placed, Removed, SourceState
from hardware.frames import FrameSource
from hardware.source import Clock, ThreadedSource
from hardware.tracker import Region, Tracker

if TYPE_CHECKING:
    from hardware.decoding.detection import Detection
    from hardware.decoding.pipeline import Decoder

log = logging.getLogger(__name__)

GATE_SCALE = 8
"""Frames are compared at 1/8 of their size: enough to see a hand or a box, cheap to compute."""
GATE_WINDOW = 8
"""Changes are averaged over windows of 8x8 small pixels (64x64 camera pixels), so a small
product placed in a corner counts as much as it would in a small frame."""


REGION_SHARE = 0.4
"""A change covering more than this share of the frame is decoded as a whole frame."""


@dataclass
class DecodeCounts:
    """How much decoding the gate let through, for benchmarks and tests."""

    full: int = 0
    region: int = 0
    skipped: int = 0


def thumbnail(frame: np.ndarray) -> np.ndarray:
    """The gray, downscaled, blurred copy of a frame that the change gate compares.

    Every other pixel of the 1/4 grid is sampled before anything is converted (converting the
    whole 1080p frame to gray would cost more than everything else a still frame needs), and
    the green channel stands for brightness.
    """
    height, width = frame.shape[:2]
    sampled = frame[::GATE_SCALE // 2, ::GATE_SCALE // 2]
    if sampled.ndim == 3:
        sampled = sampled[:, :, 1 if sampled.shape[2] >= 3 else 0]
    small = cv2.resize(np.ascontiguousarray(sampled),
                       (max(1, width // GATE_SCALE), max(1, height // GATE_SCALE)),
                       interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (3, 3), 0).astype(np.float32)


def change_score(current: np.ndarray, reference: np.ndarray | None) -> float:
    """The largest local mean absolute difference (gray levels) between two thumbnails.

    A local maximum rather than the global mean: one small box placed on a large table changes
    a few percent of the frame, which a global mean would drown in the still rest.
    """
    if reference is None or reference.shape != current.shape:
        return float("inf")
    return float(_local_change(current, reference).max())


def changed_region(current: np.ndarray, reference: np.ndarray | None, threshold: float,
                   frame_size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The frame box (x, y, w, h) around everything that changed, grown by a margin.

    None when nothing changed or when the change covers most of the frame (decode it all).
    Decoding only where a product was just put down is what keeps recognition quick.
    """
    if reference is None or reference.shape != current.shape:
        return None
    rows, columns = np.nonzero(_local_change(current, reference) >= threshold)
    if rows.size == 0:
        return None
    width, height = frame_size
    margin = GATE_WINDOW * GATE_SCALE // 2
    left = max(0, int(columns.min()) * GATE_SCALE - margin)
    top = max(0, int(rows.min()) * GATE_SCALE - margin)
    right = min(width, (int(columns.max()) + 1) * GATE_SCALE + margin)
    bottom = min(height, (int(rows.max()) + 1) * GATE_SCALE + margin)
    if (right - left) * (bottom - top) > REGION_SHARE * width * height:
        return None
    return left, top, right - left, bottom - top


def _local_change(current: np.ndarray, reference: np.ndarray) -> np.ndarray:
    return cv2.blur(cv2.absdiff(current, reference), (GATE_WINDOW, GATE_WINDOW))


def describe(frames: FrameSource) -> str:
    """``"1920x1080 at 30 fps"`` — the status line an installer reads."""
    width, height = frames.size
    fps = getattr(frames, "fps", None)
    return f"{width}x{height} at {round(fps, 2):g} fps" if fps else f"{width}x{height}"


class CameraSource(ThreadedSource):
    """Frames → change gate → decoder → tracker → Placed/Removed events, in one thread."""

    def __init__(self, name: str, open_frames: Callable[[], FrameSource], decoder: Decoder,
                 tracker: Tracker, clock: Clock, *, change_threshold: float = 6.0,
                 recheck_every: int = 30, on_end: Literal["stop", "restart"] = "stop",
                 backoff: Backoff | None = None) -> None:
        """``open_frames`` builds a fresh frame source for every (re)connection; ``clock``
        stamps events of realtime sources, files use their media time instead."""
        super().__init__(name, backoff)
        if change_threshold < 0:
            raise ValueError("change_threshold must not be negative")
        if recheck_every < 1:
            raise ValueError("recheck_every must be at least 1")
        if on_end not in ("stop", "restart"):
            raise ValueError(f"on_end must be 'stop' or 'restart', not {on_end!r}")
        self._open_frames = open_frames
        self._decoder = decoder
        self._tracker = tracker
        self._clock = clock
        self.change_threshold = change_threshold
        self.recheck_every = recheck_every
        self.on_end = on_end
        self.last_decode_ms: float | None = None
        self.counts = DecodeCounts()
        self._description = ""
        self._degraded = False
        self._last_t = 0.0
        self._reset_gate()

    def run(self, stop: threading.Event) -> None:
        """Stream until stopped or the input ends; a lost device raises ``OSError``.

        Whenever this returns or raises, the products this camera reported are removed at once:
        a camera that no longer looks cannot vouch for them, and a quick reconnect places the
        known ones again on its first frame.
        """
        frames = self._open_frames()
        frames.open()
        self._last_t = self._clock() if frames.realtime else 0.0
        try:
            self._description = describe(frames)
            self._degraded = False
            self.status(SourceState.OK, self._description)
            self._stream(frames, stop)
        finally:
            frames.close()
            t = self._clock() if frames.realtime else self._last_t
            self._emit_all(self._tracker.clear(t))

    def _stream(self, frames: FrameSource, stop: threading.Event) -> None:
        self._reset_gate()
        offset = 0.0
        count = 0
        while not stop.is_set():
            item = frames.read()
            if item is None:
                if stop.is_set():
                    return  # the input was closed because we are stopping
                if self.on_end == "stop":
                    self.finish("end of input")
                    return
                if count == 0:
                    raise OSError("the input ended without giving a single frame")
                self._emit_all(self._tracker.clear(self._last_t))
                frames.close()
                frames.open()
                offset = self._last_t + 1.0 / (getattr(frames, "fps", None) or 30.0)
                count = 0
                self._reset_gate()
                continue
            frame, media_t = item
            count += 1
            t = self._clock() if frames.realtime else offset + media_t
            self._last_t = t
            self._emit_all(self._process(frame, t))

    def _reset_gate(self) -> None:
        self._reference: np.ndarray | None = None
        self._unsettled = False
        self._still = 0
        self._moved: Region | None = None

    def _process(self, frame: np.ndarray, t: float) -> list[Placed | Removed]:
        """Decode what the gate lets through and feed the tracker."""
        small = thumbnail(frame)
        changed = change_score(small, self._reference) >= self.change_threshold
        if changed or self._unsettled:
            # Decode where the table changed, quickly (one light zxing-cpp pass: a product put
            # down is mostly read at once), then, once things settle, everywhere
            # it changed since it was last still, with every stage: a frame caught mid-motion
            # may be blurred, and a 1D code tilted past the scan lines needs the locator.
            size = (frame.shape[1], frame.shape[0])
            if changed:
                region = changed_region(small, self._reference, self.change_threshold, size)
                if self._reference is not None:    # the first frame is decoded in full
                    self._note_moved(region, size)
            else:
                region = self._with_neighbours(self._moved, size)
                self._moved = None
            quick = changed and region is not None
            self._unsettled = changed and self._reference is not None
            detections = self._decode(frame, None if region is None else [region],
                                      quick=quick)
            if detections is None:
                return self._tracker.expire(t)
            self._reference = small
            self._still = 0
            events = self._tracker.update(detections, t, covered=region)
            if region is not None:
                self._tracker.refresh(t, changed=region)
            return events
        self._still += 1
        self._tracker.refresh(t)
        regions = self._clip(self._tracker.regions(), frame)
        if not self._tracker.awaiting:
            # Nothing waits for a second look: re-check one known product now and then, in
            # turn, as a safety net behind the change gate; a still table stays nearly free.
            due = self._still % self.recheck_every == 0
            regions = regions[(self._still // self.recheck_every) % len(regions):][:1] if (
                due and regions) else []
        if not regions:
            self.counts.skipped += 1
            return self._tracker.expire(t)
        detections = self._decode(frame, regions)
        if detections is None:
            return self._tracker.expire(t)
        return self._tracker.update(detections, t, still=True)

    def _with_neighbours(self, region: Region | None, size: tuple[int, int]) -> Region | None:
        """``region`` grown over the tracked codes it touches: a code its edge cuts through
        cannot be read there, and it must be read to stay vouched for. None: the whole frame."""
        if region is None:
            return None
        for code in self._tracker.regions(margin=0.0):
            if _overlap(region, code):
                region = _union(region, code)
        x0, y0 = max(0, region[0]), max(0, region[1])
        x1, y1 = min(size[0], region[0] + region[2]), min(size[1], region[1] + region[3])
        if (x1 - x0) * (y1 - y0) > REGION_SHARE * size[0] * size[1]:
            return None
        return x0, y0, x1 - x0, y1 - y0

    def _note_moved(self, region: Region | None, size: tuple[int, int]) -> None:
        """Add a changed region to those the settling decode covers (None: the whole frame,
        which ``_with_neighbours`` then finds too large to be a region)."""
        region = region or (0, 0, *size)
        self._moved = region if self._moved is None else _union(self._moved, region)

    def _decode(self, frame: np.ndarray, regions: Sequence[Region] | None,
                quick: bool = False) -> list[Detection] | None:
        """Detections of the whole frame or of ``regions``; None when the decoder failed.
        ``quick``: the decoder's first look, lighter and without its locator stage."""
        started = time.perf_counter()
        try:
            if regions is None:
                self.counts.full += 1
                detections = list(self._decoder.decode(frame))
            else:
                detections = []
                for region in regions:
                    self.counts.region += 1
                    detections.extend(self._decoder.decode(frame, region, quick=quick))
        except Exception as exc:  # a decoder fault on one frame is a state, not a dead camera
            if not self._degraded:
                log.warning("camera %s: decoding failed: %s", self.name, exc, exc_info=True)
                self._degraded = True
                self.status(SourceState.DEGRADED, f"barcode decoding failed: {exc}")
            return None
        finally:
            self.last_decode_ms = (time.perf_counter() - started) * 1000.0
        if self._degraded:
            self._degraded = False
            self.status(SourceState.OK, self._description)
        return detections

    @staticmethod
    def _clip(regions: Sequence[tuple[int, int, int, int]],
              frame: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Regions cut to the frame; empty ones dropped."""
        height, width = frame.shape[:2]
        clipped: list[tuple[int, int, int, int]] = []
        for x, y, w, h in regions:
            left, top = max(0, x), max(0, y)
            right, bottom = min(width, x + w), min(height, y + h)
            if right > left and bottom > top:
                clipped.append((left, top, right - left, bottom - top))
        return clipped

    def _emit_all(self, events: Sequence[Placed | Removed]) -> None:
        for event in events:
            self.emit(event)


def _overlap(a: Region, b: Region) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _union(a: Region, b: Region) -> Region:
    """The smallest box holding ``a`` and ``b``."""
    left, top = min(a[0], b[0]), min(a[1], b[1])
    return (left, top, max(a[0] + a[2], b[0] + b[2]) - left,
            max(a[1] + a[3], b[1] + b[3]) - top)
