"""What is drawn over what: the order of the table's layers, as last drawn. A touch reaches
the topmost card under it, and the widget tree and scripted taps see exactly that: a widget
another card hides is covered, not tappable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pygame

from kiosk.ui.widgets import Layer, covered


@dataclass(frozen=True)
class Aim:
    """Where a scripted finger would tap a label: ``point`` (None: no such widget in view),
    and the layer that hides it there, if one does."""

    point: tuple[float, float] | None
    hidden_by: str = ""


@dataclass
class Stack:
    """Layer keys bottom to top, and the layers as last drawn."""

    order: list[str] = field(default_factory=list)
    drawn: dict[str, Layer] = field(default_factory=dict)

    def add(self, key: str, below: Callable[[str], bool] | None = None) -> None:
        """Put ``key`` on top, or just under the first layer for which ``below`` is true."""
        place = next((index for index, other in enumerate(self.order)
                      if below is not None and below(other)), len(self.order))
        self.order.insert(place, key)

    def remove(self, key: str) -> None:
        """The layer closed."""
        self.drawn.pop(key, None)
        if key in self.order:
            self.order.remove(key)

    def raise_up(self, key: str) -> None:
        """Draw ``key`` above the others."""
        if key in self.order:
            self.order.remove(key)
            self.order.append(key)

    def layer_at(self, x: float, y: float) -> tuple[str, Layer] | None:
        """The topmost drawn layer whose card lies under a point, with its key."""
        for key in reversed(self.order):
            layer = self.drawn.get(key)
            if layer is not None and layer.card_rect.collidepoint(x, y):
                return key, layer
        return None

    def cards(self) -> list[pygame.Rect]:
        """The cards as drawn, bottom to top."""
        return [self.drawn[key].card_rect for key in self.order if key in self.drawn]

    def tree(self, owner: Callable[[str], dict[str, object]]) -> list[dict[str, object]]:
        """Every widget of every layer, bottom to top, marked covered where a card drawn
        above hides it; ``owner`` adds what the scene knows of each layer."""
        keys = [key for key in self.order if key in self.drawn]
        cards = self.cards()
        nodes: list[dict[str, object]] = []
        for index, key in enumerate(keys):
            extra = owner(key)
            nodes += [{**node, **extra} for node in self.drawn[key].tree(cards[index + 1:])]
        return nodes

    def aim(self, label: str, tappable: bool,
            accept: Callable[[str], bool] = lambda key: True) -> Aim:
        """Where to tap a widget labelled ``label`` on a layer ``accept`` takes: topmost first,
        one in view before one another card hides."""
        hidden: Aim | None = None
        keys = [key for key in self.order if key in self.drawn]
        for index in range(len(keys) - 1, -1, -1):
            if not accept(keys[index]):
                continue
            layer = self.drawn[keys[index]]
            above = [self.drawn[other] for other in keys[index + 1:]]
            for widget, rect in reversed(layer.visible_widgets()):
                if widget.label != label or (tappable and widget.on_tap is None):
                    continue
                on_screen = layer.to_screen_rect(rect)
                if not covered(on_screen, [other.card_rect for other in above]):
                    return Aim(on_screen.center)
                cover = max(above, key=lambda other: _area(other.card_rect.clip(on_screen)))
                hidden = hidden or Aim(on_screen.center, cover.widgets[0].label)
        return hidden or Aim(None)


def _area(rect: pygame.Rect) -> int:
    return rect.width * rect.height
