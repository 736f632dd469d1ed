"""Staff mode's controller: a long press in the configured corner opens the PIN pad; while it is
open it takes every touch (shoppers' panels wait underneath)."""

from __future__ import annotations

import datetime as dt
import math
import time

import pygame

from kiosk.config.store import StaffSettings
from kiosk.staff.gate import StaffGate
from kiosk.staff.screen import StaffActions, StaffScreen
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer

CORNER = 140   # design pixels: the square in the corner that staff press
SLOP = 30


class StaffMode:
    """Watches for the corner press and runs the staff screen."""

    def __init__(self, settings: StaffSettings, look: Look, size: tuple[int, int],
                 actions: StaffActions, locale: str,
                 gate: StaffGate | None = None) -> None:
        self._settings = settings
        self._look = look
        self._size = size
        self._actions = actions
        self._locale = locale
        self.gate = gate or StaffGate(settings.pin_hash, settings.lockout_s, time.monotonic)
        self.screen: StaffScreen | None = None
        self._holds: dict[object, tuple[float, float, float]] = {}
        self._down: dict[object, tuple[float, float]] = {}
        self._layer: Layer | None = None
        self._shade: pygame.Surface | None = None
        """The dark veil over the shoppers' table, made once while the screen is open (a
        full-screen surface)."""

    @property
    def is_open(self) -> bool:
        """The staff screen is shown (and takes every touch)."""
        return self.screen is not None

    def open(self) -> None:
        """Show the PIN pad."""
        if self.screen is None:
            self.screen = StaffScreen(self._look, self.gate, self._actions, self._locale)

    def close(self) -> None:
        """Back to the shoppers' table (the veil's 8 MB go with the screen)."""
        self.screen = None
        self._layer = None
        self._shade = None

    def pointer_down(self, pointer: object, x: float, y: float, now: float) -> bool:
        """True when staff mode takes this touch."""
        if self.is_open:
            self._down[pointer] = (x, y)
            return True
        if self._in_corner(x, y):
            self._holds[pointer] = (now, x, y)
        return False

    def pointer_move(self, pointer: object, x: float, y: float) -> None:
        """A finger that slides away from the corner is not a staff press."""
        hold = self._holds.get(pointer)
        if hold is not None and math.hypot(x - hold[1], y - hold[2]) > self._look.theme.px(SLOP):
            del self._holds[pointer]

    def pointer_up(self, pointer: object, x: float, y: float) -> bool:
        """True when staff mode took this touch (a tap on its screen, or its own press)."""
        self._holds.pop(pointer, None)
        start = self._down.pop(pointer, None)
        if not self.is_open or start is None:
            return False
        if self._layer is not None and math.hypot(x - start[0], y - start[1]) <= (
                self._look.theme.px(SLOP)):
            widget = self._layer.hit(x, y)
            if widget is not None and widget.on_tap is not None:
                widget.on_tap()
        return True

    def update(self, now: float) -> None:
        """Open the PIN pad once a corner press has lasted long enough."""
        if any(now - start >= self._settings.hold_s for start, _, _ in self._holds.values()):
            self._holds.clear()
            self.open()

    def draw(self, screen: pygame.Surface, today: dt.date) -> None:
        """The staff screen, centred over everything."""
        if self.screen is None:
            return
        if self._shade is None or self._shade.get_size() != screen.get_size():
            self._shade = pygame.Surface(screen.get_size(), pygame.SRCALPHA)
            self._shade.fill((0, 0, 0, 150))
        screen.blit(self._shade, (0, 0))
        layer = self.screen.layer(0, today)
        if layer is None:
            return  # rendered off the frame loop: shown from the next frames
        width, height = self.screen.size
        layer.topleft = ((screen.get_width() - width) // 2, (screen.get_height() - height) // 2)
        layer.draw(screen)
        self._layer = layer

    def tree(self) -> list[dict[str, object]]:
        """The staff screen's widgets, as last drawn."""
        return self._layer.tree() if self.is_open and self._layer is not None else []

    def _in_corner(self, x: float, y: float) -> bool:
        reach = self._look.theme.px(CORNER)
        vertical, horizontal = self._settings.corner.split("-")
        in_x = x <= reach if horizontal == "left" else x >= self._size[0] - reach
        in_y = y <= reach if vertical == "top" else y >= self._size[1] - reach
        return in_x and in_y
