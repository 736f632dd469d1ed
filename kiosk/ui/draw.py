"""Small drawing helpers shared by scenes: cards with shadows, stars, pills."""

from __future__ import annotations

import math
from functools import lru_cache

import pygame

STAR_COLOR = pygame.Color("#F2A93B")


def card(size: tuple[int, int], color: pygame.Color, radius: int,
         shadow: int = 0) -> tuple[pygame.Surface, pygame.Rect]:
    """A rounded card on a transparent surface, with a soft shadow ``shadow`` px wide.

    Returns the surface and the card's rectangle inside it.
    """
    width, height = size
    surface = pygame.Surface((width + 2 * shadow, height + 2 * shadow), pygame.SRCALPHA)
    if shadow:
        for step in range(shadow, 0, -2):
            alpha = int(60 * (1 - step / shadow) ** 2) + 2
            rect = pygame.Rect(shadow - step, shadow - step + step // 3, width + 2 * step,
                               height + 2 * step)
            pygame.draw.rect(surface, (0, 0, 0, alpha), rect, border_radius=radius + step)
    inner = pygame.Rect(shadow, shadow, width, height)
    pygame.draw.rect(surface, color, inner, border_radius=radius)
    return surface, inner


def pill(surface: pygame.Surface, rect: pygame.Rect, color: pygame.Color,
         outline: pygame.Color | None = None, width: int = 0) -> None:
    """A fully rounded button background."""
    pygame.draw.rect(surface, color, rect, border_radius=rect.height // 2)
    if outline is not None:
        pygame.draw.rect(surface, outline, rect, width=max(1, width),
                         border_radius=rect.height // 2)


@lru_cache(maxsize=64)
def _star_points(size: int) -> tuple[tuple[float, float], ...]:
    outer, inner = size / 2, size / 2 * 0.45
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = -math.pi / 2 + index * math.pi / 5
        points.append((size / 2 + radius * math.cos(angle), size / 2 + radius * math.sin(angle)))
    return tuple(points)


def stars(surface: pygame.Surface, topleft: tuple[int, int], size: int, rating: float,
          empty: pygame.Color, gap: int | None = None) -> int:
    """Five stars filled up to ``rating`` (fractions too); returns the width drawn."""
    gap = size // 6 if gap is None else gap
    for index in range(5):
        star = pygame.Surface((size, size), pygame.SRCALPHA)
        points = _star_points(size)
        pygame.draw.polygon(star, empty, points)
        fill = min(max(rating - index, 0.0), 1.0)
        if fill > 0:
            full = pygame.Surface((size, size), pygame.SRCALPHA)
            pygame.draw.polygon(full, STAR_COLOR, points)
            star.blit(full, (0, 0), pygame.Rect(0, 0, round(size * fill), size))
        surface.blit(star, (topleft[0] + index * (size + gap), topleft[1]))
    return 5 * size + 4 * gap


def dot(surface: pygame.Surface, center: tuple[int, int], radius: int,
        color: pygame.Color) -> None:
    """A filled status dot."""
    pygame.draw.circle(surface, color, center, radius)
