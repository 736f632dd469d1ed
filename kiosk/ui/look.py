"""What every scene needs to draw in the store's style, bundled once per screen."""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from kiosk.ui.images import ImageLoader
from kiosk.ui.render_worker import RenderWorker
from kiosk.ui.text import TextRenderer
from kiosk.ui.theme import Theme


@dataclass(frozen=True)
class Look:
    """Theme, text and images for one screen size, plus the store facts panels show."""

    theme: Theme
    text: TextRenderer
    images: ImageLoader
    currency: str
    locales: tuple[str, ...]
    renderer: RenderWorker | None = None
    """Where cached layers are rendered off the frame loop once enabled (None or disabled: in
    the frame that needs them, as step mode, tests and tools want)."""

    def write(self, surface: pygame.Surface, text: str, topleft: tuple[int, int], size: int,
              color: pygame.Color, bold: bool = False) -> pygame.Rect:
        """Draw one line of text at design ``size``; returns where it went."""
        rendered = self.text.render(text, self.theme.px(size), color, bold)
        return surface.blit(rendered, topleft)

    def paragraph(self, surface: pygame.Surface, text: str, rect: pygame.Rect, size: int,
                  color: pygame.Color, bold: bool = False, max_lines: int | None = None,
                  spacing: float = 1.0) -> pygame.Rect:
        """Wrapped text inside ``rect`` (cut with … past ``max_lines`` or the bottom)."""
        px = self.theme.px(size)
        step = round(self.text.line_height(px, bold) * spacing)
        fitting = max(1, rect.height // step) if rect.height else None
        limit = min(x for x in (max_lines, fitting) if x is not None) if (
            max_lines or fitting) else None
        lines = self.text.wrap(text, px, rect.width, bold, limit)
        top = rect.top
        for line in lines:
            surface.blit(self.text.render(line, px, color, bold), (rect.left, top))
            top += step
        return pygame.Rect(rect.left, rect.top, rect.width, top - rect.top)

