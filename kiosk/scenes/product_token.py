"""A product on the table: a halo around it and, in the simulator, the product itself.

On a real table the product is physically there and only the halo is drawn; the simulator
draws the product as seen from above so a screenshot shows what lies where.
"""

from __future__ import annotations

import math
from concurrent.futures import Future

import pygame

from hardware.gtin import display_gtin
from kiosk import i18n
from kiosk.config.catalog import Product
from kiosk.ui.draw import card
from kiosk.ui.images import MediaWait
from kiosk.ui.look import Look
from kiosk.ui.widgets import Widget

TOKEN = 190  # design pixels
HALO = 118
BOX_BROWN = pygame.Color("#C89B6D")


class ProductToken:
    """Draws one product's marker; the turned product image is cached per angle (and made by
    the render worker when the frame loop has one, the last one drawn standing in)."""

    def __init__(self, code: str, product: Product | None, look: Look) -> None:
        self._code = code
        self._product = product
        self._look = look
        self._turned: dict[int, pygame.Surface] = {}
        self._job: Future[tuple[int, pygame.Surface]] | None = None
        self._last: pygame.Surface | None = None
        self._media = MediaWait(look.images)
        self.bounds = pygame.Rect(0, 0, 0, 0)

    def draw(self, screen: pygame.Surface, center: tuple[int, int], angle: float, now: float,
             with_product: bool) -> None:
        """Draw at ``center``, turned by ``angle`` degrees; records where it went."""
        px = self._look.theme.px
        pulse = 0.5 + 0.5 * math.sin(now * 3.0)
        radius = px(HALO) + round(pulse * px(6))
        halo = pygame.Surface((2 * radius + 16, 2 * radius + 16), pygame.SRCALPHA)
        color = pygame.Color(self._look.theme.accent)
        color.a = 110 + round(80 * pulse)
        pygame.draw.circle(halo, color, (radius + 8, radius + 8), radius, px(6))
        screen.blit(halo, halo.get_rect(center=center))
        surface = self._surface(round(angle) % 360) if with_product else None
        self._last = surface or self._last
        bounds = pygame.Rect(0, 0, 2 * radius, 2 * radius)
        bounds.center = center
        if surface is not None:
            bounds = screen.blit(surface, surface.get_rect(center=center))
        self.bounds = bounds

    def describe(self) -> dict[str, object]:
        """The product as the widget tree shows it."""
        label = self._product.name[self._look.locales[0]] if self._product else ""
        return Widget("product", self.bounds, label=label,
                      text=i18n.printable(display_gtin(self._code))).describe(self.bounds)

    def _surface(self, angle: int) -> pygame.Surface | None:
        if self._job is not None and self._job.done():
            done, turned = self._job.result()
            self._job = None
            self._turned[done] = turned
        if self._media.stale and self._job is None:
            self._turned.clear()
        if angle in self._turned:
            return self._turned[angle]
        renderer = self._look.renderer
        if renderer is None or not renderer.enabled:
            self._turned[angle] = pygame.transform.rotate(self._flat(), angle)
            return self._turned[angle]
        if self._job is None:
            self._job = renderer.submit(
                lambda: (angle, pygame.transform.rotate(self._flat(), angle)))
        return self._last

    def _flat(self) -> pygame.Surface:
        px = self._look.theme.px
        size = px(TOKEN)
        if self._product is None:
            return self._unknown_box(size)
        surface, inner = card((size, size), pygame.Color("#FFFFFF"), px(26), px(10))
        self._media.begin()
        image = self._look.images.get(self._product.images[0], (size - px(20), size - px(20)))
        if image is None:
            self._media.missing()
        else:
            surface.blit(image, image.get_rect(center=inner.center))
        return surface

    def _unknown_box(self, size: int) -> pygame.Surface:
        """A plain cardboard box with a barcode: something the catalog does not know."""
        px = self._look.theme.px
        surface, inner = card((size, round(size * 0.8)), BOX_BROWN, px(8), px(10))
        pygame.draw.line(surface, BOX_BROWN.lerp((0, 0, 0), 0.25), inner.midtop,
                         inner.midbottom, px(10))
        label = pygame.Rect(0, 0, round(size * 0.55), round(size * 0.3))
        label.center = (inner.centerx, inner.centery + px(20))
        pygame.draw.rect(surface, (255, 255, 255), label)
        for index in range(0, label.width - px(16), px(5)):
            width = px(2) if index % 3 else px(3)
            pygame.draw.rect(surface, (20, 20, 20), (label.left + px(8) + index,
                                                      label.top + px(8), width,
                                                      label.height - px(16)))
        return surface
