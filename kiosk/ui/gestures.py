"""Raw pointers (SDL fingers, the mouse) into gestures, for several shoppers at once.

Every finger belongs to a *group* chosen by the caller when it goes down (the panel under it,
or None for the bare table). Fingers of different groups never interact, so two shoppers can
drag two panels at the same time; two fingers of the same group make a pinch.

Times are passed in, never measured, so the tracker is deterministic and easy to test.

Rotation convention: ``Pinch.rotation`` is in degrees and positive when the fingers turn
counter-clockwise *as the shopper sees it* on the screen (whose y axis grows downward), the same
convention as ``pygame.transform.rotate``; it accumulates, so two full turns read 720.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

Point = tuple[float, float]

VELOCITY_WINDOW = 0.1  # seconds of moves the release velocity is averaged over
STRAIGHTNESS = 0.8  # a swipe's straight-line travel is at least this share of its path


@dataclass(frozen=True)
class Tap:
    """A short touch that did not travel."""

    group: object
    pointer: object
    x: float
    y: float


@dataclass(frozen=True)
class Drag:
    """One finger moving; ``dx, dy`` since the previous Drag (the first one: since the start)."""

    group: object
    pointer: object
    x: float
    y: float
    dx: float
    dy: float
    start: Point


@dataclass(frozen=True)
class DragEnd:
    """The dragging finger lifted; ``vx, vy`` its release velocity in px/s."""

    group: object
    pointer: object
    x: float
    y: float
    vx: float
    vy: float
    start: Point


@dataclass(frozen=True)
class Swipe:
    """A fast, mostly straight drag, reported after its DragEnd; screen directions (y down)."""

    group: object
    pointer: object
    direction: str  # "left" | "right" | "up" | "down"
    start: Point


@dataclass(frozen=True)
class Pinch:
    """Two fingers of one group: scale and rotation since the second finger went down.

    ``rotation`` is in degrees, positive counter-clockwise as seen on the screen (y down).
    """

    group: object
    center: Point
    scale: float
    rotation: float


@dataclass(frozen=True)
class PinchEnd:
    """One of the pinching fingers lifted: the last scale and rotation, to settle on."""

    group: object
    center: Point
    scale: float
    rotation: float


Gesture = Tap | Drag | DragEnd | Swipe | Pinch | PinchEnd


@dataclass
class _Finger:
    """What the tracker remembers about one finger that is down."""

    pointer: object
    group: object
    start: Point
    t0: float
    x: float
    y: float
    history: deque[tuple[float, float, float]] = field(default_factory=deque)
    path: float = 0.0  # length travelled, to tell a straight swipe from a wiggle
    dragging: bool = False
    idle: bool = False  # a third finger, or one left over from a pinch: ignored until lifted
    pinch: _Pinch | None = None
    last_drag: Point = (0.0, 0.0)

    def velocity(self) -> Point:
        """Displacement over the last ``VELOCITY_WINDOW`` seconds (at least two samples)."""
        if len(self.history) < 2:
            return 0.0, 0.0
        t1, x1, y1 = self.history[-1]
        within = [s for s in self.history if s[0] >= t1 - VELOCITY_WINDOW]
        t0, x0, y0 = within[0] if len(within) >= 2 else self.history[-2]
        dt = t1 - t0
        if dt <= 0:
            return 0.0, 0.0
        return (x1 - x0) / dt, (y1 - y0) / dt


@dataclass
class _Pinch:
    """Two fingers of one group and the reference taken when the second went down."""

    first: _Finger
    second: _Finger
    distance0: float
    angle: float  # last on-screen angle of first -> second, counter-clockwise degrees
    scale: float = 1.0
    rotation: float = 0.0

    def update(self) -> None:
        """Follow the fingers; the rotation accumulates through +-180 instead of jumping."""
        distance, angle = _polar(self.first, self.second)
        if self.distance0 > 0:
            self.scale = distance / self.distance0
            if distance > 0:
                self.rotation += (angle - self.angle + 180.0) % 360.0 - 180.0
                self.angle = angle

    @property
    def center(self) -> Point:
        """Midway between the two fingers."""
        return (self.first.x + self.second.x) / 2, (self.first.y + self.second.y) / 2


def _polar(a: _Finger, b: _Finger) -> tuple[float, float]:
    """Distance and on-screen counter-clockwise angle (degrees) from ``a`` to ``b``; y is down."""
    dx, dy = b.x - a.x, b.y - a.y
    return math.hypot(dx, dy), math.degrees(math.atan2(-dy, dx))


def _leave_pinch(finger: _Finger, pinch: _Pinch) -> None:
    """``finger`` leaves ``pinch``; the other one is ignored until it is lifted too."""
    other = pinch.second if pinch.first is finger else pinch.first
    other.pinch, other.idle = None, True


class GestureTracker:
    """Turns pointer down/move/up into Tap, Drag, DragEnd, Swipe, Pinch and PinchEnd."""

    def __init__(self, slop: float = 30.0, tap_seconds: float = 0.8,
                 swipe_speed: float = 900.0, swipe_distance: float = 80.0) -> None:
        self.slop = slop
        self.tap_seconds = tap_seconds
        self.swipe_speed = swipe_speed
        self.swipe_distance = swipe_distance
        self._fingers: dict[object, _Finger] = {}

    @property
    def active(self) -> bool:
        """Any finger down (the idle timer should not reset the table under a hand)."""
        return bool(self._fingers)

    def down(self, pointer: object, x: float, y: float, t: float, group: object) -> list[Gesture]:
        """A finger touched; a second one in its group starts a pinch, a third is ignored."""
        self._forget(pointer)  # a lost "up": the second down is a fresh start
        finger = _Finger(pointer, group, (x, y), t, x, y, deque([(t, x, y)]), last_drag=(x, y))
        others = [f for f in self._fingers.values() if f.group == group]
        self._fingers[pointer] = finger
        if not others:
            return []
        if any(f.pinch is not None for f in others):
            finger.idle = True
            return []
        events: list[Gesture] = []
        partner = next((f for f in others if not f.idle), others[0])
        if partner.dragging:
            events.append(DragEnd(group, partner.pointer, partner.x, partner.y, 0.0, 0.0,
                                  partner.start))
        partner.dragging = partner.idle = False
        distance, angle = _polar(partner, finger)
        partner.pinch = finger.pinch = _Pinch(partner, finger, distance, angle)
        return events

    def move(self, pointer: object, x: float, y: float, t: float) -> list[Gesture]:
        """A finger moved: a Drag once past ``slop``, or a Pinch when it is one of a pair."""
        finger = self._fingers.get(pointer)
        if finger is None:
            return []
        step = math.hypot(x - finger.x, y - finger.y)
        finger.path += step
        finger.x, finger.y = x, y
        finger.history.append((t, x, y))
        while len(finger.history) > 2 and finger.history[1][0] <= t - VELOCITY_WINDOW:
            finger.history.popleft()
        if finger.pinch is not None and step > 0:
            pinch = finger.pinch
            pinch.update()
            return [Pinch(finger.group, pinch.center, pinch.scale, pinch.rotation)]
        if finger.idle or finger.pinch is not None:
            return []
        if not finger.dragging:
            if math.hypot(x - finger.start[0], y - finger.start[1]) <= self.slop:
                return []
            finger.dragging = True
        dx, dy = x - finger.last_drag[0], y - finger.last_drag[1]
        if dx == 0 and dy == 0:
            return []
        finger.last_drag = (x, y)
        return [Drag(finger.group, pointer, x, y, dx, dy, finger.start)]

    def up(self, pointer: object, x: float, y: float, t: float) -> list[Gesture]:
        """A finger lifted: Tap, DragEnd (and maybe Swipe) or PinchEnd; [] if unknown."""
        finger = self._fingers.get(pointer)
        if finger is None:
            return []
        events = self.move(pointer, x, y, t)
        del self._fingers[pointer]
        if finger.pinch is not None:
            pinch = finger.pinch
            _leave_pinch(finger, pinch)
            events.append(PinchEnd(finger.group, pinch.center, pinch.scale, pinch.rotation))
        elif finger.dragging:
            vx, vy = finger.velocity()
            events.append(DragEnd(finger.group, pointer, x, y, vx, vy, finger.start))
            direction = self._swipe(finger, vx, vy)
            if direction:
                events.append(Swipe(finger.group, pointer, direction, finger.start))
        elif not finger.idle and t - finger.t0 <= self.tap_seconds:
            events.append(Tap(finger.group, pointer, x, y))
        return events

    def cancel(self, group: object) -> None:
        """Forget every finger of ``group`` without a word (its panel closed)."""
        for finger in [f for f in self._fingers.values() if f.group == group]:
            del self._fingers[finger.pointer]

    def _forget(self, pointer: object) -> None:
        """Drop one finger silently; its pinch partner waits to be lifted, as after a PinchEnd."""
        finger = self._fingers.pop(pointer, None)
        if finger is not None and finger.pinch is not None:
            _leave_pinch(finger, finger.pinch)

    def _swipe(self, finger: _Finger, vx: float, vy: float) -> str | None:
        """The swipe's direction if the drag was fast, long and mostly straight, else None."""
        dx, dy = finger.x - finger.start[0], finger.y - finger.start[1]
        travel = math.hypot(dx, dy)
        if math.hypot(vx, vy) < self.swipe_speed or travel < self.swipe_distance:
            return None
        if travel < STRAIGHTNESS * finger.path:
            return None
        if abs(dx) >= abs(dy):
            return "right" if dx > 0 else "left"
        return "down" if dy > 0 else "up"


class Momentum:
    """Scrolling that keeps going after the finger lifts, slowing down (friction)."""

    def __init__(self, velocity: float, friction: float = 4.0, stop_below: float = 20.0) -> None:
        self.friction = friction
        self.stop_below = stop_below
        self.velocity = velocity if abs(velocity) >= stop_below else 0.0

    @property
    def moving(self) -> bool:
        """Still gliding: the caller keeps asking for frames."""
        return self.velocity != 0.0

    def step(self, dt: float) -> float:
        """Distance to move this frame (px): the exact integral of v·exp(-friction·t) over dt.

        Integrating rather than ``v * dt`` keeps the total glide (≈ v / friction) the same
        whatever the frame rate.
        """
        if not self.moving or dt <= 0:
            return 0.0
        v = self.velocity
        if self.friction > 0:
            decay = math.exp(-self.friction * dt)
            distance = v * (1.0 - decay) / self.friction
            self.velocity = v * decay
        else:
            distance = v * dt
        if abs(self.velocity) < self.stop_below:
            self.velocity = 0.0
        return distance
