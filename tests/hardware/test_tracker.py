"""The tracker: detections become Placed/Removed, with jitter and misreads ignored."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.decoding.detection import Detection
from hardware.events import Placed, Removed
from hardware.tracker import Tracker, angle_between

KNOWN = "4006381333931"  # EAN-13, in the catalog
OTHER = "9780201379624"  # EAN-13, in the catalog
UNKNOWN = "5012345678900"  # valid check digit, not in the catalog
CATALOG = {code.zfill(14) for code in (KNOWN, OTHER)}
PIXELS = np.diag([1 / 1000, 1 / 500, 1.0])  # a 1000x500 camera that sees exactly the table


def det(code: str, x: float, y: float, angle: float = 0.0, size: float = 40.0,
        gtin: str | None = "auto") -> Detection:
    """A square code of ``size`` pixels centred on ``x, y``."""
    half = size / 2
    corners = ((x - half, y - half), (x + half, y - half), (x + half, y + half),
               (x - half, y + half))
    if gtin == "auto":
        gtin = code.zfill(14) if code.isdigit() else None
    return Detection("ean13", code, gtin, corners, (x, y), angle)


def tracker(homography: np.ndarray = PIXELS, absent_s: float = 0.7) -> Tracker:
    return Tracker("camera", homography, CATALOG.__contains__, absent_s=absent_s)


def test_a_known_product_is_placed_on_first_sight() -> None:
    assert tracker().update([det(KNOWN, 500, 125, 30)], 1.5) == [
        Placed(KNOWN.zfill(14), "camera", pytest.approx((0.5, 0.25)), pytest.approx(30), 1.5)]


def test_an_unknown_code_needs_two_agreeing_frames() -> None:
    table = tracker()
    assert table.update([det(UNKNOWN, 100, 100)], 0.0) == []
    placed = table.update([det(UNKNOWN, 104, 101)], 0.033)
    assert [(e.code, e.position) for e in placed] == [
        (UNKNOWN.zfill(14), pytest.approx((0.104, 0.202)))]
    assert table.tracked() == [UNKNOWN.zfill(14)]


def test_an_unknown_code_seen_in_frames_that_disagree_is_not_trusted() -> None:
    table = tracker()
    assert table.update([det(UNKNOWN, 100, 100)], 0.0) == []
    assert table.update([], 0.03) == []  # not consecutive
    assert table.update([det(UNKNOWN, 100, 100)], 0.06) == []
    assert table.update([det(UNKNOWN, 900, 400)], 0.09) == []  # far from the first look
    assert len(table.update([det(UNKNOWN, 901, 400)], 0.12)) == 1


def test_codes_without_a_valid_gtin_are_ignored() -> None:
    table = tracker()
    for t in (0.0, 0.1, 0.2):
        assert table.update([det("https://example.com/menu", 10, 10),
                             det("4006381333932", 50, 50, gtin="04006381333932"),
                             det("ABC-123", 90, 90)], t) == []
    assert table.tracked() == [] and table.regions() == []


def test_a_move_or_turn_is_a_new_placed_but_jitter_is_not() -> None:
    table = tracker()
    table.update([det(KNOWN, 500, 250, 10)], 0.0)
    assert table.update([det(KNOWN, 504, 252, 13)], 0.1) == []  # 0.4 % and 3°
    moved = table.update([det(KNOWN, 600, 250, 10)], 0.2)
    assert [(e.position, e.t) for e in moved] == [(pytest.approx((0.6, 0.5)), 0.2)]
    turned = table.update([det(KNOWN, 600, 250, 40)], 0.3)
    assert [e.angle for e in turned] == [pytest.approx(40)]
    assert table.update([det(KNOWN, 600, 250, 37)], 0.4) == []


def test_slow_drift_adds_up_to_a_move() -> None:
    table = tracker()
    table.update([det(KNOWN, 500, 250)], 0.0)
    events = [table.update([det(KNOWN, 500 + 8 * step, 250)], step / 10) for step in range(1, 6)]
    assert [len(batch) for batch in events] == [0, 0, 0, 1, 0]  # 32 px > 3 % of 1000 px


def test_a_product_is_removed_once_unseen_for_absent_s() -> None:
    table = tracker(absent_s=0.7)
    table.update([det(KNOWN, 500, 250)], 10.0)
    table.update([det(KNOWN, 500, 250)], 10.2)
    assert table.update([], 10.5) == []
    assert table.expire(10.8) == []
    assert table.update([], 10.9) == [Removed(KNOWN.zfill(14), "camera", 10.9)]
    assert table.tracked() == []
    assert table.update([], 12.0) == []


def test_several_products_at_once_come_and_go_independently() -> None:
    table = tracker()
    both = table.update([det(KNOWN, 100, 100), det(OTHER, 800, 400, 90)], 0.0)
    assert {e.code for e in both} == {KNOWN.zfill(14), OTHER.zfill(14)}
    assert table.update([det(OTHER, 800, 400, 90)], 0.5) == []
    assert table.update([det(OTHER, 800, 400, 90)], 0.8) == [
        Removed(KNOWN.zfill(14), "camera", 0.8)]
    assert table.tracked() == [OTHER.zfill(14)]


def test_one_product_showing_its_code_twice_is_one_product() -> None:
    table = tracker()
    events = table.update([det(KNOWN, 100, 100, size=20), det(KNOWN, 700, 300, size=60)], 0.0)
    assert [e.position for e in events] == [pytest.approx((0.7, 0.6))]  # the larger code
    # Later frames keep following the side it was placed by, without jumping between sides.
    assert table.update([det(KNOWN, 100, 100, size=80), det(KNOWN, 701, 300)], 0.1) == []
    assert table.tracked() == [KNOWN.zfill(14)]


def test_a_still_recheck_keeps_products_where_the_full_decode_put_them() -> None:
    table = tracker()
    table.update([det(KNOWN, 500, 250, 10)], 0.0)
    table.update([det(UNKNOWN, 100, 100)], 0.1)  # KNOWN missed here: only UNKNOWN's first look
    regions = table.regions()
    # Crops decode boxes a bit off; on a still table that is no move, and it keeps them alive.
    assert table.update([det(KNOWN, 540, 230, 25, size=10), det(UNKNOWN, 140, 90)], 0.6,
                        still=True) == [Placed(UNKNOWN.zfill(14), "camera",
                                               pytest.approx((0.1, 0.2)), 0.0, 0.6)]
    assert table.regions() == regions
    assert table.update([], 1.2) == []  # seen at 0.6, so not gone yet
    assert {e.code for e in table.update([], 1.3)} == {KNOWN.zfill(14), UNKNOWN.zfill(14)}


def test_regions_surround_tracked_products_and_codes_awaiting_a_second_look() -> None:
    table = tracker()
    table.update([det(KNOWN, 500, 250), det(UNKNOWN, 10, 10, size=10)], 0.0)
    assert table.regions() == [(456, 206, 88, 88), (0, 0, 31, 31)]  # 0.6 x 40 px; 16 px least
    assert table.regions(margin=0.0) == [(464, 214, 72, 72), (0, 0, 31, 31)]
    with pytest.raises(ValueError):
        table.regions(margin=-1)


def test_clear_removes_everything_at_once() -> None:
    table = tracker()
    table.update([det(KNOWN, 100, 100), det(OTHER, 200, 200)], 0.0)
    assert [e.code for e in table.clear(0.1)] == [KNOWN.zfill(14), OTHER.zfill(14)]
    assert table.tracked() == []


TABLE_CORNERS_PX = np.float32([(150, 70), (1770, 70), (1830, 1010), (90, 1010)])
"""Where a 16:9 table's corners (TL, TR, BR, BL) appear in a 1920x1080 camera at an angle."""


