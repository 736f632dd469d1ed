"""The table: products where they lie, a panel beside each, the attract loop when empty."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pygame

from kiosk.catalog import Catalog
from kiosk.scenes.attract import EDGE_ROTATION, AttractLoop
from kiosk.scenes.product_panel import ProductPanel
from kiosk.scenes.product_token import ProductToken
from kiosk.table import Item, Table
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Widget

FOOTPRINT = 125  # design pixels: the radius a product covers on the table
GAP = 24


class TableScene:
    """Keeps one panel per product on the table and lays them out without overlaps."""

    def __init__(self, look: Look, size: tuple[int, int], catalog: Catalog,
                 edges: tuple[str, ...], attract: AttractLoop, draw_products: bool,
                 on_locale: Callable[[str], None] | None = None) -> None:
        self._on_locale = on_locale
        self._look = look
        self._size = size
        self._catalog = catalog
        self._edges = edges
        self._attract = attract
        self._draw_products = draw_products
        self._panels: dict[str, ProductPanel] = {}
        self._tokens: dict[str, ProductToken] = {}
        self._places: dict[str, tuple[pygame.Rect, int]] = {}
        self._layers: list[Layer] = []
        self._table_version = -1
        self._items: tuple[Item, ...] = ()

    def sync(self, table: Table, locale: str) -> None:
        """Open panels for new products, close those of lifted ones, re-lay out on change."""
        if table.version == self._table_version:
            return
        self._table_version = table.version
        self._items = table.items
        codes = {item.code for item in self._items}
        for code in list(self._panels):
            if code not in codes:
                del self._panels[code]
                self._tokens.pop(code, None)
        for item in self._items:
            if item.code not in self._panels:
                product = self._catalog.get(item.code)
                self._panels[item.code] = ProductPanel(item.code, product, locale, self._look,
                                                       self._on_locale)
                self._tokens[item.code] = ProductToken(item.code, product, self._look)
        self._layout()

    def draw(self, screen: pygame.Surface, now: float, today: dt.date) -> list[str]:
        """Draw the table; returns the codes whose panel was drawn."""
        if not self._items:
            self._layers = []
            self._attract.draw(screen, now)
            return []
        screen.fill(self._look.theme.background)
        layers: list[Layer] = []
        for item in self._items:
            self._tokens[item.code].draw(screen, self._center(item), item.angle, now,
                                         self._draw_products)
        for item in self._items:
            rect, rotation = self._places[item.code]
            layer = self._panels[item.code].layer(rotation, today)
            layer.topleft = rect.topleft
            layer.draw(screen)
            layers.append(layer)
        self._layers = layers
        return [item.code for item in self._items]

    def tap(self, x: float, y: float) -> bool:
        """Run the tap action of the widget under the point; True when one took it."""
        widget = self.tap_target(x, y)
        if widget is None or widget.on_tap is None:
            return False
        widget.on_tap()
        return True

    def tap_target(self, x: float, y: float) -> Widget | None:
        """What a tap at the point would reach: a tappable widget, or a panel's background."""
        for layer in reversed(self._layers):
            if layer.screen_rect.collidepoint(x, y):
                return layer.hit(x, y) or layer.widgets[0]
        return None

    def tree(self) -> list[dict[str, object]]:
        """Every visible widget, as last drawn."""
        if not self._items:
            return [node for layer in self._attract.invitations() for node in layer.tree()]
        tokens = [self._tokens[item.code].describe() for item in self._items]
        return tokens + [node for layer in self._layers for node in layer.tree()]

    def _center(self, item: Item) -> tuple[int, int]:
        return round(item.position[0] * self._size[0]), round(item.position[1] * self._size[1])

    def _layout(self) -> None:
        """Place each panel beside its product, facing the nearest shopper edge."""
        px = self._look.theme.px
        radius = px(FOOTPRINT)
        taken = [pygame.Rect(0, 0, 2 * radius, 2 * radius) for _ in self._items]
        for rect, item in zip(taken, self._items, strict=True):
            rect.center = self._center(item)
        self._places = {}
        for item in self._items:
            rotation = EDGE_ROTATION[self._nearest_edge(item)]
            width, height = self._panels[item.code].size
            if rotation in (90, 270):
                width, height = height, width
            best = self._best_spot(self._center(item), (width, height), rotation, radius, taken)
            taken.append(best)
            self._places[item.code] = (best, rotation)

    def _nearest_edge(self, item: Item) -> str:
        x, y = item.position
        distance = {"top": y, "bottom": 1 - y, "left": x, "right": 1 - x}
        return min(self._edges, key=lambda edge: distance[edge])

    def _best_spot(self, center: tuple[int, int], size: tuple[int, int], rotation: int,
                   radius: int, taken: list[pygame.Rect]) -> pygame.Rect:
        """Beside the product, preferring the shopper's right, then pulled toward their edge.

        The first spot that covers nothing wins; otherwise the one that covers least.
        """
        screen = pygame.Rect((0, 0), self._size)
        best: pygame.Rect | None = None
        best_overlap = -1
        for rect in self._candidates(center, size, rotation, radius):
            rect = rect.clamp(screen)
            overlap = sum(_area(rect.clip(other)) for other in taken)
            if best is None or overlap < best_overlap:
                best, best_overlap = rect, overlap
            if overlap == 0:
                break
        assert best is not None
        return best

    def _candidates(self, center: tuple[int, int], size: tuple[int, int], rotation: int,
                    radius: int) -> list[pygame.Rect]:
        gap = self._look.theme.px(GAP)
        x, y = center
        reach = radius + gap
        rect = pygame.Rect((0, 0), size)
        beside = {
            "right": {"midleft": (x + reach, y)}, "left": {"midright": (x - reach, y)},
            "above": {"midbottom": (x, y - reach)}, "below": {"midtop": (x, y + reach)},
        }
        order = {0: ("right", "left", "above", "below"), 180: ("left", "right", "below", "above"),
                 90: ("above", "below", "left", "right"), 270: ("below", "above", "right", "left")}
        toward_edge = {0: {"bottom": self._size[1]}, 180: {"top": 0}, 90: {"right": self._size[0]},
                       270: {"left": 0}}
        spots = []
        for side in order[rotation]:
            spot = rect.move_to(**beside[side])
            spots.append(spot)
            pulled = spot.copy()
            for attribute, value in toward_edge[rotation].items():
                setattr(pulled, attribute, value)
            if side in (("left", "right") if rotation in (0, 180) else ("above", "below")):
                spots.append(pulled)
        return spots


def _area(rect: pygame.Rect) -> int:
    return rect.width * rect.height
