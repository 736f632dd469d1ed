"""Widgets as data: what is drawn where, its role and visible label, and what a tap does.

A layer is a cached surface turned to face one table edge. Widgets keep rectangles in the
layer's own coordinates; the layer maps them to the screen for hit-testing and the tree dump,
the way browser tests find a button by its name.
"""

from __future__ import annotations

import itertools
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
    size: int = 0
    """Design text size in pixels at 1080 lines (0: no text of its own), for legibility checks."""

    def describe(self, rect: pygame.Rect, scale: float = 1.0,
                 covered: bool = False) -> dict[str, object]:
        """The widget as the tree dump shows it: its on-screen ``rect``, the text size drawn
        (design size times the screen's ``scale``), and whether another layer hides it."""
        return {"role": self.role, "label": self.label, "text": self.text,
                "rect": [rect.x, rect.y, rect.width, rect.height],
                "tappable": self.on_tap is not None and not covered,
                "text_px": round(self.size * scale), "covered": covered}


FADE_DEPTH = 44  # pixels over which scrolled content fades out at an edge


def _fade(size: tuple[int, int], axis: str, edge: str, color: pygame.Color,
          rotation: Rotation) -> pygame.Surface:
    """A band of ``color`` going from clear to opaque toward the window's ``edge``."""
    band = pygame.Surface(size, pygame.SRCALPHA)
    depth = size[1] if axis == "y" else size[0]
    for step in range(depth):
        toward_edge = (depth - step) / depth if edge == "start" else (step + 1) / depth
        alpha = round(235 * toward_edge ** 1.5)
        line = (0, step, size[0], 1) if axis == "y" else (step, 0, 1, size[1])
        band.fill((color.r, color.g, color.b, alpha), line)
    return pygame.transform.rotate(band, rotation) if rotation else band


def turn_rect(rect: pygame.Rect, size: tuple[int, int], rotation: Rotation) -> pygame.Rect:
    """Where ``rect`` of a surface of ``size`` lies once the surface is turned by ``rotation``."""
    width, height = size
    corners = []
    for x, y in ((rect.left, rect.top), (rect.right, rect.bottom)):
        if rotation == 90:
            x, y = y, width - x
        elif rotation == 180:
            x, y = width - x, height - y
        elif rotation == 270:
            x, y = height - y, x
        corners.append((x, y))
    (x1, y1), (x2, y2) = corners
    return pygame.Rect(round(min(x1, x2)), round(min(y1, y2)), round(abs(x2 - x1)),
                       round(abs(y2 - y1)))


def local_delta(dx: float, dy: float, rotation: Rotation) -> tuple[float, float]:
    """A finger's movement on the screen as seen by a layer turned by ``rotation``."""
    if rotation == 90:
        return -dy, dx
    if rotation == 180:
        return -dx, -dy
    if rotation == 270:
        return dy, -dx
    return dx, dy