def perspective() -> np.ndarray:
    """Camera pixels -> table fractions for TABLE_CORNERS_PX."""
    unit = np.float32([(0, 0), (1, 0), (1, 1), (0, 1)])
    return cv2.getPerspectiveTransform(TABLE_CORNERS_PX, unit).astype(np.float64)


def to_pixels(homography: np.ndarray, x: float, y: float) -> tuple[float, float]:
    u, v, w = np.linalg.inv(homography) @ np.array([x, y, 1.0])
    return float(u / w), float(v / w)


@pytest.mark.parametrize("table_angle", [0.0, 30.0, 90.0, -135.0, 179.0])
def test_perspective_maps_positions_and_corrects_angles(table_angle: float) -> None:
    homography = perspective()
    aspect = 16 / 9
    spot = (0.25, 0.75)
    step = 0.001
    ahead = (spot[0] + step * math.cos(math.radians(table_angle)) / aspect,
             spot[1] - step * math.sin(math.radians(table_angle)))
    (x0, y0), (x1, y1) = to_pixels(homography, *spot), to_pixels(homography, *ahead)
    camera_angle = math.degrees(math.atan2(-(y1 - y0), x1 - x0))
    [placed] = tracker(homography).update([det(KNOWN, x0, y0, camera_angle)], 0.0)
    assert isinstance(placed, Placed)
    assert placed.position == pytest.approx(spot, abs=1e-6)
    assert angle_between(placed.angle, table_angle) < 1.0


