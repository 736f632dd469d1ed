"""The camera thread: frames to events, failures as states, and decoding only what changed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from hardware.backoff import Backoff
from hardware.camera import CameraSource, change_score, changed_region, thumbnail
from hardware.decoding.detection import Detection
from hardware.events import HardwareEvent, Placed, Removed, SourceState, SourceStatus
from hardware.tracker import Tracker

WIDTH, HEIGHT = 320, 240
KNOWN = "04006381333931"
OTHER = "09780201379624"
BOX_A = (40, 40, 120, 100)  # x0, y0, x1, y1 of a product's box in the frame
BOX_B = (200, 120, 280, 200)


def det_in(box: tuple[int, int, int, int], gtin: str) -> Detection:
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    corners = ((cx - 15, cy - 10), (cx + 15, cy - 10), (cx + 15, cy + 10), (cx - 15, cy + 10))
    return Detection("ean13", gtin[1:], gtin, corners, (cx, cy), 0.0)


def scene(marker: int, *boxes: tuple[int, int, int, int]) -> np.ndarray:
    """A gray table with bright boxes; pixel (0, 0) tells the fake decoder which scene it is
    (one pixel, so scenes that differ only by marker look the same to the change gate)."""
    frame = np.full((HEIGHT, WIDTH, 3), 90, np.uint8)
    for x0, y0, x1, y1 in boxes:
        frame[y0:y1, x0:x1] = 230
    frame[0, 0] = marker
    return frame


class FakeDecoder:
    """Implements Decoder.decode from a script: scene marker -> detections.

    ``failures`` is the switch to fail: that many next calls raise. ``region_shift`` moves what
    a region decode finds, the way a crop can place a code's box a little differently.
    """

    def __init__(self, script: dict[int, list[Detection]], region_shift: float = 0.0) -> None:
        self.script = script
        self.region_shift = region_shift
        self.failures = 0
        self.calls: list[tuple[int, int, int, int] | None] = []
        self.quick: list[bool] = []

    def decode(self, frame: np.ndarray, region: tuple[int, int, int, int] | None = None, *,
               quick: bool = False) -> list[Detection]:
        self.calls.append(region)
        self.quick.append(quick)
        if self.failures:
            self.failures -= 1
            raise RuntimeError("decoder crashed")
        found = self.script.get(int(frame[0, 0, 0]), [])
        if region is None:
            return list(found)
        x, y, w, h = region
        shift = self.region_shift
        return [replace(d, center=(d.center[0] + shift, d.center[1] + shift),
                        corners=tuple((cx + shift, cy + shift) for cx, cy in d.corners))
                for d in found if x <= d.center[0] < x + w and y <= d.center[1] < y + h]


class FakeFrames:
    """Implements FrameSource from a list of frames; switches to fail open or mid-stream."""

    size = (WIDTH, HEIGHT)
    fps = 10.0

    def __init__(self, frames: list[np.ndarray], *, realtime: bool = False,
                 fail_at: int | None = None, open_failures: int = 0,
                 rewind: bool = False, hold_last: bool = False) -> None:
        self.frames = frames
        self.realtime = realtime
        self.fail_at = fail_at
        self.open_failures = open_failures
        self.rewind = rewind
        self.hold_last = hold_last
        self.position = 0
        self.opens = 0
        self.reads = 0

    def open(self) -> None:
        self.opens += 1
        if self.open_failures:
            self.open_failures -= 1
            raise OSError("camera not found")
        if self.rewind:
            self.position = 0

    def read(self) -> tuple[np.ndarray, float] | None:
        self.reads += 1
        if self.fail_at is not None and self.position == self.fail_at:
            self.fail_at = None
            raise OSError("camera unplugged")
        if self.position >= len(self.frames):
            if not self.hold_last:
                return None
            time.sleep(0.002)  # a live camera paces itself
            return self.frames[-1], self.position / self.fps
        self.position += 1
        return self.frames[self.position - 1], (self.position - 1) / self.fps

    def close(self) -> None:
        pass


def camera(frames: FakeFrames, decoder: FakeDecoder, clock: Callable[[], float] = time.monotonic,
           **options: Any) -> CameraSource:
    tracker = Tracker("camera", np.diag([1 / WIDTH, 1 / HEIGHT, 1.0]),
                      {KNOWN, OTHER}.__contains__)
    return CameraSource("camera", lambda: frames, decoder, tracker, clock,
                        backoff=Backoff(initial=0.01, maximum=0.02), **options)


def run_until(source: CameraSource, predicate: Callable[[list[HardwareEvent]], bool],
              timeout: float = 5.0) -> list[HardwareEvent]:
    """Start, poll like the frame loop until ``predicate(events)`` holds (bounded), stop."""
    events: list[HardwareEvent] = []
    source.start()
    try:
        deadline = time.monotonic() + timeout
        while not predicate(events):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; events so far: {events}")
            time.sleep(0.002)
            events += source.poll()
    finally:
        source.stop()
    return events + source.poll()


def stopped(events: list[HardwareEvent]) -> bool:
    return any(isinstance(e, SourceStatus) and e.state == SourceState.STOPPED for e in events)


def statuses(events: list[HardwareEvent]) -> list[tuple[SourceState, str]]:
    return [(e.state, e.reason) for e in events if isinstance(e, SourceStatus)]


def products(events: list[HardwareEvent]) -> list[tuple[str, str, float]]:
    return [(type(e).__name__, e.code, round(e.t, 3)) for e in events
            if isinstance(e, Placed | Removed)]


def test_a_clip_flows_to_events_and_ends_with_stopped() -> None:
    frames = FakeFrames([scene(1, BOX_A)] * 3 + [scene(2)] * 10)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN)]})
    events = run_until(camera(frames, decoder), stopped)
    # media time: seen (unchanged) until 0.2, lifted at 0.3, let go 0.7 s after it was last seen
    assert products(events) == [("Placed", KNOWN, 0.0), ("Removed", KNOWN, 0.9)]
    placed = next(e for e in events if isinstance(e, Placed))
    assert placed.position == pytest.approx((80 / WIDTH, 70 / HEIGHT))
    assert statuses(events) == [(SourceState.STARTING, ""), (SourceState.OK, "320x240 at 10 fps"),
                                (SourceState.STOPPED, "end of input")]
    assert frames.opens == 1


def test_products_still_there_at_the_end_of_input_are_removed() -> None:
    frames = FakeFrames([scene(1, BOX_A, BOX_B)] * 4)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN), det_in(BOX_B, OTHER)]})
    events = run_until(camera(frames, decoder), stopped)
    assert products(events) == [("Placed", KNOWN, 0.0), ("Placed", OTHER, 0.0),
                                ("Removed", KNOWN, 0.3), ("Removed", OTHER, 0.3)]
    assert isinstance(events[-1], SourceStatus) and events[-1].reason == "end of input"


def test_a_lost_camera_is_unavailable_then_ok_again_without_restarting_the_app() -> None:
    frames = FakeFrames([scene(1, BOX_A)] * 8, fail_at=4, open_failures=1)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN)]})
    events = run_until(camera(frames, decoder), stopped)
    assert statuses(events) == [
        (SourceState.STARTING, ""),
        (SourceState.UNAVAILABLE, "camera not found (retrying in 0.0 s)"),
        (SourceState.STARTING, ""), (SourceState.OK, "320x240 at 10 fps"),
        (SourceState.UNAVAILABLE, "camera unplugged (retrying in 0.0 s)"),
        (SourceState.STARTING, ""), (SourceState.OK, "320x240 at 10 fps"),
        (SourceState.STOPPED, "end of input")]
    # Lost: what it saw is removed at once; back: the known product is placed on the first frame.
    assert products(events) == [("Placed", KNOWN, 0.0), ("Removed", KNOWN, 0.3),
                                ("Placed", KNOWN, 0.4), ("Removed", KNOWN, 0.7)]
    assert frames.opens == 3


def test_realtime_sources_stamp_events_with_the_clock() -> None:
    frames = FakeFrames([scene(1, BOX_A)], realtime=True, hold_last=True)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN)]})
    events = run_until(camera(frames, decoder, clock=lambda: 42.0),
                       lambda ev: any(isinstance(e, Placed) for e in ev))
    assert products(events)[0] == ("Placed", KNOWN, 42.0)
    assert ("Removed", KNOWN, 42.0) in products(events)  # stopping lets go of what it saw


def test_a_still_table_is_only_rechecked_around_known_products() -> None:
    frames = FakeFrames([scene(1, BOX_A)] * 21)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN)]}, region_shift=6.0)
    source = camera(frames, decoder, recheck_every=5)
    events = run_until(source, stopped)
    assert (source.counts.full, source.counts.region, source.counts.skipped) == (1, 4, 16)
    assert decoder.calls[0] is None and all(call is not None for call in decoder.calls[1:])
    # 2 s of frames, absent_s 0.7: it stays on the table until the end, and does not wander.
    assert products(events) == [("Placed", KNOWN, 0.0), ("Removed", KNOWN, 2.0)]


def test_an_unchanged_table_keeps_its_products_without_decoding() -> None:
    frames = FakeFrames([scene(1, BOX_A)] * 21)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN)]})
    source = camera(frames, decoder, recheck_every=1000)
    events = run_until(source, stopped)
    assert (source.counts.full, source.counts.region, source.counts.skipped) == (1, 0, 20)
    assert products(events) == [("Placed", KNOWN, 0.0), ("Removed", KNOWN, 2.0)]
    assert source.last_decode_ms is not None and source.last_decode_ms >= 0


def test_a_changed_frame_is_decoded_in_full_and_once_more_when_it_settles() -> None:
    frames = FakeFrames([scene(1, BOX_A)] * 6 + [scene(2, BOX_A, BOX_B)] * 6)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN)],
                           2: [det_in(BOX_A, KNOWN), det_in(BOX_B, OTHER)]})
    source = camera(frames, decoder)
    events = run_until(source, stopped)
    # the first frame, the change (most of this small frame: in full), once more when settled
    assert [call is None for call in decoder.calls] == [True, True, True]
    assert (source.counts.full, source.counts.region) == (3, 0)
    assert ("Placed", OTHER, 0.6) in products(events)


def test_a_change_is_looked_at_quickly_then_settled_where_it_happened() -> None:
    def wide(marker: int, *boxes: tuple[int, int, int, int]) -> np.ndarray:
        """The scene on a table four times as wide: a box is a small change there."""
        frame = np.full((HEIGHT * 2, WIDTH * 4, 3), 90, np.uint8)
        frame[:HEIGHT, :WIDTH] = scene(marker, *boxes)
        return frame

    frames = FakeFrames([wide(1, BOX_A)] * 3 + [wide(2, BOX_A, BOX_B)] * 3)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN)],
                           2: [det_in(BOX_A, KNOWN), det_in(BOX_B, OTHER)]})
    source = camera(frames, decoder)
    events = run_until(source, stopped)
    first, quick, settled = decoder.calls
    assert first is None and quick is not None and settled == quick
    x, y, width, height = quick
    assert x <= BOX_B[0] and y <= BOX_B[1] and x + width >= BOX_B[2] and y + height >= BOX_B[3]
    assert decoder.quick == [False, True, False]   # a quick look first, then every stage
    assert ("Placed", OTHER, 0.3) in products(events)
    assert (source.counts.full, source.counts.region) == (1, 2)


def test_a_change_next_to_a_product_settles_over_the_whole_product() -> None:
    """A region whose edge cuts through a known code cannot read it: the settling decode is
    grown over the code, or the product would be let go while it lies there."""
    wide = np.full((HEIGHT * 2, WIDTH * 4, 3), 90, np.uint8)
    wide[0, 0] = 1
    wide[40:100, 40:120] = 230                     # BOX_A, known, seen from the start
    beside = wide.copy()
    beside[0, 0] = 2
    beside[40:100, 150:210] = 230                  # a box put down right beside it
    frames = FakeFrames([wide] * 3 + [beside] * 12)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN)], 2: [det_in(BOX_A, KNOWN)]})
    events = run_until(camera(frames, decoder), stopped)
    quick, settled = decoder.calls[1:3]
    code_left = det_in(BOX_A, KNOWN).corners[0][0]
    assert quick is not None and settled is not None
    assert quick[0] > code_left          # the change's region cuts through the code...
    assert settled[0] <= code_left       # ...the settling one holds all of it
    assert products(events) == [("Placed", KNOWN, 0.0), ("Removed", KNOWN, 1.4)]  # at the end


def test_a_product_missed_while_moving_is_found_when_the_table_settles() -> None:
    blurred, sharp = scene(2, BOX_A), scene(3, BOX_A)  # same look, different decode
    frames = FakeFrames([scene(1)] * 2 + [blurred] + [sharp] * 3)
    decoder = FakeDecoder({3: [det_in(BOX_A, KNOWN)]})
    events = run_until(camera(frames, decoder), stopped)
    assert products(events)[0] == ("Placed", KNOWN, 0.3)


def test_a_failing_decoder_degrades_the_camera_until_it_decodes_again() -> None:
    frames = FakeFrames([scene(1, BOX_A)] * 3 + [scene(2)] * 3 + [scene(1, BOX_A)] * 2)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN)]})
    decoder.failures = 4
    source = camera(frames, decoder, change_threshold=0.0)  # every frame decoded in full
    events = run_until(source, stopped)
    assert statuses(events)[1:4] == [(SourceState.OK, "320x240 at 10 fps"),
                                     (SourceState.DEGRADED, "barcode decoding failed: "
                                      "decoder crashed"),
                                     (SourceState.OK, "320x240 at 10 fps")]
    assert products(events)[0] == ("Placed", KNOWN, 0.6)


def test_restart_loops_a_clip_with_time_running_on() -> None:
    frames = FakeFrames([scene(1, BOX_A)] * 3, rewind=True)
    decoder = FakeDecoder({1: [det_in(BOX_A, KNOWN)]})
    source = camera(frames, decoder, on_end="restart")
    events = run_until(source, lambda ev: len([e for e in ev if isinstance(e, Placed)]) >= 3)
    placed = [e.t for e in events if isinstance(e, Placed)]
    assert placed[:3] == pytest.approx([0.0, 0.3, 0.6])
    assert ("Removed", KNOWN, 0.2) in products(events)
    assert (SourceState.STOPPED, "end of input") not in statuses(events)
    assert frames.opens >= 3


def test_an_input_without_frames_is_retried_not_spun_on() -> None:
    frames = FakeFrames([], rewind=True)
    source = camera(frames, FakeDecoder({}), on_end="restart")
    events = run_until(source, lambda ev: SourceState.UNAVAILABLE in dict(statuses(ev)))
    assert "without giving a single frame" in dict(statuses(events))[SourceState.UNAVAILABLE]


def test_the_camera_thread_never_makes_the_caller_wait() -> None:
    release = threading.Event()

    class StuckFrames(FakeFrames):
        def read(self) -> tuple[np.ndarray, float] | None:
            release.wait(2.0)
            return None

    source = camera(StuckFrames([]), FakeDecoder({}))
    source.start()
    started = time.monotonic()
    source.poll()
    assert time.monotonic() - started < 0.05
    release.set()
    source.stop()


def test_the_gate_sees_a_small_box_on_a_big_table_but_not_sensor_noise() -> None:
    rng = np.random.default_rng(7)
    table = np.full((1080, 1920, 3), 120, np.uint8)

    def noisy(image: np.ndarray) -> np.ndarray:
        return np.clip(image + rng.normal(0, 4, image.shape), 0, 255).astype(np.uint8)

    with_box = table.copy()
    with_box[900:990, 1750:1860] = 235  # 0.5 % of the frame, in a corner
    reference = thumbnail(noisy(table))
    assert change_score(thumbnail(noisy(table)), reference) < 6.0
    assert change_score(thumbnail(noisy(with_box)), reference) >= 6.0
    assert change_score(thumbnail(table[:540]), reference) == float("inf")  # new size


def test_options_that_make_no_sense_are_refused() -> None:
    frames, decoder = FakeFrames([]), FakeDecoder({})
    with pytest.raises(ValueError):
        camera(frames, decoder, recheck_every=0)
    with pytest.raises(ValueError):
        camera(frames, decoder, on_end="loop")
    with pytest.raises(ValueError):
        camera(frames, decoder, change_threshold=-1.0)


def test_a_change_on_a_large_table_is_decoded_where_it_happened() -> None:
    before = np.full((1080, 1920, 3), 90, np.uint8)
    after = before.copy()
    after[500:700, 1200:1400] = 250  # a box put down
    region = changed_region(thumbnail(after), thumbnail(before), 6.0, (1920, 1080))
    assert region is not None
    x, y, width, height = region
    assert x <= 1200 and y <= 500 and x + width >= 1400 and y + height >= 700
    assert width * height < 0.1 * 1920 * 1080
    assert changed_region(thumbnail(before), thumbnail(before), 6.0, (1920, 1080)) is None
    everywhere = np.full_like(before, 200)
    assert changed_region(thumbnail(everywhere), thumbnail(before), 6.0, (1920, 1080)) is None
