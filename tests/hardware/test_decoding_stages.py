"""The decoder as stages: which run for which settings, what each is timed at, and that a new
stage is one object with a name and a ``run``."""

from __future__ import annotations

import numpy as np
import pytest

from hardware.decoding.detection import make_detection
from hardware.decoding.pipeline import Decoder
from hardware.decoding.stage import Frame, Timings
from tests.hardware.test_decode import CONTENT, scene


def names(decoder: Decoder) -> list[str]:
    return [stage.name for stage in decoder.stages]


def test_the_stages_follow_the_settings() -> None:
    assert names(Decoder()) == ["whole frame", "located", "settled", "edge check"]
    assert names(Decoder(locate_tilted=False)) == ["whole frame", "settled", "edge check"]
    assert names(Decoder(["qr", "datamatrix"])) == ["whole frame", "settled", "edge check"]
    with pytest.raises(ValueError, match="workers"):
        Decoder(workers=3)


def test_each_pass_of_a_camera_frame_is_timed_and_a_region_gets_every_option() -> None:
    decoder = Decoder()
    frame = scene([("ean13", 40, (700, 500))])
    decoder.decode(frame)
    assert {"upright pass", "datamatrix pass", "locator"} <= set(decoder.timings.seconds)
    assert "full-effort pass" not in decoder.timings.seconds
    decoder.timings.reset()
    decoder.decode(frame, region=(400, 200, 600, 600))
    assert "full-effort pass" in decoder.timings.seconds


def test_a_quick_look_is_one_light_pass_without_the_locator() -> None:
    decoder = Decoder()
    upright = scene([("ean13", 0, (700, 500))])
    (found,) = decoder.decode(upright, region=(400, 200, 600, 600), quick=True)
    assert found.gtin == CONTENT["ean13"][1]
    assert "quick pass" in decoder.timings.seconds
    assert not {"locator", "located", "full-effort pass"} & set(decoder.timings.seconds)


def test_a_second_thread_locates_while_zxing_reads_and_finds_the_same() -> None:
    frame = scene([("ean13", 40, (700, 500)), ("qr", 10, (1300, 500))])
    alone, threaded = Decoder(), Decoder(workers=2)
    assert [(d.text, d.center) for d in threaded.decode(frame)] == [
        (d.text, d.center) for d in alone.decode(frame)]
    assert threaded.timings.seconds["locator"] > 0


def test_every_stage_is_timed_per_frame_and_the_count_restarts() -> None:
    decoder = Decoder()
    frame = scene([("ean13", 40, (700, 500))])
    for _ in range(2):
        assert [d.format for d in decoder.decode(frame)] == ["ean13"]
    timings = decoder.timings
    assert timings.frames == 2
    per_frame = timings.per_frame_ms()
    assert set(names(decoder)) <= set(per_frame)
    assert all(ms > 0 for ms in per_frame.values())
    assert per_frame["whole frame"] == 1000 * timings.seconds["whole frame"] / 2
    timings.reset()
    assert timings.frames == 0 and timings.per_frame_ms() == {}


def test_the_second_opinion_is_timed_only_where_it_runs() -> None:
    tilted = scene([("ean13", 40, (700, 500))])
    with_zbar, without = Decoder(), Decoder(second_opinion=False)
    with_zbar.decode(tilted)
    without.decode(tilted)
    assert "second opinion" in with_zbar.timings.seconds
    assert "second opinion" not in without.timings.seconds


def test_nothing_decoded_times_nothing() -> None:
    decoder = Decoder()
    assert decoder.decode(np.zeros((0, 0), np.uint8)) == []
    assert decoder.timings.frames == 0 and decoder.timings.seconds == {}


class Stamp:
    """A stage of the test's own: it adds one read to every frame."""

    name = "stamp"

    def __init__(self) -> None:
        self.seen: list[tuple[int, ...]] = []

    def run(self, frame: Frame, timings: Timings) -> None:
        self.seen.append(frame.gray.shape)
        corners = np.float32([(10, 10), (60, 10), (60, 30), (10, 30)])
        frame.found.append(make_detection("qr", CONTENT["qr"][0], corners))


def test_a_stage_added_runs_on_the_region_and_its_reads_are_shifted_back() -> None:
    decoder = Decoder(["qr"])
    stamp = Stamp()
    decoder.stages.append(stamp)
    found = decoder.decode(np.full((400, 600), 200, np.uint8), region=(100, 50, 300, 200))
    assert stamp.seen == [(200, 300)]
    assert [(d.text, d.center) for d in found] == [(CONTENT["qr"][0], (135.0, 70.0))]
    assert "stamp" in decoder.timings.per_frame_ms()