@dataclass
class Viewport:
    """A scrollable window of a layer: ``content`` is longer than ``rect`` along ``axis``.

    Scrolling only changes which part of the (once turned) content is blitted: no re-render
    and no rotation per frame.
    """

    rect: pygame.Rect
    content: pygame.Surface
    widgets: list[Widget] = field(default_factory=list)
    axis: str = "y"
    offset: float = 0.0
    fade: pygame.Color | None = None
    """The card's colour: content running on past an edge fades into it there, so a shopper
    sees there is more to scroll (None: no fades)."""
    _turned: pygame.Surface | None = None
    _rotation: Rotation = 0
    _fades: dict[tuple[str, Rotation], pygame.Surface] = field(default_factory=dict)

    @property
    def max_offset(self) -> int:
        """How far the content can scroll."""
        if self.axis == "y":
            return max(0, self.content.get_height() - self.rect.height)
        return max(0, self.content.get_width() - self.rect.width)

    def scroll_by(self, distance: float) -> bool:
        """Scroll by ``distance`` pixels (clamped); True when the view moved."""
        before = self.offset
        self.offset = min(max(self.offset + distance, 0.0), float(self.max_offset))
        return self.offset != before

    def visible(self) -> pygame.Rect:
        """The part of the content shown, in the content's coordinates."""
        shift = round(self.offset)
        if self.axis == "y":
            return pygame.Rect(0, shift, self.rect.width, min(self.rect.height,
                                                              self.content.get_height() - shift))
        return pygame.Rect(shift, 0, min(self.rect.width, self.content.get_width() - shift),
                           self.rect.height)

    def to_layer(self, rect: pygame.Rect) -> pygame.Rect:
        """A content rectangle in the layer's coordinates, cut to the window."""
        visible = self.visible()
        moved = rect.move(self.rect.left - visible.left, self.rect.top - visible.top)
        return moved.clip(self.rect)

    def edge_fades(self, rotation: Rotation) -> list[tuple[pygame.Surface, pygame.Rect]]:
        """Fades to draw over the window's edges where content runs on, each with its place in
        layer coordinates; rendered once per edge and rotation, then only blitted."""
        if self.fade is None:
            return []
        shift = round(self.offset)
        along = self.rect.height if self.axis == "y" else self.rect.width
        depth = max(4, min(FADE_DEPTH, along // 6))
        window = self.rect
        edges = {"start": shift > 0, "end": shift < self.max_offset}
        fades = []
        for edge in (name for name, shown in edges.items() if shown):
            if self.axis == "y":
                place = pygame.Rect(window.left, window.top if edge == "start"
                                    else window.bottom - depth, window.width, depth)
            else:
                place = pygame.Rect(window.left if edge == "start" else window.right - depth,
                                    window.top, depth, window.height)
            key = (edge, rotation)
            if key not in self._fades:
                self._fades[key] = _fade(place.size, self.axis, edge, self.fade, rotation)
            fades.append((self._fades[key], place))
        return fades

    def turned(self, rotation: Rotation) -> pygame.Surface:
        """The content turned like its layer (once per rotation)."""
        if self._turned is None or rotation != self._rotation:
            self._rotation = rotation
            self._turned = (pygame.transform.rotate(self.content, rotation) if rotation
                            else self.content)
        return self._turned


@dataclass
class Layer:
    """A surface drawn at a place on the screen, turned by ``rotation``, with its widgets."""

    surface: pygame.Surface
    widgets: list[Widget] = field(default_factory=list)
    rotation: Rotation = 0
    topleft: tuple[int, int] = (0, 0)
    viewports: list[Viewport] = field(default_factory=list)
    scale: float = 1.0
    """Screen pixels per design pixel: the tree reports text sizes as drawn."""
    card: pygame.Rect | None = None
    """The opaque part of the surface (without its shadow), in its own coordinates: what
    hides the layers below and takes touches (None: the whole surface)."""
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

    def draw(self, screen: pygame.Surface, opacity: float = 1.0,
             shift: tuple[int, int] = (0, 0)) -> None:
        """Blit the layer, then the visible part of each scrollable window; ``opacity`` and
        ``shift`` animate a layer that is opening."""
        alpha = 255 if opacity >= 1.0 else max(0, round(255 * opacity))
        surfaces = [self.turned()] + [viewport.turned(self.rotation)
                                      for viewport in self.viewports]
        if alpha < 255:
            for surface in surfaces:
                surface.set_alpha(alpha)
        screen.blit(surfaces[0], (self.topleft[0] + shift[0], self.topleft[1] + shift[1]))
        for viewport, content in zip(self.viewports, surfaces[1:], strict=True):
            area = turn_rect(viewport.visible(), viewport.content.get_size(), self.rotation)
            where = self.to_screen_rect(viewport.rect).topleft
            screen.blit(content, (where[0] + shift[0], where[1] + shift[1]), area)
            if alpha == 255:
                for fade, place in viewport.edge_fades(self.rotation):
                    corner = self.to_screen_rect(place).topleft
                    screen.blit(fade, (corner[0] + shift[0], corner[1] + shift[1]))
        if alpha < 255:
            for surface in surfaces:
                surface.set_alpha(255)  # None would also drop per-pixel alpha

    @property
    def card_rect(self) -> pygame.Rect:
        """Where the opaque card lies on the screen."""
        if self.card is None:
            return self.screen_rect
        return self.to_screen_rect(self.card)

    def viewport_at(self, x: float, y: float) -> Viewport | None:
        """The scrollable window under a screen point."""
        local = self.to_local_point(x, y)
        return next((viewport for viewport in self.viewports
                     if viewport.rect.collidepoint(local)), None)

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
        return turn_rect(rect, self.surface.get_size(), self.rotation).move(self.topleft)

    def visible_widgets(self) -> list[tuple[Widget, pygame.Rect]]:
        """Every widget with its rectangle in layer coordinates, scrolled content included."""
        shown = [(widget, widget.rect) for widget in self.widgets]
        for viewport in self.viewports:
            for widget in viewport.widgets:
                rect = viewport.to_layer(widget.rect)
                if rect.width > 0 and rect.height > 0:
                    shown.append((widget, rect))
        return shown

    def hit(self, x: float, y: float) -> Widget | None:
        """The topmost tappable widget under a screen point."""
        if not self.card_rect.collidepoint(x, y):
            return None
        local = self.to_local_point(x, y)
        for widget, rect in reversed(self.visible_widgets()):
            if widget.on_tap is not None and rect.collidepoint(local):
                return widget
        return None

    def tree(self, above: list[pygame.Rect] | None = None) -> list[dict[str, object]]:
        """Every widget in view with its on-screen rectangle and the layer's rotation; those
        that ``above`` (cards of layers drawn over this one) hide are marked covered."""
        nodes = []
        for widget, rect in self.visible_widgets():
            on_screen = self.to_screen_rect(rect)
            hidden = covered(on_screen, above or [])
            nodes.append({**widget.describe(on_screen, self.scale, hidden),
                          "rotation": self.rotation})
        return nodes


def covered(rect: pygame.Rect, above: list[pygame.Rect]) -> bool:
    """Whether cards drawn above hide ``rect``: its centre (where a finger aims), or at least
    half of it."""
    if not above:
        return False
    if any(card.collidepoint(rect.center) for card in above):
        return True
    area = rect.width * rect.height
    if area == 0:
        return False
    hidden = union_area([rect.clip(card) for card in above])
    return hidden * 2 >= area


def union_area(rects: list[pygame.Rect]) -> int:
    """Area covered by rectangles that may overlap one another (exact, by slabs)."""
    rects = [rect for rect in rects if rect.width > 0 and rect.height > 0]
    edges = sorted({x for rect in rects for x in (rect.left, rect.right)})
    total = 0
    for left, right in itertools.pairwise(edges):
        spans = sorted((rect.top, rect.bottom) for rect in rects
                       if rect.left <= left and rect.right >= right)
        covered_height, reach = 0, None
        for top, bottom in spans:
            if reach is None or top > reach:
                covered_height += bottom - top
                reach = bottom
            elif bottom > reach:
                covered_height += bottom - reach
                reach = bottom
        total += covered_height * (right - left)
    return total
