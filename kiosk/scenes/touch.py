"""Fingers on the table, turned into what shoppers mean: tap, scroll, swipe, move, turn.

Each finger belongs to the layer (panel) it first touched, so shoppers around the table never
disturb each other. One finger on a section scrolls it (with momentum), elsewhere on a panel
moves the panel; a swipe on the photo changes photo; two fingers on a panel turn it to face
another side of the table; two fingers on the photo zoom it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kiosk.ui.gestures import (
    Drag,
    DragEnd,
    Gesture,
    GestureTracker,
    Momentum,
    Pinch,
    PinchEnd,
    Swipe,
    Tap,
)
from kiosk.ui.widgets import Layer, Viewport, local_delta

SWIPE_TURNS = {"left": 1, "right": -1, "up": 1, "down": -1}
ZOOM_IN = 1.35


class TouchTarget(Protocol):
    """What the router needs from the scene."""

    def layer_at(self, x: float, y: float) -> tuple[str, Layer] | None:
        """The topmost layer under a point, with its key."""

    def raise_layer(self, key: str) -> None:
        """Draw this layer above the others (it is being used)."""

    def touched(self, key: str, now: float) -> None:
        """A finger is on this layer: it must not move under it."""

    def released(self, key: str) -> None:
        """The last finger on this layer lifted."""

    def settle_layer(self, key: str) -> None:
        """A shopper finished dragging this layer."""

    def move_layer(self, key: str, dx: float, dy: float) -> None:
        """The shopper drags a panel."""

    def turn_layer(self, key: str, degrees: float) -> None:
        """Two fingers turned a panel by ``degrees`` (counter-clockwise)."""

    def swipe_gallery(self, key: str, step: int) -> None:
        """Next or previous photo of a panel."""

    def zoom_gallery(self, key: str, zoom_in: bool) -> None:
        """Two fingers spread (or pinched) on a panel's photo."""


@dataclass
class _Touch:
    """What a group of fingers started on."""

    key: str
    layer: Layer
    viewport: Viewport | None
    on_gallery: bool


class TouchRouter:
    """Feeds pointers to a gesture tracker and applies the gestures to the scene."""

    def __init__(self, scene: TouchTarget, slop: float, momentum: bool) -> None:
        self._scene = scene
        self._tracker = GestureTracker(slop=slop)
        self._touches: dict[str, _Touch] = {}
        self._pointer_key: dict[object, str | None] = {}
        self._glides: dict[int, tuple[Viewport, Momentum]] = {}
        self._momentum = momentum

    @property
    def active(self) -> bool:
        """A finger is on the table, or a list is still gliding."""
        return self._tracker.active or bool(self._glides)

    def down(self, pointer: object, x: float, y: float, t: float) -> bool:
        """A finger touched; True when it landed on a panel."""
        found = self._scene.layer_at(x, y)
        key = found[0] if found else None
        self._pointer_key[pointer] = key
        if found is not None:
            layer = found[1]
            self._scene.raise_layer(found[0])
            self._scene.touched(found[0], t)
            viewport = layer.viewport_at(x, y)
            if viewport is not None:
                self._glides.pop(id(viewport), None)
            if key not in self._touches:
                local = layer.to_local_point(x, y)
                on_gallery = any(widget.role == "gallery" and rect.collidepoint(local)
                                 for widget, rect in layer.visible_widgets())
                self._touches[found[0]] = _Touch(found[0], layer, viewport, on_gallery)
        self._apply(self._tracker.down(pointer, x, y, t, key))
        return found is not None

    def move(self, pointer: object, x: float, y: float, t: float) -> None:
        """A finger moved."""
        self._apply(self._tracker.move(pointer, x, y, t))

    def up(self, pointer: object, x: float, y: float, t: float) -> bool:
        """A finger lifted; True when it was a tap that something took."""
        key = self._pointer_key.get(pointer)
        if key is not None:
            self._scene.touched(key, t)
        taken = self._apply(self._tracker.up(pointer, x, y, t))
        self._pointer_key.pop(pointer, None)
        if key is not None and key not in self._pointer_key.values():
            self._touches.pop(key, None)
            self._scene.released(key)
        return taken

    def forget(self, key: str) -> None:
        """A layer went away: its fingers no longer mean anything."""
        self._tracker.cancel(key)
        self._touches.pop(key, None)

    def glide(self, dt: float) -> None:
        """Move lists that are still gliding after a flick."""
        for ident, (viewport, momentum) in list(self._glides.items()):
            if not viewport.scroll_by(-momentum.step(dt)) or not momentum.moving:
                del self._glides[ident]

    def _apply(self, gestures: list[Gesture]) -> bool:
        taken = False
        for gesture in gestures:
            touch = self._touches.get(gesture.group) if isinstance(gesture.group, str) else None
            if isinstance(gesture, Tap):
                taken |= self._tap(gesture)
            elif touch is None:
                continue
            elif isinstance(gesture, Drag):
                self._drag(touch, gesture)
            elif isinstance(gesture, DragEnd):
                self._release(touch, gesture)
            elif isinstance(gesture, Swipe) and touch.on_gallery:
                self._scene.swipe_gallery(touch.key, self._turn_of(touch, gesture.direction))
            elif isinstance(gesture, PinchEnd):
                self._pinched(touch, gesture)
            elif isinstance(gesture, Pinch):
                continue
        return taken

    def _tap(self, tap: Tap) -> bool:
        found = self._scene.layer_at(tap.x, tap.y)
        if found is None:
            return False
        widget = found[1].hit(tap.x, tap.y)
        if widget is None or widget.on_tap is None:
            return False
        widget.on_tap()
        return True

    def _drag(self, touch: _Touch, drag: Drag) -> None:
        if touch.on_gallery:
            return
        if touch.viewport is not None and touch.viewport.max_offset > 0:
            dx, dy = local_delta(drag.dx, drag.dy, touch.layer.rotation)
            touch.viewport.scroll_by(-(dy if touch.viewport.axis == "y" else dx))
        else:
            self._scene.move_layer(touch.key, drag.dx, drag.dy)

    def _release(self, touch: _Touch, end: DragEnd) -> None:
        if touch.viewport is None or touch.viewport.max_offset == 0:
            if not touch.on_gallery:
                self._scene.settle_layer(touch.key)
        viewport = touch.viewport
        if not self._momentum or viewport is None or viewport.max_offset == 0 or touch.on_gallery:
            return
        vx, vy = local_delta(end.vx, end.vy, touch.layer.rotation)
        glide = Momentum(vy if viewport.axis == "y" else vx)
        if glide.moving:
            self._glides[id(viewport)] = (viewport, glide)

    def _pinched(self, touch: _Touch, end: PinchEnd) -> None:
        if touch.on_gallery and abs(end.scale - 1) > abs(end.rotation) / 90:
            if end.scale >= ZOOM_IN or end.scale <= 1 / ZOOM_IN:
                self._scene.zoom_gallery(touch.key, end.scale > 1)
        elif abs(end.rotation) >= 45:
            self._scene.turn_layer(touch.key, end.rotation)

    def _turn_of(self, touch: _Touch, direction: str) -> int:
        """A screen swipe direction as next/previous photo for the panel's reader."""
        vectors = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}
        dx, dy = local_delta(*vectors[direction], touch.layer.rotation)
        if abs(dx) >= abs(dy):
            return 1 if dx < 0 else -1
        return 1 if dy < 0 else -1
