"""The table: products where they lie, a panel beside each facing its shopper, comparisons and
suggested products opened from panels, and the attract loop when nothing is there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pygame

from kiosk.catalog import Catalog
from kiosk.handoff import SendService
from kiosk.live_content import Freshness
from kiosk.scenes.attract import EDGE_ROTATION, AttractLoop
from kiosk.scenes.compare import ComparePanel
from kiosk.scenes.placement import best_spot
from kiosk.scenes.product_panel import ProductPanel
from kiosk.scenes.product_token import ProductToken
from kiosk.scenes.send_sheet import SendSheet
from kiosk.scenes.touch import TouchRouter
from kiosk.table import Item, Table
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Widget
from kiosk.usage import Usage

FOOTPRINT = 125  # design pixels: the radius a product covers on the table
GAP = 20
OPEN_S = 0.22  # a panel fades and slides in, so the eye catches where it appeared
OPEN_SLIDE = 28
OUTWARD = {"top": (0, -1), "bottom": (0, 1), "left": (-1, 0), "right": (1, 0)}
PRODUCT_WEIGHT = 4  # covering a product is worse than covering as much of another panel
TAP_SLOP = 30
SUGGESTION = "suggestion:"
COMPARE = "compare:"
SEND = "send:"
OPENED = (SUGGESTION, COMPARE, SEND)
PINNED = (SUGGESTION, SEND)
Shown = ProductPanel | ComparePanel | SendSheet


class TableScene:
    """Keeps one panel per product, plus opened suggestions and comparisons, laid out without
    overlaps; shoppers may move and turn them."""

    def __init__(self, look: Look, size: tuple[int, int], catalog: Catalog,
                 edges: tuple[str, ...], attract: AttractLoop, draw_products: bool,
                 send: SendService, usage: Usage,
                 on_locale: Callable[[str], None] | None = None,
                 momentum: bool = True, round_table: bool = False) -> None:
        """``momentum`` False is the reduced-motion mode: no gliding lists, no opening fade."""
        self._send = send
        self._usage = usage
        self._freshness: Callable[[str], Freshness | None] = lambda code: None
        self._round = round_table
        self._on_locale = on_locale
        self._look = look
        self._size = size
        self._catalog = catalog
        self._edges = edges
        self._attract = attract
        self._draw_products = draw_products
        self._shown: dict[str, Shown] = {}
        self._origin: dict[str, str] = {}
        self._tokens: dict[str, ProductToken] = {}
        self._places: dict[str, tuple[pygame.Rect, int]] = {}
        self._moved: dict[str, tuple[tuple[int, int], int]] = {}
        self._order: list[str] = []
        self._opened: dict[str, float] = {}
        self._exact: dict[str, tuple[float, float]] = {}
        self._animate = momentum
        self._layers: dict[str, Layer] = {}
        self._table_version = -1
        self._dirty = True
        self._items: tuple[Item, ...] = ()
        self._locale = ""
        self._last_draw: float | None = None
        self.touch = TouchRouter(self, look.theme.px(TAP_SLOP), momentum)

    def sync(self, table: Table, locale: str) -> None:
        """Open panels for new products, close those of lifted ones, re-lay out on change."""
        self._locale = locale
        if table.version != self._table_version:
            self._table_version = table.version
            self._items = table.items
            self._update_panels(locale)
            self._dirty = True
        if self._dirty:
            self._layout()
            self._dirty = False

    def _update_panels(self, locale: str) -> None:
        codes = [item.code for item in self._items]
        for key in list(self._shown):
            if key not in self._shown:
                continue  # closed with the panel it came from
            gone = key not in codes and not key.startswith(OPENED)
            shown = self._shown[key]
            if gone or (isinstance(shown, ComparePanel) and not set(shown.codes) <= set(codes)):
                self._close(key)
        for code in codes:
            if code not in self._shown:
                product = self._catalog.get(code)
                self._shown[code] = ProductPanel(
                    code, product, locale, self._look, self._catalog,
                    on_locale=self._on_locale, on_open=self._open_suggestion,
                    on_compare=self._open_compare, on_send=self._open_send,
                    on_section=self._usage.section)
                self._shown[code].freshness = self._freshness(code)
                self._tokens[code] = ProductToken(code, product, self._look)
                self._order.append(code)
        known = [code for code in codes if self._catalog.get(code) is not None]
        for code in codes:
            panel = self._shown[code]
            if isinstance(panel, ProductPanel):
                panel.compare_with = tuple(other for other in known if other != code)

    def draw(self, screen: pygame.Surface, now: float, today: dt.date) -> list[str]:
        """Draw the table; returns the codes whose panel was drawn."""
        elapsed = 0.0 if self._last_draw is None else max(0.0, now - self._last_draw)
        self._last_draw = now
        self.touch.glide(elapsed)
        if not self._items and not self._shown:
            self._layers = {}
            self._attract.draw(screen, now)
            return []
        screen.fill(self._look.theme.background)
        for item in self._items:
            self._tokens[item.code].draw(screen, self._center(item), item.angle, now,
                                         self._draw_products)
        layers: dict[str, Layer] = {}
        for key in self._order:
            rect, rotation = self._places[key]
            layer = self._shown[key].layer(rotation, today)
            layer.topleft = rect.topleft
            opened = self._opened.setdefault(key, now)
            progress = 1.0 if not self._animate else min(1.0, (now - opened) / OPEN_S)
            slide = round((1 - progress) ** 2 * self._look.theme.px(OPEN_SLIDE))
            layer.draw(screen, progress, local_shift(slide, rotation))
            layers[key] = layer
        self._layers = layers
        return [item.code for item in self._items]

    def tap_target(self, x: float, y: float) -> Widget | None:
        """What a tap at the point would reach: a tappable widget, or a panel's background."""
        found = self.layer_at(x, y)
        return None if found is None else found[1].hit(x, y) or found[1].widgets[0]

    def tree(self) -> list[dict[str, object]]:
        """Every visible widget, as last drawn."""
        if not self._items and not self._shown:
            return [node for layer in self._attract.invitations() for node in layer.tree()]
        tokens = [self._tokens[item.code].describe() for item in self._items]
        return tokens + [node for layer in self._layers.values() for node in layer.tree()]

    def use_catalog(self, catalog: Catalog,
                    freshness: Callable[[str], Freshness | None]) -> None:
        """New prices, stock or content: what is open shows them at once, as it stands (tab,
        scroll, what was typed)."""
        self._catalog = catalog
        self._freshness = freshness
        for shown in self._shown.values():
            shown.use_catalog(catalog, freshness)
        for code in self._tokens:  # the simulator draws the product: now with its photo
            self._tokens[code] = ProductToken(code, catalog.get(code), self._look)

    def set_attract(self, attract: AttractLoop) -> None:
        """The attract loop's media changed (a schedule started or ended)."""
        self._attract = attract

    @property
    def has_open_panels(self) -> bool:
        """Something is shown besides the attract loop."""
        return bool(self._shown)

    def reset(self, locale: str) -> None:
        """The session ended: suggestions, comparisons and send sheets close (what was typed
        goes with them); panels of products left on the table start over in ``locale``, back
        in place."""
        for key in [key for key in self._shown if key.startswith(OPENED)]:
            self._close(key)
        for shown in self._shown.values():
            if isinstance(shown, ProductPanel):
                shown.start_over(locale)
        self._moved.clear()
        self._exact.clear()
        self._dirty = True

    def layer_at(self, x: float, y: float) -> tuple[str, Layer] | None:
        """The topmost drawn layer under a point, with its key."""
        for key in reversed(self._order):
            layer = self._layers.get(key)
            if layer is not None and layer.screen_rect.collidepoint(x, y):
                return key, layer
        return None

    def raise_layer(self, key: str) -> None:
        """Draw ``key`` above the others."""
        if key in self._order:
            self._order.remove(key)
            self._order.append(key)

    def move_layer(self, key: str, dx: float, dy: float) -> None:
        """A shopper drags a panel: it stays where they leave it, on the screen."""
        rect, rotation = self._places[key]
        x, y = self._exact.get(key, rect.topleft)
        x, y = x + dx, y + dy
        moved = pygame.Rect((round(x), round(y)), rect.size)
        clamped = moved.clamp(pygame.Rect((0, 0), self._size))
        self._exact[key] = (x + clamped.x - moved.x, y + clamped.y - moved.y)
        self._places[key] = (clamped, rotation)
        self._moved[key] = (clamped.topleft, rotation)

    def turn_layer(self, key: str, degrees: float) -> None:
        """Two fingers turned a panel: it faces the side they turned it to (quarter turns)."""
        rect, rotation = self._places[key]
        quarter = round(degrees / 90) * 90
        turned = (rotation + quarter) % 360
        width, height = self._shown[key].size
        if turned in (90, 270):
            width, height = height, width
        spot = pygame.Rect(0, 0, width, height)
        spot.center = rect.center
        spot = spot.clamp(pygame.Rect((0, 0), self._size))
        self._places[key] = (spot, turned)
        self._moved[key] = (spot.topleft, turned)
        self._exact.pop(key, None)

    def swipe_gallery(self, key: str, step: int) -> None:
        """Next or previous photo on a product panel."""
        shown = self._shown.get(key)
        if isinstance(shown, ProductPanel):
            shown.swipe_gallery(step)

    def zoom_gallery(self, key: str, zoom_in: bool) -> None:
        """Two fingers spread on the photo: it fills the section; pinched: back to normal."""
        shown = self._shown.get(key)
        if isinstance(shown, ProductPanel):
            shown.zoom(zoom_in)

    def _open_suggestion(self, origin: str, code: str) -> None:
        """A suggestion card was tapped: that product's panel opens beside the one it came
        from, facing the same shopper, marked as not on the table."""
        key = SUGGESTION + code
        self._usage.cross_sell(code)
        origin = origin if origin in self._shown else SUGGESTION + origin
        if key not in self._shown and code not in self._shown:
            origin_panel = self._shown[origin]
            locale = origin_panel.locale if isinstance(origin_panel, ProductPanel) else ""
            self._shown[key] = ProductPanel(
                code, self._catalog.get(code), locale or self._locale, self._look,
                self._catalog, on_locale=self._on_locale, on_open=self._open_suggestion,
                on_close=lambda _code: self._close(key), on_send=self._open_send,
                on_table=False)
            self._origin[key] = origin
            self._order.append(key)
        self.raise_layer(key if key in self._shown else code)
        self._dirty = True

    def _open_compare(self, origin: str, other: str) -> None:
        key = f"{COMPARE}{origin}:{other}"
        self._usage.compare(origin, other)
        for existing in [k for k in self._shown if k.startswith(COMPARE)]:
            if set(self._shown[existing].codes) == {origin, other}:  # type: ignore[union-attr]
                self._close(existing)
        panel = self._shown[origin]
        locale = panel.locale if isinstance(panel, ProductPanel) else self._locale
        self._shown[key] = ComparePanel((origin, other), locale, self._look, self._catalog,
                                        on_close=lambda: self._close(key))
        self._origin[key] = origin
        self._order.append(key)
        self._dirty = True

    def _open_send(self, origin: str) -> None:
        """The shopper's send sheet, over the panel they asked from."""
        key = SEND + origin
        if key not in self._shown:
            panel = self._shown.get(origin) or self._shown.get(SUGGESTION + origin)
            locale = panel.locale if isinstance(panel, ProductPanel) else self._locale
            code = panel.code if isinstance(panel, ProductPanel) else origin
            self._shown[key] = SendSheet(code, locale, self._look, self._catalog, self._send,
                                         on_close=lambda: self._close(key))
            self._usage.section(code, "send")
            self._origin[key] = origin if origin in self._shown else SUGGESTION + origin
            self._order.append(key)
        self.raise_layer(key)
        self._dirty = True

    def _close(self, key: str) -> None:
        """Close a layer; comparisons it opened close too, suggested products stay put until
        their own ``Fermer`` or the end of the session (the shopper may still be reading)."""
        for child in [k for k, origin in self._origin.items() if origin == key]:
            if child.startswith(PINNED) and child in self._places:
                rect, rotation = self._places[child]
                self._moved[child] = (rect.topleft, rotation)
                del self._origin[child]
            else:
                self._close(child)
        closing = self._shown.pop(key, None)
        if isinstance(closing, SendSheet):
            closing.leave()
        if closing is not None:
            # Its rendered layer holds tap actions that point back at it: dropping the layer
            # breaks that cycle, so the panel's surfaces are freed now rather than at some
            # later full garbage collection (megabytes per panel on a busy table).
            closing.invalidate()
        self._origin.pop(key, None)
        self._tokens.pop(key, None)
        self._moved.pop(key, None)
        self._exact.pop(key, None)
        self._opened.pop(key, None)
        self._places.pop(key, None)
        self._layers.pop(key, None)
        if key in self._order:
            self._order.remove(key)
        self.touch.forget(key)
        self._dirty = True

    def _center(self, item: Item) -> tuple[int, int]:
        return round(item.position[0] * self._size[0]), round(item.position[1] * self._size[1])

    def _layout(self) -> None:
        """Each panel beside its product facing the nearest shopper edge; opened panels beside
        the panel they came from; what shoppers moved stays where they put it."""
        radius = self._look.theme.px(FOOTPRINT)
        taken = []
        for item in self._items:
            rect = pygame.Rect(0, 0, 2 * radius, 2 * radius)
            rect.center = self._center(item)
            taken += [rect] * PRODUCT_WEIGHT
        self._places = {}
        for key in self._moved:
            topleft, rotation = self._moved[key]
            rect = pygame.Rect(topleft, self._turned_size(key, rotation))
            self._places[key] = (rect, rotation)
            taken.append(rect)
        for item in self._items:
            if item.code not in self._places:
                rotation = EDGE_ROTATION[self._nearest_edge(item.position)]
                self._place(item.code, self._center(item), rotation, radius, taken)
        for key in self._order:
            if key not in self._places:
                self._place_over_origin(key, taken)

    def _place_over_origin(self, key: str, taken: list[pygame.Rect]) -> None:
        """A comparison or a suggested product opens over the panel it came from, facing the
        same shopper: the table has no room for both, and that shopper is looking there."""
        rect, rotation = self._places.get(self._origin.get(key, ""),
                                          (pygame.Rect((0, 0), self._size), 0))
        spot = pygame.Rect((0, 0), self._turned_size(key, rotation))
        spot.center = rect.center
        spot = spot.clamp(pygame.Rect((0, 0), self._size))
        taken.append(spot)
        self._places[key] = (spot, rotation)

    def find_label(self, label: str, within: str | None,
                   tappable: bool) -> tuple[float, float] | None:
        """Centre of a visible widget labelled ``label``, topmost first; ``within``: only in the
        panel of that product (or the views opened from it)."""
        for key in reversed(self._order):
            layer = self._layers.get(key)
            if layer is None or (within is not None and within not in (
                    key, self._origin.get(key), self._origin.get(self._origin.get(key, "")))):
                continue
            for widget, rect in reversed(layer.visible_widgets()):
                if widget.label == label and (widget.on_tap is not None or not tappable):
                    return layer.to_screen_rect(rect).center
        return None

    def _place(self, key: str, center: tuple[int, int], rotation: int, radius: int,
               taken: list[pygame.Rect]) -> None:
        best = best_spot(pygame.Rect((0, 0), self._size), center,
                         self._turned_size(key, rotation), rotation, radius,
                         self._look.theme.px(GAP), taken)
        taken.append(best)
        self._places[key] = (best, rotation)

    def _turned_size(self, key: str, rotation: int) -> tuple[int, int]:
        width, height = self._shown[key].size
        return (height, width) if rotation in (90, 270) else (width, height)

    def _nearest_edge(self, position: tuple[float, float]) -> str:
        """The shopper's edge: the closest one, or on a round table the one in the direction
        of the product from the centre (in screen proportions)."""
        x, y = position
        if self._round:
            dx, dy = (x - 0.5) * self._size[0], (y - 0.5) * self._size[1]
            return max(self._edges, key=lambda edge: dx * OUTWARD[edge][0] + dy * OUTWARD[edge][1])
        distance = {"top": y, "bottom": 1 - y, "left": x, "right": 1 - x}
        return min(self._edges, key=lambda edge: distance[edge])


def local_shift(distance: int, rotation: int) -> tuple[int, int]:
    """``distance`` pixels toward the shopper a layer faces (screen coordinates)."""
    return {0: (0, distance), 180: (0, -distance), 90: (distance, 0),
            270: (-distance, 0)}[rotation]
