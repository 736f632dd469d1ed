"""Widgets as data: what is drawn where, its role and visible label, and what a tap does.

A layer is a cached surface turned to face one table edge. Widgets keep rectangles in the
layer's own coordinates; the layer maps them to the screen for hit-testing and the tree dump,
the way browser tests find a button by its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pygame

Rotation = int  # degrees counter-clockwise: 0 faces the bottom edge, 180 the top edge


@dataclass
class Widget:
    """One thing a shopper sees; interactive widgets have a visible ``label``."""

    role: str
    rect: pygame.Rect
    label: str = ""
    text: str = ""
    on_tap: Callable[[], None] | None = None

    def describe(self, rect: pygame.Rect) -> dict[str, object]:
        """The widget as the tree dump shows it, with its on-screen ``rect``."""
        return {"role": self.role, "label": self.label, "text": self.text,
                "rect": [rect.x, rect.y, rect.width, rect.height],
                "tappable": self.on_tap is not None}


@dataclass
class Layer:
    """A surface drawn at a place on the screen, turned by ``rotation``, with its widgets."""

    surface: pygame.Surface
    widgets: list[Widget] = field(default_factory=list)
    rotation: Rotation = 0
    topleft: tuple[int, int] = (0, 0)
    _turned: pygame.Surface | None = None

    @property
    def screen_rect(self) -> pygame.Rect:
        """Where the turned surface lies on the screen."""
        width, height = self.surface.get_size()
        if self.rotation in (90, 270):
            width, height = height, width
        return pygame.Rect(self.topleft, (width, height))

    def turned(self) -> pygame.Surface:
        """The surface as drawn on the screen (rotated once, then cached)."""
        if self._turned is None:
            self._turned = (pygame.transform.rotate(self.surface, self.rotation)
                            if self.rotation else self.surface)
        return self._turned

    def draw(self, screen: pygame.Surface) -> None:
        """Blit the layer."""
        screen.blit(self.turned(), self.topleft)

    def to_screen_point(self, x: float, y: float) -> tuple[float, float]:
        """A point of the layer's surface in screen coordinates."""
        width, height = self.surface.get_size()
        if self.rotation == 90:
            x, y = y, width - x
        elif self.rotation == 180:
            x, y = width - x, height - y
        elif self.rotation == 270:
            x, y = height - y, x
        return x + self.topleft[0], y + self.topleft[1]

    def to_local_point(self, x: float, y: float) -> tuple[float, float]:
        """A screen point in the layer's own coordinates."""
        width, height = self.surface.get_size()
        x, y = x - self.topleft[0], y - self.topleft[1]
        if self.rotation == 90:
            return width - y, x
        if self.rotation == 180:
            return width - x, height - y
        if self.rotation == 270:
            return y, height - x
        return x, y

    def to_screen_rect(self, rect: pygame.Rect) -> pygame.Rect:
        """A rectangle of the layer's surface in screen coordinates."""
        x1, y1 = self.to_screen_point(rect.left, rect.top)
        x2, y2 = self.to_screen_point(rect.right, rect.bottom)
        left, top = min(x1, x2), min(y1, y2)
        return pygame.Rect(round(left), round(top), round(abs(x2 - x1)), round(abs(y2 - y1)))

    def hit(self, x: float, y: float) -> Widget | None:
        """The topmost tappable widget under a screen point."""
        if not self.screen_rect.collidepoint(x, y):
            return None
        local = self.to_local_point(x, y)
        for widget in reversed(self.widgets):
            if widget.on_tap is not None and widget.rect.collidepoint(local):
                return widget
        return None

    def tree(self) -> list[dict[str, object]]:
        """Every widget with its on-screen rectangle and the layer's rotation."""
        return [{**widget.describe(self.to_screen_rect(widget.rect)), "rotation": self.rotation}
                for widget in self.widgets]
