"""Colours, fonts and sizes from the store's theme, scaled to the screen."""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from kiosk.config import KioskConfig

REFERENCE_HEIGHT = 1080
LARGE_TEXT = 1.25
"""Large-text mode: every size a quarter larger (panels grow with their text)."""


@dataclass(frozen=True)
class Theme:
    """The store's look; ``px`` turns design pixels (at 1080 lines) into screen pixels."""

    background: pygame.Color
    surface: pygame.Color
    text: pygame.Color
    muted: pygame.Color
    accent: pygame.Color
    promo: pygame.Color
    ok: pygame.Color
    warning: pygame.Color
    scale: float
    """Screen pixels per design pixel for text and cards (large text included)."""
    screen_scale: float
    """Screen pixels per design pixel for distances on the table (products do not grow
    with large text)."""

    @classmethod
    def from_config(cls, config: KioskConfig, screen_height: int) -> Theme:
        """Theme for a screen whose short side is ``screen_height`` pixels."""
        colors = config.store.theme.colors
        return cls(
            background=pygame.Color(colors.background),
            surface=pygame.Color(colors.surface),
            text=pygame.Color(colors.text),
            muted=pygame.Color(colors.muted),
            accent=pygame.Color(colors.accent),
            promo=pygame.Color(colors.promo),
            ok=pygame.Color(colors.ok),
            warning=pygame.Color(colors.warning),
            scale=max(screen_height, 360) / REFERENCE_HEIGHT
            * (LARGE_TEXT if config.store.accessibility.large_text else 1.0),
            screen_scale=max(screen_height, 360) / REFERENCE_HEIGHT,
        )

    def px(self, design_pixels: float) -> int:
        """Screen pixels for a size designed for a 1080-line screen."""
        return max(1, round(design_pixels * self.scale))

    @property
    def line(self) -> pygame.Color:
        """Hairlines and separators on panels."""
        return self.text.lerp(self.surface, 0.86)

    @property
    def subtle(self) -> pygame.Color:
        """Backgrounds of cards and rows inside panels."""
        return self.text.lerp(self.surface, 0.95)
