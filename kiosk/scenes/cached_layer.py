"""What panels and comparisons share: rendered once into a layer, again only when stale.

With the look's render worker, a stale layer is rendered in that thread and the last one stays
on screen until the new one is ready. A card never drawn before is not drawn until then; a card
that has an outline (``_outline``: its frame, title and buttons) shows that first, a few
milliseconds sooner, and its content lands during its fade-in.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import Future

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
        """The layer as things stand (None: stale)."""
        self._drawn: Layer | None = None
        """The last layer rendered, drawn while a newer one is being rendered."""
        self._rotation: Rotation = 0
        self._generation = 0
        """Counts changes, so a render that started before the last one is not taken."""
        self._job: Future[tuple[int, Rotation, Layer, bool]] | None = None
        self._first: Future[tuple[int, Layer | None]] | None = None
        """The outline of a card never drawn, rendered before its content."""
        self._redo = False
        """Something outside the card changed while a render was under way: once more."""
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
        self._generation += 1

    def use_catalog(self, catalog: Catalog, freshness: Callable[[str], Freshness | None]) -> None:
        """New content (a reload, live prices): drawn with it at the next frame, as the card
        stands (tab, scroll, what was typed)."""
        self._catalog = catalog
        self.invalidate()

    def layer(self, rotation: Rotation, today: dt.date) -> Layer | None:
        """The rendered card, turned by ``rotation``; cached until something changes. With a
        render worker, the last layer (None before the first) while the new one renders."""
        renderer = self._look.renderer if self._look.renderer and (
            self._look.renderer.enabled) else None
        if self._first is not None and self._first.done():
            generation, outline = self._first.result()
            self._first = None
            if generation == self._generation and self._drawn is None:
                self._drawn = outline
        if self._job is not None:
            if not self._job.done():  # asked again once it is shown
                return self._layer or self._drawn
            self._take(self._job)
        if not self._stale(rotation, today):
            return self._layer
        keep_scroll = self._layer is not None  # the same content, redrawn
        self._redo = False
        if renderer is None:
            self._media.begin()
            self._adopt(rotation, self._render_whole(rotation, today), keep_scroll)
        else:
            generation = self._generation
            if self._drawn is None and self._first is None and self._has_outline():
                self._first = renderer.submit(
                    lambda: (generation, self._outline_turned(rotation, today)), urgent=True)
            self._job = renderer.submit(lambda: (generation, rotation,
                                                 self._render_turned(rotation, today),
                                                 keep_scroll), urgent=self._drawn is None)
        return self._layer or self._drawn

    @property
    def rendering(self) -> bool:
        """Whether a render is under way in the worker."""
        return self._job is not None

    def _stale(self, rotation: Rotation, today: dt.date) -> bool:
        if self._outdated(today):  # some say so once only: remembered until rendered
            self._redo = True
        return (self._layer is None or self._media.stale or rotation != self._rotation
                or self._redo)

    def _render_whole(self, rotation: Rotation, today: dt.date) -> Layer:
        layer = self._render(rotation, today)
        layer.scale = self._look.theme.scale
        layer.card = layer.widgets[0].rect.copy()
        return layer

    def _render_turned(self, rotation: Rotation, today: dt.date) -> Layer:
        """In the worker: the layer, already turned, so its first frame is blits only."""
        self._media.begin()
        return self._turned(self._render_whole(rotation, today), rotation)

    def _outline_turned(self, rotation: Rotation, today: dt.date) -> Layer | None:
        """In the worker: the card's outline, turned; None for a card without one."""
        outline = self._outline(rotation, today)
        if outline is None:
            return None
        outline.scale = self._look.theme.scale
        outline.card = outline.widgets[0].rect.copy()
        return self._turned(outline, rotation)

    @staticmethod
    def _turned(layer: Layer, rotation: Rotation) -> Layer:
        layer.turned()
        for view in layer.viewports:
            view.turned(rotation)
        return layer

    def _take(self, job: Future[tuple[int, Rotation, Layer, bool]]) -> None:
        """A render finished: shown from this frame on, unless something changed since it
        started (a render errors as it would in the frame loop)."""
        self._job = None
        generation, rotation, layer, keep_scroll = job.result()
        if generation == self._generation:
            self._adopt(rotation, layer, keep_scroll)

    def _adopt(self, rotation: Rotation, layer: Layer, keep_scroll: bool) -> None:
        """Show ``layer``; scrolled as the one it replaces when it shows the same content."""
        offsets = ([view.offset for view in self._drawn.viewports]
                   if self._drawn and keep_scroll else [])
        self._rotation = rotation
        self._layer = self._drawn = layer
        for view, offset in zip(layer.viewports, offsets, strict=False):
            if offset:
                view.scroll_by(offset - view.offset)

    def _outdated(self, today: dt.date) -> bool:
        """Something outside the card changed what it shows (subclasses say what); ``today``
        may be a datetime (promotions by the hour)."""
        return False

    @abstractmethod
    def _render(self, rotation: Rotation, today: dt.date) -> Layer:
        """Draw the card into a new layer."""

    def _has_outline(self) -> bool:
        """Whether ``_outline`` draws something (asked before it is rendered, so a card
        without one does not wait for a render of nothing)."""
        return False

    def _outline(self, rotation: Rotation, today: dt.date) -> Layer | None:
        """The card without its content, quicker to draw, shown while the whole card renders
        the first time (None: the card has none, it shows whole or not at all)."""
        return None
