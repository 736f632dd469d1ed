"""Who stands where: the edge a product's shopper stands at, and the language each shopper
chose, so one shopper's choice never reaches a shopper at another place of the table."""

from __future__ import annotations

import math
from dataclasses import dataclass

OUTWARD = {"top": (0, -1), "bottom": (0, 1), "left": (-1, 0), "right": (1, 0)}
SAME_SHOPPER = 640
"""Design pixels: products this close along one edge are taken to be one shopper's (about
40 cm on a 55-inch 1080p table; two shoppers side by side stand 60 cm apart or more)."""


def shopper_edge(point: tuple[float, float], size: tuple[int, int], edges: tuple[str, ...],
                 round_table: bool) -> str:
    """The edge of the shopper a product at ``point`` (screen pixels) belongs to: the nearest
    listed edge, or on a round table the listed edge in the product's direction from the
    centre."""
    x, y = point
    width, height = size
    if round_table:
        dx, dy = x - width / 2, y - height / 2
        return max(edges, key=lambda edge: dx * OUTWARD[edge][0] + dy * OUTWARD[edge][1])
    distance = {"top": y, "bottom": height - y, "left": x, "right": width - x}
    return min(edges, key=lambda edge: distance[edge])


@dataclass(frozen=True)
class _Choice:
    edge: str
    point: tuple[float, float]
    locale: str


class ShopperLanguages:
    """Languages chosen during the session, each where its shopper stands."""

    def __init__(self, reach: float) -> None:
        """``reach``: screen pixels within which two products are one shopper's."""
        self._reach = reach
        self._choices: list[_Choice] = []

    def choose(self, edge: str, point: tuple[float, float], locale: str) -> None:
        """The shopper of the product at ``point`` chose ``locale``."""
        self._choices = [choice for choice in self._choices
                         if not self._same_shopper(choice, edge, point)]
        self._choices.append(_Choice(edge, point, locale))

    def locale_at(self, edge: str, point: tuple[float, float]) -> str | None:
        """The language chosen by the shopper of a product placed at ``point``, if they chose
        one: the nearest choice made at that edge within reach."""
        near = [choice for choice in self._choices if self._same_shopper(choice, edge, point)]
        if not near:
            return None
        return min(near, key=lambda choice: math.dist(choice.point, point)).locale

    def same_shopper(self, edge: str, point: tuple[float, float], other_edge: str,
                     other: tuple[float, float]) -> bool:
        """Whether products at two places belong to one shopper."""
        return edge == other_edge and math.dist(point, other) <= self._reach

    def clear(self) -> None:
        """The session ended: the next shoppers start in the default language."""
        self._choices.clear()

    def _same_shopper(self, choice: _Choice, edge: str, point: tuple[float, float]) -> bool:
        return self.same_shopper(choice.edge, choice.point, edge, point)
