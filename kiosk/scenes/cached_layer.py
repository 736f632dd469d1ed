"""What panels and comparisons share: rendered once into a layer, again only when stale."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable

from kiosk.catalog.catalog import Catalog
from kiosk.catalog.live import Freshness
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
        self.step = 0
        """Which of ``steps`` the card is drawn at (the table's layout chooses)."""

    @property
    @abstractmethod
    def steps(self) -> tuple[tuple[int, int], ...]:
        """The card's design sizes (pixels at 1080 lines, before turning), full first."""

    @property
    def design(self) -> tuple[int, int]:
        """The design size at the current step."""
        return self.steps[min(self.step, len(self.steps) - 1)]

    @property
    def sizes(self) -> tuple[tuple[int, int], ...]:
        """Screen size at each step, before turning, shadow included."""
        return tuple(self.outer_size(design) for design in self.steps)

    @property
    def size(self) -> tuple[int, int]:
        """Screen size at the current step, before turning, shadow included."""
        return self.outer_size(self.design)

    def set_step(self, step: int) -> None:
        """Draw the card at another of its sizes."""
        if step != self.step:
            self.step = step
            self.invalidate()

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
            offsets = [view.offset for view in self._layer.viewports] if self._layer else []
            self._rotation = rotation
            self._media.begin()
            self._layer = self._render(rotation, today)
            self._layer.scale = self._look.theme.scale
            self._layer.card = self._layer.widgets[0].rect.copy()
            for view, offset in zip(self._layer.viewports, offsets, strict=False):
                if offset:
                    view.scroll_by(offset - view.offset)
        return self._layer

    def _outdated(self, today: dt.date) -> bool:
        """Something outside the card changed what it shows (subclasses say what); ``today``
        may be a datetime (promotions by the hour)."""
        return False

    @abstractmethod
    def _render(self, rotation: Rotation, today: dt.date) -> Layer:
        """Draw the card into a new layer."""