def test_positions_beyond_the_table_are_clamped() -> None:
    [placed] = tracker(perspective()).update([det(KNOWN, 5, 1075)], 0.0)
    assert isinstance(placed, Placed) and placed.position == (0.0, 1.0)


def test_a_homography_that_maps_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="singular"):
        tracker(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="3x3"):
        tracker(np.eye(2))


@settings(max_examples=60, deadline=None)
@given(turn=st.floats(-180, 180), scale=st.floats(0.2, 5), width=st.floats(0.5, 3),
       height=st.floats(0.5, 3), angle=st.floats(-360, 360),
       spot=st.tuples(st.floats(0.05, 0.95), st.floats(0.05, 0.95)))
def test_a_camera_turned_over_the_table_turns_angles_by_the_same_amount(
        turn: float, scale: float, width: float, height: float, angle: float,
        spot: tuple[float, float]) -> None:
    """Camera pixels -> physical table (rotate ccw by ``turn``, scale) -> fractions."""
    radians = math.radians(turn)
    rotate = np.array([[math.cos(radians), math.sin(radians), 0],
                       [-math.sin(radians), math.cos(radians), 0], [0, 0, 1]])
    to_fractions = np.diag([1 / width, 1 / height, 1.0])
    homography = to_fractions @ np.diag([scale / 1000, scale / 1000, 1.0]) @ rotate
    x, y = to_pixels(homography, *spot)
    [placed] = tracker(homography).update([det(KNOWN, x, y, angle)], 0.0)
    assert isinstance(placed, Placed)
    assert placed.position == pytest.approx(spot, abs=1e-6)
    assert angle_between(placed.angle, angle + turn) < 1e-6


frames_of_sightings = st.lists(
    st.tuples(st.lists(st.tuples(st.sampled_from([KNOWN, OTHER, UNKNOWN]),
                                 st.integers(0, 1000), st.integers(0, 500),
                                 st.integers(-180, 180)), max_size=4),
              st.floats(0.0, 0.5)),
    max_size=30)


@settings(max_examples=80, deadline=None)
@given(frames=frames_of_sightings)
def test_events_always_tell_a_consistent_story(
        frames: list[tuple[list[tuple[str, int, int, int]], float]]) -> None:
    """Whatever the camera sees: Removed only after Placed, tracked() is placed minus removed,
    positions stay on the table, and everything goes once nothing is seen for absent_s."""
    table = tracker()
    on_table: set[str] = set()
    t = 0.0
    for sightings, gap in frames:
        t += gap
        for event in table.update([det(code, x, y, a) for code, x, y, a in sightings], t):
            if isinstance(event, Removed):
                assert event.code in on_table
                on_table.discard(event.code)
            else:
                assert 0 <= event.position[0] <= 1 and 0 <= event.position[1] <= 1
                on_table.add(event.code)
            assert event.t == t
        assert set(table.tracked()) == on_table
    final = table.update([], t + 0.7)
    assert {e.code for e in final} == on_table and table.tracked() == []
