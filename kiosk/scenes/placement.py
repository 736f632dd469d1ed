"""Where a panel goes beside its product: candidate spots in the shopper's order of preference,
and the one that covers least of the others (products count more than panels)."""

from __future__ import annotations

import pygame


def best_spot(screen: pygame.Rect, center: tuple[int, int], size: tuple[int, int],
              rotation: int, radius: int, gap: int, taken: list[pygame.Rect]) -> pygame.Rect:
    """Beside the product, preferring the shopper's right, then pulled toward their edge.

    The first spot that covers nothing wins; otherwise the one that covers least.
    """
    best: pygame.Rect | None = None
    best_overlap = -1
    for rect in candidates(screen.size, center, size, rotation, radius, gap):
        rect = rect.clamp(screen)
        overlap = sum(_area(rect.clip(other)) for other in taken)
        if best is None or overlap < best_overlap:
            best, best_overlap = rect, overlap
        if overlap == 0:
            break
    assert best is not None
    return best


def candidates(screen: tuple[int, int], center: tuple[int, int], size: tuple[int, int],
               rotation: int, radius: int, gap: int) -> list[pygame.Rect]:
    """Spots for a panel of ``size`` facing ``rotation`` around a product of ``radius`` at
    ``center``, best first; the screen's centre last."""
    x, y = center
    reach = radius + gap
    rect = pygame.Rect((0, 0), size)
    if radius == 0:
        reach = gap + max(size) // 2
    beside = {
        "right": {"midleft": (x + reach, y)}, "left": {"midright": (x - reach, y)},
        "above": {"midbottom": (x, y - reach)}, "below": {"midtop": (x, y + reach)},
    }
    order = {0: ("right", "left", "above", "below"), 180: ("left", "right", "below", "above"),
             90: ("above", "below", "left", "right"), 270: ("below", "above", "right", "left")}
    toward_edge = {0: {"bottom": screen[1]}, 180: {"top": 0}, 90: {"right": screen[0]},
                   270: {"left": 0}}
    away = {"bottom": ("top", 0), "top": ("bottom", screen[1]),
            "right": ("left", 0), "left": ("right", screen[0])}
    spots = []
    for side in order[rotation]:
        spot = rect.move_to(**beside[side])
        spots.append(spot)
        if side in (("left", "right") if rotation in (0, 180) else ("above", "below")):
            for attribute, value in toward_edge[rotation].items():
                pulled = spot.copy()
                setattr(pulled, attribute, value)
                spots.append(pulled)
                far = spot.copy()
                setattr(far, *away[attribute])
                spots.append(far)
    spots.append(rect.move_to(center=(screen[0] // 2, screen[1] // 2)))
    return spots


def _area(rect: pygame.Rect) -> int:
    return rect.width * rect.height
