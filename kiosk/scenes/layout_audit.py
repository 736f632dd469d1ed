"""What is wrong with a table as drawn, read from its widget tree: layers of different shoppers
overlapping, products covered (by another shopper's layer, or by their own panel), layers out
of reach of their product, facing the wrong edge or partly off the screen. The layout
benchmark and the tests judge layouts with it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kiosk.scenes.attract import EDGE_ROTATION
from kiosk.scenes.shoppers import shopper_edge

CARDS = ("panel", "sheet", "compare")
Node = dict[str, object]


@dataclass
class Audit:
    """The faults of one table."""

    layers: int = 0
    overlapping: list[tuple[str, str]] = field(default_factory=list)
    covered_products: list[str] = field(default_factory=list)
    farthest: float = 0.0
    """Largest distance between a layer and its shopper's product, in design pixels."""
    under_own_view: list[str] = field(default_factory=list)
    """Products a sheet or comparison of their own shopper reaches over (allowed: that shopper
    is using it, and may move the product)."""
    wrong_facing: list[str] = field(default_factory=list)
    off_screen: list[str] = field(default_factory=list)
    steps: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """Nothing overlaps, covers, faces away or leaves the screen."""
        return not (self.overlapping or self.covered_products or self.wrong_facing
                    or self.off_screen)


def audit(nodes: list[Node], size: tuple[int, int], edges: tuple[str, ...], round_table: bool,
          footprint: float, unit: float = 1.0) -> Audit:
    """Judge a tree; ``footprint`` is a product's radius and ``unit`` screen pixels per design
    pixel (the product radius and the distances are physical, not text-sized)."""
    result = Audit()
    products = {str(node["shopper"]): _center(node) for node in nodes
                if node["role"] == "product"}
    cards = [node for node in nodes if node["role"] in CARDS]
    result.layers = len(cards)
    for index, card in enumerate(cards):
        box = _box(card)
        for other in cards[index + 1:]:
            if card["shopper"] != other["shopper"] and _overlap(box, _box(other)) > 0:
                result.overlapping.append((str(card["layer"]), str(other["layer"])))
        x, y, width, height = box
        if x < 0 or y < 0 or x + width > size[0] or y + height > size[1]:
            result.off_screen.append(str(card["layer"]))
        center = products.get(str(card["shopper"]))
        if center is None:
            continue
        result.farthest = max(result.farthest, _gap(box, center, footprint) / unit)
        edge = shopper_edge(center, size, edges, round_table)
        if card["rotation"] != EDGE_ROTATION[edge] and card["role"] == "panel":
            result.wrong_facing.append(str(card["layer"]))
    for code, center in products.items():
        over = [card for card in cards if _gap(_box(card), center, footprint) == 0]
        if any(card["shopper"] != code or card["role"] == "panel" for card in over):
            result.covered_products.append(code)
        elif over:
            result.under_own_view.append(code)
    return result


def _box(node: Node) -> tuple[int, int, int, int]:
    x, y, width, height = node["rect"]  # type: ignore[misc]
    return x, y, width, height


def _center(node: Node) -> tuple[float, float]:
    x, y, width, height = _box(node)
    return x + width / 2, y + height / 2


def _overlap(first: tuple[int, int, int, int], second: tuple[int, int, int, int]) -> int:
    width = min(first[0] + first[2], second[0] + second[2]) - max(first[0], second[0])
    height = min(first[1] + first[3], second[1] + second[3]) - max(first[1], second[1])
    return max(0, width) * max(0, height)


def _gap(box: tuple[int, int, int, int], center: tuple[float, float], radius: float) -> float:
    """Pixels between a rectangle and a product's footprint (0 when they touch)."""
    x, y, width, height = box
    nearest = (min(max(center[0], x), x + width), min(max(center[1], y), y + height))
    return max(0.0, math.dist(nearest, center) - radius)
