"""The table: products where they lie, a panel beside each facing its shopper, comparisons,
suggested products and send sheets opened from panels, and the attract loop when nothing is
there. Where each layer goes is the arrangement's business; what is drawn on top is what
takes a touch, and the widget tree says what another layer hides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pygame

from kiosk.analytics.usage import Usage
from kiosk.catalog.catalog import Catalog
from kiosk.catalog.live import Freshness
from kiosk.handoff.service import SendService
from kiosk.offers.service import OfferService
from kiosk.scenes.arrangement import Arrangement, Shown
from kiosk.scenes.attract import EDGE_ROTATION, AttractLoop
from kiosk.scenes.compare import ComparePanel
from kiosk.scenes.layout import Anchor, Footprint
from kiosk.scenes.opened import OPENED, PINNED, Card, OpenedLayers
from kiosk.scenes.product_panel import ProductPanel
from kiosk.scenes.product_token import ProductToken
from kiosk.scenes.reserve_sheet import ReserveSheet
from kiosk.scenes.send_sheet import SendSheet
from kiosk.scenes.shoppers import SAME_SHOPPER, ShopperLanguages, shopper_edge
from kiosk.scenes.stack import Aim, Stack
from kiosk.scenes.table import Item, Table
from kiosk.scenes.touch import TouchRouter
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Widget, covered

FOOTPRINT = 135  # design pixels: the radius a product covers on the table
OPEN_S = 0.22  # a panel fades and slides in, so the eye catches where it appeared
OPEN_SLIDE = 28
TAP_SLOP = 30
HOLD_S = 20.0


class TableScene(OpenedLayers):
    """Keeps one panel per product, plus what shoppers opened from them, laid out by the
    arrangement; shoppers may move and turn them."""

    def __init__(self, look: Look, size: tuple[int, int], catalog: Catalog,
                 edges: tuple[str, ...], attract: AttractLoop, draw_products: bool,
                 send: SendService, usage: Usage,
                 on_locale: Callable[[str], None] | None = None,
                 momentum: bool = True, round_table: bool = False,
                 hold_s: float = HOLD_S,
                 on_variant: Callable[[str], None] | None = None,
                 offers: OfferService | None = None) -> None:
        """``momentum`` False is the reduced-motion mode: no gliding, no opening fade.
        ``hold_s``: seconds a layer stays put after its shopper last touched it.
        ``on_variant``: a shopper chose a variant (its remote content may be asked for)."""
        self._send = send
        self._offer_service = offers
        self._on_variant = on_variant
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
        self._shown: dict[str, Card] = {}
        self._origin: dict[str, str] = {}
        self._tokens: dict[str, ProductToken] = {}
        self._stack = Stack()
        self._opened: dict[str, float] = {}
        self._animate = momentum
        self._table_version = -1
        self._dirty = True
        self._items: tuple[Item, ...] = ()
        self._locale = ""
        self._now = 0.0
        self._last_sync = 0.0
        self._last_draw: float | None = None
        unit = look.theme.screen_scale
        self.arrangement = Arrangement(size, edges, unit, hold_s, momentum)
        self._languages = ShopperLanguages(SAME_SHOPPER * unit)
        self._footprint = FOOTPRINT * unit
        self.touch = TouchRouter(self, look.theme.px(TAP_SLOP), momentum)
        self.underlay: Callable[[pygame.Surface], None] | None = None
        """Drawn on the table surface under products and panels (the simulator's NFC ring)."""

    def sync(self, table: Table, locale: str, now: float = 0.0) -> None:
        """Open panels for new products, close those of lifted ones, lay out again when
        something changed (``locale``: the language of a shopper who chose none)."""
        self._locale = locale
        self._now = now
        if table.version != self._table_version:
            self._table_version = table.version
            self._items = table.items
            self._update_panels(locale)
            self._dirty = True
        release = self.arrangement.next_release(self._last_sync) if self._shown else None
        if release is not None and now >= release:
            self._dirty = True
            self._close_left_behind(now)
        self._last_sync = now
        if self._dirty:
            self._dirty = False
            products = [Footprint(item.code, self._center(item), self._footprint)
                        for item in self._items]
            self.arrangement.arrange(self._describe(), products, now)

    def _update_panels(self, locale: str) -> None:
        codes = [item.code for item in self._items]
        for key in list(self._shown):
            if key not in self._shown:
                continue  # closed with the panel it came from
            gone = key not in codes and not key.startswith(OPENED)
            shown = self._shown[key]
            if gone or (isinstance(shown, ComparePanel) and not set(shown.codes) <= set(codes)):
                self._close(key)
        for item in self._items:
            if item.code not in self._shown:
                product = self._catalog.get(item.code)
                edge, center = self._edge(item), self._center(item)
                self._shown[item.code] = ProductPanel(
                    item.code, product, self._languages.locale_at(edge, center) or locale,
                    self._look, self._catalog,
                    on_locale=lambda chosen, key=item.code: self._chose_locale(key, chosen),
                    on_open=self._open_suggestion, on_compare=self._open_compare,
                    on_send=self._open_send, on_section=self._usage.section,
                    **self._offers())
                self._shown[item.code].use_freshness(self._freshness)
                self._tokens[item.code] = ProductToken(item.code, product, self._look)
                # Drawn over the others but under those in use: where the table is too crowded
                # to avoid an overlap, it is not the panel in use that is hidden.
                self._stack.add(item.code, lambda other: self.arrangement.in_use(other,
                                                                                 self._now))
        known = [code for code in codes if self._catalog.get(code) is not None]
        for code in codes:
            panel = self._shown[code]
            if isinstance(panel, ProductPanel):
                panel.compare_with = tuple(other for other in known if other != code)

    def _close_left_behind(self, now: float) -> None:
        """A suggested product or send sheet whose product was lifted stays while its shopper
        uses it; left alone for ``hold_s`` seconds, nobody is there any more: it closes (and
        what was typed in it goes)."""
        for key in [key for key in self._shown if key.startswith(OPENED)]:
            if key in self._shown and self._root(key) == key and not self.arrangement.in_use(
                    key, now):
                self._close(key)

    def _describe(self) -> list[Shown]:
        """Every layer as the layout sees it: whose it is, which way it faces, its sizes."""
        items = {item.code: item for item in self._items}
        described = []
        for key in self._stack.order:
            root = self._root(key)
            item = items.get(root)
            anchor = None
            if item is not None:
                edge = self._edge(item)
                anchor = Anchor(self._center(item), self._footprint, edge)
            origin = self._origin.get(key)
            rotation = (EDGE_ROTATION[anchor.edge] if anchor is not None else
                        self.arrangement.places[key].rotation if key in self.arrangement.places
                        else 0)
            if origin is not None and origin in self.arrangement.places:
                rotation = self.arrangement.places[origin].rotation
            described.append(Shown(key, root, rotation, self._shown[key].sizes, anchor, origin))
        return described

    def draw(self, screen: pygame.Surface, now: float, today: dt.date) -> list[str]:
        """Draw the table; returns the codes whose panel was drawn."""
        elapsed = 0.0 if self._last_draw is None else max(0.0, now - self._last_draw)
        self._last_draw = now
        self.touch.glide(elapsed)
        if not self._items and not self._shown:
            self._stack.drawn = {}
            self._attract.draw(screen, now)
            if self.underlay is not None:
                self.underlay(screen)
            return []
        screen.fill(self._look.theme.background)
        if self.underlay is not None:
            self.underlay(screen)
        for item in self._items:
            self._tokens[item.code].draw(screen, self._center(item), item.angle, now,
                                         self._draw_products)
        layers: dict[str, Layer] = {}
        for key in self._stack.order:
            place = self.arrangement.places[key]
            shown = self._shown[key]
            shown.set_step(place.step)
            layer = shown.layer(place.rotation, today)
            if layer is None:
                continue  # its first render is under way: it fades in from the next frames
            layer.topleft = self.arrangement.topleft(key, now)
            opened = self._opened.setdefault(key, now)
            progress = 1.0 if not self._animate else min(1.0, (now - opened) / OPEN_S)
            slide = round((1 - progress) ** 2 * self._look.theme.px(OPEN_SLIDE))
            layer.draw(screen, progress, local_shift(slide, place.rotation))
            layers[key] = layer
        self._stack.drawn = layers
        return [item.code for item in self._items if item.code in layers]

    @property
    def moving(self) -> bool:
        """A layer is gliding to its place (frames must keep coming)."""
        return self.arrangement.gliding

    def tap_target(self, x: float, y: float) -> Widget | None:
        """What a tap at the point would reach: a tappable widget, or a panel's background."""
        found = self.layer_at(x, y)
        return None if found is None else found[1].hit(x, y) or found[1].widgets[0]

    def tree(self) -> list[dict[str, object]]:
        """Every widget in view, as last drawn, with the layer it is on and the product whose
        shopper that layer belongs to; what a layer above hides is marked covered."""
        if not self._items and not self._shown:
            return [node for layer in self._attract.invitations() for node in layer.tree()]
        cards = self._stack.cards()
        nodes = []
        for item in self._items:
            node = self._tokens[item.code].describe()
            x, y, width, height = node["rect"]  # type: ignore[misc]
            node["covered"] = covered(pygame.Rect(x, y, width, height), cards)
            nodes.append({**node, "layer": item.code, "shopper": item.code})
        return nodes + self._stack.tree(lambda key: {"layer": key, "shopper": self._root(key)})

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
        self._dirty = True  # a code the catalog now knows gets a panel of another size

    def set_attract(self, attract: AttractLoop) -> None:
        """The attract loop's media changed (a schedule started or ended)."""
        self._attract = attract

    @property
    def has_open_panels(self) -> bool:
        """Something is shown besides the attract loop."""
        return bool(self._shown)

    def reset(self, locale: str) -> None:
        """The session ended: suggestions, comparisons and send sheets close (what was typed
        goes with them); panels of products left on the table start over in ``locale``, laid
        out afresh."""
        for key in [key for key in self._shown if key.startswith(OPENED)]:
            self._close(key)
        for shown in self._shown.values():
            if isinstance(shown, ProductPanel):
                shown.start_over(locale)
        self._languages.clear()
        self.arrangement.reset()
        self._dirty = True

    def layer_at(self, x: float, y: float) -> tuple[str, Layer] | None:
        """The topmost drawn layer whose card lies under a point, with its key."""
        return self._stack.layer_at(x, y)

    def raise_layer(self, key: str) -> None:
        """Draw ``key`` above the others."""
        self._stack.raise_up(key)

    def touched(self, key: str, now: float) -> None:
        """A finger is on a layer: it and the rest of its shopper's layers stay put."""
        root = self._root(key)
        for other in self._stack.order:
            if self._root(other) == root:
                self.arrangement.touch(other, now)

    def released(self, key: str) -> None:
        """The finger lifted from a layer: a smaller product panel grows back if there is
        room (a sheet or comparison keeps its size: its keys must not move between taps)."""
        if isinstance(self._shown.get(key), ProductPanel) and self.arrangement.grow(key):
            self._dirty = True

    def move_layer(self, key: str, dx: float, dy: float) -> None:
        """A shopper drags a layer: it stays where they leave it, on the screen."""
        self.arrangement.move(key, dx, dy)

    def settle_layer(self, key: str) -> None:
        """A drag ended: the other layers make room around where it was left."""
        self._dirty = True

    def turn_layer(self, key: str, degrees: float) -> None:
        """Two fingers turned a layer: it faces the side they turned it to (quarter turns)."""
        place = self.arrangement.places[key]
        turned = (place.rotation + round(degrees / 90) * 90) % 360
        width, height = self._shown[key].size
        self.arrangement.turn(key, turned, (height, width) if turned in (90, 270)
                              else (width, height))
        self._dirty = True

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

    def find_label(self, label: str, within: str | None, tappable: bool) -> Aim:
        """Where to tap a widget labelled ``label``, topmost first, one in view before one
        another layer hides; ``within``: only in the panel of that product (or what it
        opened)."""
        return self._stack.aim(label, tappable,
                               lambda key: within is None or within == self._root(key))

    def _chose_locale(self, key: str, locale: str) -> None:
        """A shopper chose a language on a panel: their other panels (same edge, within
        reach) and those they put down next in this session take it; nobody else's."""
        items = {item.code: item for item in self._items}
        chooser = items.get(self._root(key))
        if chooser is not None:
            edge, point = self._edge(chooser), self._center(chooser)
            self._languages.choose(edge, point, locale)
            for item in self._items:
                panel = self._shown.get(item.code)
                if (isinstance(panel, ProductPanel) and item.code != key
                        and self._languages.same_shopper(edge, point, self._edge(item),
                                                         self._center(item))):
                    panel.set_locale(locale)
        if self._on_locale is not None:
            self._on_locale(locale)

    def _close(self, key: str) -> None:
        """Close a layer; comparisons it opened close too; suggested products and send sheets
        its shopper is using stay where they are (they may still be reading or typing) until
        their own ``Fermer``, or until left alone for ``hold_s`` seconds."""
        for child in [k for k, origin in self._origin.items() if origin == key]:
            if (child.startswith(PINNED) and child in self.arrangement.places
                    and self.arrangement.in_use(child, self._now)):
                self.arrangement.hold(child)
                del self._origin[child]
            else:
                self._close(child)
        closing = self._shown.pop(key, None)
        if isinstance(closing, (SendSheet, ReserveSheet)):
            closing.leave()
        if closing is not None:
            # Its rendered layer holds tap actions that point back at it: dropping the layer
            # breaks that cycle, so the panel's surfaces are freed now rather than at some
            # later full garbage collection (megabytes per panel on a busy table).
            closing.invalidate()
        self._origin.pop(key, None)
        self._tokens.pop(key, None)
        self._opened.pop(key, None)
        self._stack.remove(key)
        self.arrangement.forget(key)
        self.touch.forget(key)
        self._dirty = True

    def _root(self, key: str) -> str:
        """The layer a chain of opened layers starts from (a product's panel, or a layer
        left behind when its product was lifted)."""
        while key in self._origin:
            key = self._origin[key]
        return key

    def _center(self, item: Item) -> tuple[int, int]:
        return round(item.position[0] * self._size[0]), round(item.position[1] * self._size[1])

    def _edge(self, item: Item) -> str:
        return shopper_edge(self._center(item), self._size, self._edges, self._round)


def local_shift(distance: int, rotation: int) -> tuple[int, int]:
    """``distance`` pixels toward the shopper a layer faces (screen coordinates)."""
    return {0: (0, distance), 180: (0, -distance), 90: (distance, 0),
            270: (-distance, 0)}[rotation]
