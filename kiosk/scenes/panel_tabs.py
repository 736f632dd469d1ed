"""The sections under a product panel's tabs: overview, specs, reviews."""

from __future__ import annotations

import datetime as dt

import pygame

from kiosk import i18n
from kiosk.config.catalog import Product
from kiosk.ui.draw import stars
from kiosk.ui.look import Look
from kiosk.ui.widgets import Widget

KEY_SPECS = 3


def draw(tab: str, look: Look, surface: pygame.Surface, area: pygame.Rect,
         widgets: list[Widget], product: Product, locale: str, today: dt.date) -> None:
    """Draw section ``tab`` of ``product`` inside ``area``."""
    if tab == "overview":
        _overview(look, surface, area, widgets, product, locale)
    elif tab == "specs":
        _spec_rows(look, surface, area, widgets, list(product.specs[locale].items()))
    elif tab == "reviews":
        _reviews(look, surface, area, widgets, product, locale, today)


def _overview(look: Look, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
              product: Product, locale: str) -> None:
    px, theme = look.theme.px, look.theme
    description = look.paragraph(surface, product.description[locale],
                                 pygame.Rect(area.left, area.top, area.width, px(84)), 20,
                                 theme.text, max_lines=3)
    widgets.append(Widget("text", description, text=product.description[locale]))
    heading = look.write(surface, i18n.text("key_specs", locale).upper(),
                         (area.left, description.bottom + px(10)), 16, theme.muted, True)
    rows = pygame.Rect(area.left, heading.bottom + px(6), area.width,
                       area.bottom - heading.bottom - px(6))
    _spec_rows(look, surface, rows, widgets, list(product.specs[locale].items())[:KEY_SPECS])


def _spec_rows(look: Look, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
               specs: list[tuple[str, str]]) -> None:
    """Name on the left, value on the right, alternate rows shaded; as many as fit."""
    px, theme = look.theme.px, look.theme
    row_height = px(40)
    name_width = area.width * 36 // 100
    for index, (name, value) in enumerate(specs):
        row = pygame.Rect(area.left, area.top + index * row_height, area.width, row_height)
        if row.bottom > area.bottom:
            break
        if index % 2 == 0:
            pygame.draw.rect(surface, theme.subtle, row, border_radius=px(10))
        name_text = look.text.fit(name, px(20), name_width - px(20))
        value_text = look.text.fit(value, px(20), area.width - name_width - px(16), bold=True)
        name_surface = look.text.render(name_text, px(20), theme.muted)
        value_surface = look.text.render(value_text, px(20), theme.text, True)
        surface.blit(name_surface, name_surface.get_rect(midleft=(row.left + px(14),
                                                                  row.centery)))
        surface.blit(value_surface, value_surface.get_rect(midleft=(row.left + name_width,
                                                                    row.centery)))
        widgets.append(Widget("spec", row, label=name, text=value))


def _reviews(look: Look, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
             product: Product, locale: str, today: dt.date) -> None:
    px, theme = look.theme.px, look.theme
    average = product.rating()
    if average is None:
        rect = look.write(surface, i18n.text("no_reviews", locale), area.topleft, 22, theme.muted)
        widgets.append(Widget("rating", rect, text=i18n.text("no_reviews", locale)))
        return
    score = look.write(surface, i18n.rating(average, locale), area.topleft, 34, theme.text,
                       True)
    stars_width = stars(surface, (score.right + px(12), score.centery - px(10)), px(20), average,
                        theme.line)
    count = look.write(surface, i18n.text("reviews_count", locale, n=len(product.reviews)),
                       (score.right + stars_width + px(24), score.centery - px(11)), 18,
                       theme.muted)
    widgets.append(Widget("rating", score.union(count),
                          text=f"{i18n.rating(average, locale)} · "
                               + i18n.text("reviews_count", locale, n=len(product.reviews))))
    top = score.bottom + px(6)
    ordered = sorted(product.reviews,
                     key=lambda review: (review.locale != locale, -review.helpful))
    for review in ordered:
        box = pygame.Rect(area.left, top, area.width, px(88))
        if box.bottom > area.bottom:
            break
        pygame.draw.rect(surface, theme.subtle, box, border_radius=px(14))
        stars(surface, (box.left + px(12), box.top + px(10)), px(15), review.rating, theme.line)
        byline = f"{review.author} · {i18n.short_date(review.date, locale, today)}"
        look.write(surface, byline, (box.left + px(112), box.top + px(6)), 17, theme.muted, True)
        look.paragraph(surface, review.text, pygame.Rect(box.left + px(12), box.top + px(30),
                                                         box.width - px(24), px(52)),
                       18, theme.text, max_lines=2)
        widgets.append(Widget("review", box, label="", text=f"{review.rating}/5 {byline}: "
                                                             f"{review.text}"))
        top = box.bottom + px(8)
