"""What panels and comparisons share: rendered once into a layer, again only when stale."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable

from kiosk.catalog import Catalog
from kiosk.live_content import Freshness
from kiosk.ui.images import MediaWait
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Rotation

SHADOW = 12


class CachedLayer(ABC):
    """A card drawn into a cached layer; scrolling survives a re-render."""

    _catalog: Catalog
    """Where cards that show products find them (set by those cards)."""

    def __init__(self, look: Look) -> None:
        self._look = look
        self._layer: Layer | None = None
        self._rotation: Rotation = 0
        self._media = MediaWait(look.images)

    def outer_size(self, design: tuple[int, int]) -> tuple[int, int]:
        """Screen size of a card of ``design`` pixels (at 1080 lines), shadow included."""
        px = self._look.theme.px
        return px(design[0]) + 2 * px(SHADOW), px(design[1]) + 2 * px(SHADOW)

    def invalidate(self) -> None:
        """Something shown changed: render again at the next frame."""
        self._layer = None

    def use_catalog(self, catalog: Catalog, freshness: Callable[[str], Freshness | None]) -> None:
        """New content (a reload, live prices): drawn with it at the next frame, as the card
        stands (tab, scroll, what was typed)."""
        self._catalog = catalog
        self.invalidate()

    def layer(self, rotation: Rotation, today: dt.date) -> Layer:
        """The rendered card, turned by ``rotation``; cached until something changes."""
        if (self._layer is None or self._media.stale or rotation != self._rotation
                or self._outdated(today)):
            offset = self._layer.viewports[0].offset if (
                self._layer is not None and self._layer.viewports) else 0.0
            self._rotation = rotation
            self._media.begin()
            self._layer = self._render(rotation, today)
            if self._layer.viewports:
                self._layer.viewports[0].scroll_by(offset)
        return self._layer

    def _outdated(self, today: dt.date) -> bool:
        """Something outside the card changed what it shows (subclasses say what); ``today``
        may be a datetime (promotions by the hour)."""
        return False

    @abstractmethod
    def _render(self, rotation: Rotation, today: dt.date) -> Layer:
        """Draw the card into a new layer."""
