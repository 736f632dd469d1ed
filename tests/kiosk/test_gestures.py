"""Pointers become gestures: taps, drags, swipes and pinches, several shoppers at once."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.ui.gestures import (
    Drag,
    DragEnd,
    GestureTracker,
    Momentum,
    Pinch,
    PinchEnd,
    Swipe,
    Tap,
)


def glide(tracker: GestureTracker, pointer: object, start: tuple[float, float],
          end: tuple[float, float], t0: float, seconds: float, steps: int) -> list[object]:
    """Move ``pointer`` in a straight line at constant speed; every gesture on the way."""
    events: list[object] = []
    for i in range(1, steps + 1):
        f = i / steps
        x = start[0] + (end[0] - start[0]) * f
        y = start[1] + (end[1] - start[1]) * f
        events += tracker.move(pointer, x, y, t0 + seconds * f)
    return events


def test_a_short_touch_that_stays_put_is_a_tap() -> None:
    tracker = GestureTracker()
    assert tracker.down(1, 100, 100, 0.0, "panel") == []
    assert tracker.move(1, 105, 98, 0.05) == []
    assert tracker.up(1, 104, 99, 0.2) == [Tap("panel", 1, 104, 99)]
    assert not tracker.active


def test_a_slow_long_press_is_not_a_tap() -> None:
    tracker = GestureTracker(tap_seconds=0.8)
    tracker.down(1, 100, 100, 0.0, None)
    assert tracker.up(1, 100, 100, 1.5) == []


def test_a_touch_that_travelled_and_came_back_is_not_a_tap() -> None:
    tracker = GestureTracker(slop=30)
    tracker.down(1, 100, 100, 0.0, None)
    tracker.move(1, 160, 100, 0.1)
    events = tracker.up(1, 100, 100, 0.2)
    assert not any(isinstance(e, Tap) for e in events)


def test_drag_deltas_add_up_to_the_whole_travel() -> None:
    tracker = GestureTracker(slop=30)
    tracker.down("mouse", 10, 20, 0.0, None)
    events = []
    for i, (x, y) in enumerate([(15, 22), (30, 31), (55, 40), (90, 5), (91, 5), (200, 300)]):
        events += tracker.move("mouse", x, y, 0.1 * (i + 1))
    drags = [e for e in events if isinstance(e, Drag)]
    assert len(drags) == 4  # the first two moves stay within the slop
    assert math.isclose(sum(d.dx for d in drags), 200 - 10)
    assert math.isclose(sum(d.dy for d in drags), 300 - 20)
    assert drags[0].dx == 55 - 10 and drags[0].dy == 40 - 20  # the crossing loses nothing
    assert all(d.start == (10, 20) for d in drags)
    assert (drags[-1].x, drags[-1].y) == (200, 300)


def test_release_velocity_of_a_steady_move() -> None:
    tracker = GestureTracker()
    tracker.down(1, 0, 500, 0.0, None)
    glide(tracker, 1, (0, 500), (500, 500), 0.0, 0.5, 50)  # 1000 px/s to the right
    events = tracker.up(1, 500, 500, 0.5)
    end = next(e for e in events if isinstance(e, DragEnd))
    assert end.vx == pytest.approx(1000, rel=0.01)
    assert end.vy == pytest.approx(0, abs=1e-6)
    assert end.start == (0, 500) and (end.x, end.y) == (500, 500)


def test_release_velocity_follows_the_last_tenth_of_a_second() -> None:
    tracker = GestureTracker()
    tracker.down(1, 0, 0, 0.0, None)
    glide(tracker, 1, (0, 0), (0, 400), 0.0, 1.0, 100)  # slowly down, 400 px/s
    glide(tracker, 1, (0, 400), (-300, 400), 1.0, 0.2, 20)  # then quickly left, 1500 px/s
    end = tracker.up(1, -300, 400, 1.2)[0]
    assert isinstance(end, DragEnd)
    assert end.vx == pytest.approx(-1500, rel=0.01)
    assert end.vy == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize(("end", "direction"), [
    ((600, 500), "right"), ((400, 500), "left"), ((500, 400), "up"), ((500, 600), "down"),
])
def test_a_fast_straight_flick_is_a_swipe(end: tuple[float, float], direction: str) -> None:
    tracker = GestureTracker(swipe_speed=900, swipe_distance=80)
    tracker.down(7, 500, 500, 0.0, "panel")
    glide(tracker, 7, (500, 500), end, 0.0, 0.05, 5)  # 100 px in 50 ms: 2000 px/s
    events = tracker.up(7, *end, 0.05)
    assert [type(e) for e in events] == [DragEnd, Swipe]
    assert events[1] == Swipe("panel", 7, direction, (500, 500))


def test_a_slow_drag_is_not_a_swipe() -> None:
    tracker = GestureTracker()
    tracker.down(1, 0, 0, 0.0, None)
    glide(tracker, 1, (0, 0), (300, 0), 0.0, 1.0, 50)  # 300 px/s
    events = tracker.up(1, 300, 0, 1.0)
    assert [type(e) for e in events] == [DragEnd]


def test_a_fast_but_short_flick_is_not_a_swipe() -> None:
    tracker = GestureTracker(swipe_distance=80)
    tracker.down(1, 0, 0, 0.0, None)
    glide(tracker, 1, (0, 0), (60, 0), 0.0, 0.02, 4)  # 3000 px/s, only 60 px
    assert [type(e) for e in tracker.up(1, 60, 0, 0.02)] == [DragEnd]


def test_a_fast_bent_flick_is_not_a_swipe() -> None:
    tracker = GestureTracker()
    tracker.down(1, 0, 0, 0.0, None)
    glide(tracker, 1, (0, 0), (200, 0), 0.0, 0.1, 10)  # right, then sharply down, 2000 px/s
    glide(tracker, 1, (200, 0), (200, 200), 0.1, 0.1, 10)
    assert [type(e) for e in tracker.up(1, 200, 200, 0.2)] == [DragEnd]


def test_two_groups_at_once_are_independent() -> None:
    tracker = GestureTracker()
    assert tracker.down("a", 100, 100, 0.0, "left panel") == []
    assert tracker.down("b", 900, 100, 0.01, "right panel") == []
    a_events: list[object] = []
    b_events: list[object] = []
    for i in range(1, 11):
        a_events += tracker.move("a", 100 + 20 * i, 100, 0.1 * i)
        b_events += tracker.move("b", 900, 100 + 10 * i, 0.1 * i + 0.01)
    a_events += tracker.up("a", 300, 100, 1.1)
    b_events += tracker.up("b", 900, 200, 1.11)
    assert not any(isinstance(e, (Pinch, PinchEnd)) for e in a_events + b_events)
    a_drags = [e for e in a_events if isinstance(e, Drag)]
    b_drags = [e for e in b_events if isinstance(e, Drag)]
    assert {e.group for e in a_drags} == {"left panel"} and {e.pointer for e in a_drags} == {"a"}
    assert {e.group for e in b_drags} == {"right panel"}
    assert sum(d.dx for d in a_drags) == 200 and sum(d.dy for d in a_drags) == 0
    assert sum(d.dx for d in b_drags) == 0 and sum(d.dy for d in b_drags) == 100
    assert isinstance(a_events[-1], DragEnd) and isinstance(b_events[-1], DragEnd)


def test_pinch_scale_doubles_with_the_distance() -> None:
    tracker = GestureTracker()
    tracker.down(1, 400, 300, 0.0, "panel")
    tracker.down(2, 500, 300, 0.1, "panel")
    assert tracker.move(1, 350, 300, 0.2) == [Pinch("panel", (425, 300), 1.5, 0.0)]
    pinch = tracker.move(2, 550, 300, 0.3)[0]
    assert isinstance(pinch, Pinch)
    assert pinch.scale == pytest.approx(2.0)
    assert pinch.rotation == pytest.approx(0.0)
    assert pinch.center == (450, 300)
    end = tracker.up(2, 550, 300, 0.4)
    assert end == [PinchEnd("panel", (450, 300), pytest.approx(2.0), pytest.approx(0.0))]


@pytest.mark.parametrize(("y", "rotation"), [(200, 90.0), (400, -90.0)])
def test_pinch_rotation_is_counter_clockwise_positive_on_screen(y: float,
                                                                rotation: float) -> None:
    """Fingers at (400, 300) and (500, 300); the second goes above (y=200) or below (y=400)."""
    tracker = GestureTracker()
    tracker.down(1, 400, 300, 0.0, None)
    tracker.down(2, 500, 300, 0.1, None)
    events = []
    for i in range(1, 10):  # a quarter turn around the first finger, 10 degrees at a time
        a = math.radians(10 * i) * (1 if y < 300 else -1)
        events += tracker.move(2, 400 + 100 * math.cos(a), 300 - 100 * math.sin(a), 0.1 + i / 100)
    events += tracker.move(2, 400, y, 0.2)
    assert events[-1].rotation == pytest.approx(rotation)
    assert events[-1].scale == pytest.approx(1.0)


def test_pinch_rotation_accumulates_past_a_half_turn() -> None:
    tracker = GestureTracker()
    tracker.down(1, 0, 0, 0.0, None)
    tracker.down(2, 100, 0, 0.0, None)
    last = None
    for i in range(1, 28):  # 270 degrees counter-clockwise on screen
        a = math.radians(10 * i)
        last = tracker.move(2, 100 * math.cos(a), -100 * math.sin(a), i / 100)[0]
    assert isinstance(last, Pinch)
    assert last.rotation == pytest.approx(270.0)


def test_a_second_finger_ends_the_drag_and_starts_a_pinch() -> None:
    tracker = GestureTracker()
    tracker.down(1, 100, 100, 0.0, "panel")
    glide(tracker, 1, (100, 100), (300, 100), 0.0, 0.1, 10)
    events = tracker.down(2, 300, 300, 0.2, "panel")
    assert events == [DragEnd("panel", 1, 300, 100, 0.0, 0.0, (100, 100))]
    assert isinstance(tracker.move(1, 300, 90, 0.3)[0], Pinch)


def test_after_a_pinch_the_other_finger_neither_drags_nor_taps_until_put_down_again() -> None:
    tracker = GestureTracker()
    tracker.down(1, 100, 100, 0.0, None)
    tracker.down(2, 200, 100, 0.05, None)
    assert tracker.up(2, 200, 100, 0.1) == [PinchEnd(None, (150, 100), 1.0, 0.0)]
    assert tracker.move(1, 400, 400, 0.2) == []
    assert tracker.up(1, 400, 400, 0.3) == []
    tracker.down(1, 100, 100, 0.4, None)
    assert isinstance(tracker.move(1, 400, 100, 0.5)[0], Drag)


def test_pinching_fingers_lifted_quickly_are_not_taps() -> None:
    tracker = GestureTracker()
    tracker.down(1, 100, 100, 0.0, None)
    tracker.down(2, 110, 100, 0.01, None)
    events = tracker.up(1, 100, 100, 0.02) + tracker.up(2, 110, 100, 0.03)
    assert not any(isinstance(e, Tap) for e in events)


def test_a_third_finger_in_a_group_is_ignored() -> None:
    tracker = GestureTracker()
    tracker.down(1, 100, 100, 0.0, "panel")
    tracker.down(2, 200, 100, 0.0, "panel")
    assert tracker.down(3, 500, 500, 0.1, "panel") == []
    assert tracker.move(3, 800, 800, 0.2) == []
    assert tracker.up(3, 500, 500, 0.3) == []
    assert tracker.move(2, 300, 100, 0.4) == [Pinch("panel", (200, 100), 2.0, 0.0)]


def test_cancel_forgets_the_fingers_of_one_group_only() -> None:
    tracker = GestureTracker()
    tracker.down(1, 100, 100, 0.0, "closing")
    tracker.down(2, 200, 100, 0.0, "closing")
    tracker.down(3, 900, 900, 0.0, "other")
    tracker.cancel("closing")
    assert tracker.move(1, 500, 500, 0.1) == [] and tracker.up(1, 500, 500, 0.1) == []
    assert tracker.up(2, 200, 100, 0.1) == []
    assert tracker.active
    assert tracker.up(3, 900, 900, 0.1) == [Tap("other", 3, 900, 900)]
    assert not tracker.active


def test_unknown_pointers_are_ignored() -> None:
    tracker = GestureTracker()
    assert tracker.up("ghost", 1, 2, 0.0) == []
    assert tracker.move("ghost", 1, 2, 0.0) == []
    assert not tracker.active


def test_a_pointer_put_down_twice_starts_afresh() -> None:
    tracker = GestureTracker(slop=30)
    tracker.down(1, 0, 0, 0.0, None)
    tracker.down(1, 500, 500, 5.0, None)  # its "up" was lost
    assert tracker.move(1, 510, 500, 5.1) == []
    assert tracker.up(1, 510, 500, 5.2) == [Tap(None, 1, 510, 500)]


@pytest.mark.parametrize("velocity", [1000.0, -1500.0])
def test_momentum_decays_glides_about_v_over_friction_and_stops(velocity: float) -> None:
    momentum = Momentum(velocity, friction=4.0, stop_below=20.0)
    steps = []
    while momentum.moving and len(steps) < 10_000:
        steps.append(momentum.step(1 / 60))
    assert not momentum.moving and len(steps) < 10_000
    assert all(math.copysign(1, s) == math.copysign(1, velocity) for s in steps)
    assert all(abs(b) < abs(a) for a, b in itertools.pairwise(steps))
    assert sum(steps) == pytest.approx(velocity / 4.0, rel=0.05)
    assert momentum.step(1 / 60) == 0.0


def test_momentum_decays_exponentially_whatever_the_frame_rate() -> None:
    coarse, fine = Momentum(1000.0, friction=4.0), Momentum(1000.0, friction=4.0)
    first = coarse.step(0.25)
    assert first == pytest.approx(1000 / 4 * (1 - math.exp(-1)), rel=0.01)
    assert sum(fine.step(0.25 / 15) for _ in range(15)) == pytest.approx(first)


def test_momentum_too_slow_to_start_does_not_move() -> None:
    momentum = Momentum(10.0, stop_below=20.0)
    assert not momentum.moving
    assert momentum.step(0.1) == 0.0


POINTERS = st.sampled_from(["mouse", 1, 2, 3, 4])
COORD = st.floats(min_value=-2000, max_value=4000, allow_nan=False)
ACTION = st.tuples(st.sampled_from(["down", "move", "up"]), POINTERS, COORD, COORD,
                   st.floats(min_value=0, max_value=0.5, allow_nan=False),
                   st.sampled_from([None, "a", "b"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(ACTION, max_size=60))
def test_random_pointer_sequences_never_raise_and_end_inactive(actions: list) -> None:
    tracker = GestureTracker()
    t = 0.0
    for kind, pointer, x, y, dt, group in actions:
        t += dt
        if kind == "down":
            events = tracker.down(pointer, x, y, t, group)
        elif kind == "move":
            events = tracker.move(pointer, x, y, t)
        else:
            events = tracker.up(pointer, x, y, t)
        assert isinstance(events, list)
        for event in events:
            assert isinstance(event, (Tap, Drag, DragEnd, Swipe, Pinch, PinchEnd))
            if isinstance(event, (Pinch, PinchEnd)):
                assert math.isfinite(event.scale) and math.isfinite(event.rotation)
    for pointer in ["mouse", 1, 2, 3, 4]:
        tracker.up(pointer, 0, 0, t + 1)
    assert not tracker.active
