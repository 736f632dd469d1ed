"""The empty table: the store's images in a loop and an invitation to place a product.

The invitation is written in every locale and faces each edge where shoppers stand; rings
pulse where to put the product.
"""

from __future__ import annotations

import math

import pygame

from kiosk import i18n
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Rotation, Widget

FADE_S = 1.2
SHADE = 0.58
EDGE_ROTATION = {"bottom": 0, "top": 180, "left": 270, "right": 90}
WHITE = pygame.Color(255, 255, 255)


class AttractLoop:
    """Draws the attract screen; text layers are rendered once per screen size."""

    def __init__(self, look: Look, size: tuple[int, int], images: tuple[str, ...],
                 seconds_per_image: float, edges: tuple[str, ...], locale: str) -> None:
        self._look = look
        self._size = size
        self._images = images
        self._seconds = seconds_per_image
        self._edges = edges
        self._locale = locale
        self._invitations: list[Layer] = []

    def draw(self, screen: pygame.Surface, now: float) -> None:
        """Draw the loop at time ``now`` (seconds)."""
        screen.fill(self._look.theme.background)
        self._draw_slides(screen, now)
        self._draw_hint(screen, now)
        for layer in self.invitations():
            layer.draw(screen)

    def invitations(self) -> list[Layer]:
        """One invitation per shopper edge, turned to face it."""
        if not self._invitations:
            self._invitations = [self._invitation(EDGE_ROTATION[edge], edge)
                                 for edge in self._edges]
        return self._invitations

    def _draw_slides(self, screen: pygame.Surface, now: float) -> None:
        count = len(self._images)
        position = now / self._seconds
        index = int(position) % count
        following = self._slide(self._images[(index + 1) % count])
        current = self._slide(self._images[index])
        if current is not None:
            screen.blit(current, current.get_rect(center=screen.get_rect().center))
        into_fade = (position % 1) * self._seconds - (self._seconds - FADE_S)
        if count > 1 and into_fade > 0 and following is not None:
            following.set_alpha(round(255 * into_fade / FADE_S))
            screen.blit(following, following.get_rect(center=screen.get_rect().center))
            following.set_alpha(None)

    def _slide(self, path: str) -> pygame.Surface | None:
        """The image covering the screen, darkened so white text reads on it."""
        return self._look.images.get(path, self._size, "cover", darken=SHADE)

    def _draw_hint(self, screen: pygame.Surface, now: float) -> None:
        px = self._look.theme.px
        center = screen.get_rect().center
        for ring in range(3):
            phase = (now * 0.6 + ring / 3) % 1.0
            radius = px(90) + round(phase * px(130))
            alpha = round(200 * (1 - phase))
            ring_surface = pygame.Surface((2 * radius + 8, 2 * radius + 8), pygame.SRCALPHA)
            color = pygame.Color(self._look.theme.accent)
            color.a = alpha
            pygame.draw.circle(ring_surface, color, (radius + 4, radius + 4), radius, px(5))
            screen.blit(ring_surface, ring_surface.get_rect(center=center))
        bob = round(math.sin(now * 2.4) * px(8))
        spot = pygame.Rect(0, 0, px(120), px(120))
        spot.center = (center[0], center[1] + bob)
        pygame.draw.rect(screen, WHITE, spot, width=px(5), border_radius=px(22))
        pygame.draw.line(screen, WHITE, (spot.left + px(30), spot.centery),
                         (spot.right - px(30), spot.centery), px(5))

    def _invitation(self, rotation: Rotation, edge: str) -> Layer:
        look, px = self._look, self._look.theme.px
        locales = [self._locale] + [x for x in look.locales if x != self._locale]
        width = self._size[0] if rotation in (0, 180) else self._size[1]
        surface = pygame.Surface((min(width, px(1400)), px(220)), pygame.SRCALPHA)
        widgets: list[Widget] = []
        top = 0
        for order, locale in enumerate(locales):
            size = 60 if order == 0 else 36
            line = i18n.text("invite", locale)
            rendered = look.text.render(line, px(size), WHITE, order == 0)
            rect = surface.blit(rendered, rendered.get_rect(midtop=(surface.get_width() // 2,
                                                                    top)))
            widgets.append(Widget("invite", rect, text=line))
            top = rect.bottom + px(6)
        sub = i18n.text("invite_sub", self._locale)
        rendered = look.text.render(sub, px(26), pygame.Color(220, 224, 230))
        rect = surface.blit(rendered, rendered.get_rect(midtop=(surface.get_width() // 2,
                                                                top + px(10))))
        widgets.append(Widget("text", rect, text=sub))
        layer = Layer(surface, widgets, rotation)
        turned = layer.screen_rect
        margin = px(70)
        screen = pygame.Rect((0, 0), self._size)
        anchors = {
            "bottom": {"midbottom": (screen.centerx, screen.bottom - margin)},
            "top": {"midtop": (screen.centerx, margin)},
            "left": {"midleft": (margin, screen.centery)},
            "right": {"midright": (screen.right - margin, screen.centery)},
        }
        layer.topleft = turned.move_to(**anchors[edge]).topleft
        return layer
