"""The table's arrangement: where each layer lies, at which of its sizes, whether its shopper
is using it, and the glide of a layer that must move.

It asks the layout solver for places when something changes (a product placed, moved or
lifted, a layer opened or closed, a panel touched to grow, a layer no longer in use), never per
frame. A layer touched in the last ``hold_s`` seconds is pinned: others make room around it.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

import pygame

from kiosk.scenes.layout import Anchor, Footprint, Placement, Request, Surface, solve

GLIDE_S = 0.3
LAYOUT_TIMES = 1000  # layout durations kept (a table lays out thousands of times a day)
Size = tuple[int, int]


@dataclass(frozen=True)
class Shown:
    """A layer as the scene describes it for the layout."""

    key: str
    group: str
    """The product whose shopper it belongs to (layers of one group may overlap)."""
    rotation: int
    sizes: tuple[Size, ...]
    """Screen sizes per step, before turning, full first."""
    anchor: Anchor | None
    over: str | None = None
    """The layer it opens over (a sheet over its panel)."""


@dataclass
class Place:
    """Where a layer is (its surface, shadow included, on the screen)."""

    rect: pygame.Rect
    rotation: int
    step: int


@dataclass
class Arrangement:
    """Places, uses and glides of the table's layers."""

    size: Size
    edges: tuple[str, ...]
    unit: float
    """Screen pixels per design pixel for distances on the table (not text size)."""
    hold_s: float
    animate: bool
    places: dict[str, Place] = field(default_factory=dict)
    layout_ms: deque[float] = field(default_factory=lambda: deque(maxlen=LAYOUT_TIMES))
    """How long the last layouts took (the benchmark reads it)."""
    _touched: dict[str, float] = field(default_factory=dict)
    _held: set[str] = field(default_factory=set)
    _grow: set[str] = field(default_factory=set)
    _glides: dict[str, tuple[tuple[float, float], float]] = field(default_factory=dict)
    _exact: dict[str, tuple[float, float]] = field(default_factory=dict)

    def touch(self, key: str, now: float) -> None:
        """A finger is on the layer: it stays where it is for ``hold_s`` seconds."""
        self._touched[key] = now

    def in_use(self, key: str, now: float) -> bool:
        """Touched in the last ``hold_s`` seconds."""
        touched = self._touched.get(key)
        return touched is not None and now - touched < self.hold_s

    def next_release(self, now: float) -> float | None:
        """When the next layer in use stops being held (the layout may then change)."""
        ends = [touched + self.hold_s for touched in self._touched.values()
                if touched + self.hold_s > now]
        return min(ends, default=None)

    def grow(self, key: str) -> bool:
        """Its shopper touched a smaller panel: at the next layout it takes its full size if
        that fits without covering anything; True when it is smaller now."""
        place = self.places.get(key)
        if place is None or place.step == 0:
            return False
        self._grow.add(key)
        return True

    def hold(self, key: str) -> None:
        """A shopper moved or turned the layer: it stays where they put it."""
        self._held.add(key)

    def forget(self, key: str) -> None:
        """The layer closed."""
        for table in (self.places, self._touched, self._glides, self._exact):
            table.pop(key, None)
        self._held.discard(key)
        self._grow.discard(key)

    def reset(self) -> None:
        """The session ended: layers go back to where the layout puts them."""
        self._held.clear()
        self._touched.clear()
        self._grow.clear()
        self._exact.clear()

    def arrange(self, shown: list[Shown], products: list[Footprint], now: float) -> None:
        """Lay every layer out again; layers in use stay put, and so do those a shopper moved
        unless a product now lies under them."""
        started = time.perf_counter()
        surface = Surface(self.size, self.edges, self.unit, tuple(products))
        growing = {item.key for item in shown if item.key in self._grow}
        over_products = {key for key in self._held if key in self.places and any(
            _touches(self.places[key].rect, product.center, product.radius)
            for product in products)}
        solution = solve(surface, self._requests(shown, now, growing, over_products))
        refused = {key for key in growing if self._blocked(key, solution, shown, products)}
        if refused:
            solution = solve(surface, self._requests(shown, now, growing - refused,
                                                     over_products))
        self._grow.clear()
        for item in shown:
            self._apply(item, solution[item.key], now)
        self.layout_ms.append((time.perf_counter() - started) * 1000)

    def topleft(self, key: str, now: float) -> tuple[int, int]:
        """Where the layer is drawn now: its place, or on its way there."""
        place = self.places[key]
        glide = self._glides.get(key)
        if glide is None:
            return place.rect.topleft
        (x, y), started = glide
        share = min(1.0, (now - started) / GLIDE_S)
        if share >= 1.0:
            del self._glides[key]
            return place.rect.topleft
        eased = 1 - (1 - share) ** 3
        return (round(x + (place.rect.x - x) * eased), round(y + (place.rect.y - y) * eased))

    @property
    def gliding(self) -> bool:
        """A layer is still on its way to its place."""
        return bool(self._glides)

    def move(self, key: str, dx: float, dy: float) -> None:
        """A shopper drags a layer: it stays where they leave it, on the screen."""
        place = self.places[key]
        x, y = self._exact.get(key, place.rect.topleft)
        x, y = x + dx, y + dy
        moved = pygame.Rect((round(x), round(y)), place.rect.size)
        clamped = moved.clamp(pygame.Rect((0, 0), self.size))
        self._exact[key] = (x + clamped.x - moved.x, y + clamped.y - moved.y)
        place.rect = clamped
        self._glides.pop(key, None)
        self._held.add(key)

    def turn(self, key: str, rotation: int, size: Size) -> None:
        """Two fingers turned a layer to face another side; ``size`` is its turned size."""
        place = self.places[key]
        spot = pygame.Rect((0, 0), size)
        spot.center = place.rect.center
        place.rect = spot.clamp(pygame.Rect((0, 0), self.size))
        place.rotation = rotation
        self._exact.pop(key, None)
        self._glides.pop(key, None)
        self._held.add(key)

    def _requests(self, shown: list[Shown], now: float, growing: set[str],
                  unheld: set[str]) -> list[Request]:
        """What the solver needs of each layer; ``unheld``: moved by a shopper, but free to
        move again (unless in use)."""
        requests = []
        for item in shown:
            place = self.places.get(item.key)
            rotation = place.rotation if place is not None and item.key in self._held \
                else item.rotation
            current = None
            if place is not None and place.rotation == rotation:
                current = Placement(tuple(place.rect), place.step)  # type: ignore[arg-type]
            grow = item.key in growing
            held = item.key in self._held and item.key not in unheld
            pinned = current is not None and not grow and (held or self.in_use(item.key, now))
            over = self.places.get(item.over) if item.over else None
            requests.append(Request(
                item.key, item.group, tuple(_turned(size, rotation) for size in item.sizes),
                item.anchor, current, pinned,
                first=current is None and item.over is not None,
                over=tuple(over.rect) if over is not None else None,  # type: ignore[arg-type]
                steps=(0,) if grow else None))
        return requests

    def _blocked(self, key: str, solution: dict[str, Placement], shown: list[Shown],
                 products: list[Footprint]) -> bool:
        """Whether a panel grown to full size would cover a product or another shopper's
        layer (it then stays as it was)."""
        rect = pygame.Rect(solution[key].box)
        group = next(item.group for item in shown if item.key == key)
        for item in shown:
            if item.group != group and rect.colliderect(pygame.Rect(solution[item.key].box)):
                return True
        return any(_touches(rect, product.center, product.radius) for product in products)

    def _apply(self, item: Shown, placement: Placement, now: float) -> None:
        rect = pygame.Rect(placement.box)
        place = self.places.get(item.key)
        rotation = place.rotation if place is not None and item.key in self._held \
            else item.rotation
        if place is not None and self.animate and rect.topleft != place.rect.topleft:
            self._glides[item.key] = (self.topleft(item.key, now), now)
        if place is None or rect != place.rect or place.step != placement.step \
                or place.rotation != rotation:
            self._exact.pop(item.key, None)
        self.places[item.key] = Place(rect, rotation, placement.step)


def _turned(size: Size, rotation: int) -> Size:
    return (size[1], size[0]) if rotation in (90, 270) else size


def _touches(rect: pygame.Rect, center: tuple[float, float], radius: float) -> bool:
    x = min(max(center[0], rect.left), rect.right)
    y = min(max(center[1], rect.top), rect.bottom)
    return (x - center[0]) ** 2 + (y - center[1]) ** 2 < radius * radius
