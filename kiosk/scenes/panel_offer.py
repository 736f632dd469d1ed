"""A product's offer at the top of its panel's overview: a banner with a badge, what the
shopper gets and until when, and "Recevoir l'offre", seen before anything else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pygame

from kiosk import i18n
from kiosk.config.offers import Offer
from kiosk.scenes.panel_frame import (
    MIN_BUTTON_PAD,
    OFFER,
    button,
    button_width,
    offer_row,
    offer_row_height,
    offer_row_width,
)
from kiosk.scenes.panel_sections import BODY, SMALL, Extra, Section, blank
from kiosk.ui.look import Look
from kiosk.ui.widgets import Widget

Actions = list[tuple[str, Callable[[], None]]]
BANNER_GAP = 12
PAD = 6


def actions_extra(look: Look, actions: Actions) -> Extra | None:
    """The panel's actions ("Commander", "Réserver") under the availability lines."""
    if not actions:
        return None
    return Extra(offer_row_width(look, actions),
                 lambda width: offer_row_height(look, width, actions),
                 lambda surface, area, widgets, right: offer_row(look, surface, area, widgets,
                                                                 actions, right))


class OfferBanner:
    """One row: the badge, the line (cut short with "…" when the panel is narrow: the sheet
    says it in full) and the button, on a tinted band edged in the promotion colour."""

    def __init__(self, look: Look, locale: str, today: dt.date, offer: Offer,
                 on_get: Callable[[], None]) -> None:
        self._look = look
        self._on_get = on_get
        self.badge = _local(offer.badge, locale) if offer.badge else i18n.text("offer.badge",
                                                                             locale)
        title = _local(offer.title, locale)
        self.line = title if offer.until is None else i18n.text(
            "offer.line", locale, title=title, date=i18n.short_date(offer.until, locale, today))
        self.label = i18n.text("action.get_offer", locale)

    def height(self, width: int) -> int:
        px = self._look.theme.px
        return max(px(OFFER), self._look.text.line_height(px(BODY), True)) + 2 * px(PAD)

    def draw(self, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget]) -> int:
        """Draw at the top of ``area``; returns the bottom."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        box = pygame.Rect(area.left, area.top, area.width, self.height(area.width))
        pygame.draw.rect(surface, theme.subtle, box, border_radius=px(16))
        pygame.draw.rect(surface, theme.promo, box, px(2), border_radius=px(16))
        inner = box.inflate(-2 * px(PAD), -2 * px(PAD))
        width = min(button_width(look, self.label, MIN_BUTTON_PAD), inner.width // 2)
        place = pygame.Rect(inner.right - width, inner.top, width, inner.height)
        button(look, surface, place, self.label, self._on_get, widgets, filled=True)
        rendered = look.text.render(self.badge, px(SMALL), theme.surface, True)
        pill_rect = pygame.Rect(inner.left + px(4), 0, rendered.get_width() + 2 * px(12),
                                rendered.get_height() + px(8))
        pill_rect.centery = inner.centery
        pygame.draw.rect(surface, theme.promo, pill_rect, border_radius=pill_rect.height // 2)
        surface.blit(rendered, rendered.get_rect(center=pill_rect.center))
        widgets.append(Widget("offer_badge", pill_rect, text=self.badge, size=SMALL))
        room = place.left - px(14) - pill_rect.right - px(12)
        shown = look.text.fit(self.line, px(BODY), room, True)
        text = look.text.render(shown, px(BODY), theme.promo, True)
        rect = surface.blit(text, text.get_rect(midleft=(pill_rect.right + px(12),
                                                        inner.centery)))
        widgets.append(Widget("offer", rect, text=self.line, size=BODY))
        return box.bottom

    def above(self, body: Section, width: int) -> Section:
        """The banner on top of a section, the section's widgets moved under it."""
        top = self.height(width) + self._look.theme.px(BANNER_GAP)
        surface = blank((width, top + body.surface.get_height()))
        widgets: list[Widget] = []
        self.draw(surface, pygame.Rect(0, 0, width, top), widgets)
        surface.blit(body.surface, (0, top))
        for widget in body.widgets:
            widget.rect = widget.rect.move(0, top)
        return Section(surface, widgets + body.widgets, body.axis)


def _local(text: dict[str, str], locale: str) -> str:
    return text.get(locale) or next(iter(text.values()), "")
