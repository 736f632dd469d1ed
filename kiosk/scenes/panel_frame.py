"""The frame of a product panel at any of its sizes: header (brand, rating, name, price), the
row of tabs and the row of actions. Each part measures its text and gives up space in a fixed
order (rating summary, then a line of the name, then tabs side by side, then actions on one row)
rather than shrinking text: the same sizes are read from a metre at every panel size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from kiosk import i18n
from kiosk.catalog.live import Freshness
from kiosk.config.catalog import Product
from kiosk.scenes.panel_sections import BODY, CONTROL, SMALL, blank
from kiosk.ui.draw import pill, stars
from kiosk.ui.look import Look
from kiosk.ui.widgets import Viewport, Widget

PAD = 24
BUTTON = 58
TITLE = 26
PRICE = 38
TAB_GAP = 16  # design pixels between two tab labels, at least
BUTTON_PAD = 28  # design pixels each side of a button's label
MIN_BUTTON_PAD = 14  # ... when a row of buttons is short of room
OFFER = 48  # design height of "Order" and "Reserve" (a chip's): they share rows with text
MIN_NAME_WIDTH = 0.45  # of the header: narrower than this, the name goes under the price


@dataclass(frozen=True)
class HeaderFacts:
    """What the header shows besides the product."""

    locale: str
    today: dt.date
    on_table: bool
    freshness: Freshness | None
    name_lines: int
    away: tuple[str, ...] = ()
    """The variant shown is not the one on the table: the note, longest first (the longest
    that fits takes the place of brand and rating)."""


def header(look: Look, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
           product: Product, facts: HeaderFacts) -> int:
    """Brand and rating over the name on the left, price on the right; returns the bottom."""
    px, theme = look.theme.px, look.theme
    price, first_line = _price(look, surface, area, widgets, product, facts)
    brand_width = first_line.left - px(16) - area.left
    if facts.away:
        rect = _away(look, surface, pygame.Rect(area.left, area.top, brand_width,
                                                look.text.line_height(px(SMALL), True)),
                     widgets, facts.away)
        return _name(look, surface, area, widgets, product, facts, price, rect.bottom)
    brand = product.brand.upper()
    if not facts.on_table:
        aisle = product.availability.in_store.aisle
        brand += "  ·  " + (i18n.text("suggestion.elsewhere", facts.locale) if aisle is None
                            else i18n.text("suggestion.where", facts.locale, aisle=aisle))
    shown = look.text.fit(brand, px(SMALL), brand_width, True)
    rect = look.write(surface, shown, area.topleft, SMALL, theme.muted, True)
    widgets.append(Widget("text" if facts.on_table else "where", rect,
                          text=product.brand if facts.on_table else brand, size=SMALL))
    if facts.on_table:
        _rating(look, surface, (rect.right + px(16), rect.top), area.left + brand_width, widgets,
                product, facts.locale)
    return _name(look, surface, area, widgets, product, facts, price, rect.bottom)


def _name(look: Look, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
          product: Product, facts: HeaderFacts, price: pygame.Rect, under: int) -> int:
    """The product's name under the brand line (beside the price, or under it when the
    price leaves it too little room); returns the header's bottom."""
    px, theme = look.theme.px, look.theme
    beside = price.left - px(16) - area.left
    top = under + px(6)
    if beside >= area.width * MIN_NAME_WIDTH:
        name_area = pygame.Rect(area.left, top, beside, area.bottom - top)
    else:
        name_area = pygame.Rect(area.left, max(top, price.bottom + px(6)), area.width,
                                area.bottom - top)
    name = look.paragraph(surface, product.name[facts.locale], name_area, TITLE, theme.text,
                          bold=True, max_lines=facts.name_lines)
    widgets.append(Widget("heading", name, text=product.name[facts.locale], size=TITLE))
    return max(name.bottom, price.bottom)


def _away(look: Look, surface: pygame.Surface, line: pygame.Rect, widgets: list[Widget],
          notes: tuple[str, ...]) -> pygame.Rect:
    """A badge saying the variant shown is not the one on the table: the longest note that
    fits the line (the tree always has the longest)."""
    px, theme = look.theme.px, look.theme
    pad = px(12)
    shown = next((note for note in notes
                  if look.text.width(note, px(SMALL), True) + 2 * pad <= line.width), notes[-1])
    fitted = look.text.fit(shown, px(SMALL), line.width - 2 * pad, True)
    rendered = look.text.render(fitted, px(SMALL), theme.surface, True)
    badge = pygame.Rect(line.left, line.top - px(3), rendered.get_width() + 2 * pad,
                        rendered.get_height() + px(6))
    pill(surface, badge, theme.text)
    surface.blit(rendered, rendered.get_rect(center=badge.center))
    widgets.append(Widget("not_on_table", badge, text=notes[0], size=SMALL))
    return badge


def _rating(look: Look, surface: pygame.Surface, topleft: tuple[int, int], right: int,
            widgets: list[Widget], product: Product, locale: str) -> None:
    """Stars and "4,2 · 4 avis" after the brand, as much of it as there is room for."""
    px, theme = look.theme.px, look.theme
    average = product.rating()
    if average is None:
        message = i18n.text("no_reviews", locale)
        if topleft[0] + look.text.width(message, px(SMALL)) <= right:
            rect = look.write(surface, message, topleft, SMALL, theme.muted)
            widgets.append(Widget("rating", rect, text=message, size=SMALL))
        return
    star = px(20)
    if topleft[0] + 5 * star + 4 * (star // 6) > right:
        return
    width = stars(surface, (topleft[0], topleft[1] + px(3)), star, average, theme.line)
    summary = f"{i18n.rating(average, locale)} · " + i18n.text("reviews_count", locale,
                                                              n=len(product.reviews))
    rect = pygame.Rect(topleft, (width, star))
    if topleft[0] + width + px(10) + look.text.width(summary, px(SMALL)) <= right:
        rect = rect.union(look.write(surface, summary, (topleft[0] + width + px(10),
                                                        topleft[1]), SMALL, theme.muted))
    widgets.append(Widget("rating", rect, text=summary, size=SMALL))


def _price(look: Look, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
           product: Product, facts: HeaderFacts) -> tuple[pygame.Rect, pygame.Rect]:
    """Today's price, right-aligned; on promotion, the old price struck and its end date; how
    old a remote price is when it comes from the cache. Returns the whole block and its first
    line (the brand shares that line)."""
    px, theme = look.theme.px, look.theme
    current = product.current_price(facts.today)
    on_promo = current != product.price
    price_text = i18n.price(current, look.currency, facts.locale)
    rendered = look.text.render(price_text, px(PRICE), theme.promo if on_promo else theme.text,
                                True)
    rect = first_line = surface.blit(rendered, rendered.get_rect(topright=area.topright))
    shown = price_text
    if on_promo and product.promo is not None:
        old = i18n.price(product.price, look.currency, facts.locale)
        old_surface = look.text.render(old, px(BODY), theme.muted)
        old_rect = surface.blit(old_surface, old_surface.get_rect(
            topright=(area.right, rect.bottom + px(6))))
        pygame.draw.line(surface, theme.muted, (old_rect.left, old_rect.centery + px(1)),
                         (old_rect.right, old_rect.centery + px(1)), px(2))
        until = i18n.text("until", facts.locale,
                          date=i18n.short_date(product.promo.until, facts.locale, facts.today))
        badge_text = look.text.render(until, px(SMALL), theme.surface, True)
        badge = badge_text.get_rect(midright=(old_rect.left - px(22), old_rect.centery))
        pill(surface, badge.inflate(px(20), px(10)), theme.promo)
        surface.blit(badge_text, badge)
        shown = f"{price_text} ({old}) {until}"
        promotion = old_rect.union(badge.inflate(px(20), px(10)))
        widgets.append(Widget("promotion", promotion, text=f"{until} ({old})", size=SMALL))
        rect = rect.union(promotion)
    widgets.append(Widget("price", first_line, text=shown, size=PRICE))
    if facts.freshness is not None and facts.freshness.from_cache:
        moment = dt.datetime.fromtimestamp(facts.freshness.fetched_at)
        note = i18n.text("content.as_of", facts.locale,
                         date=i18n.short_date(moment.date(), facts.locale, facts.today),
                         time=moment.strftime("%H:%M"))
        width = look.text.width(note, px(SMALL))
        noted = look.write(surface, note, (area.right - width, rect.bottom + px(4)), SMALL,
                           theme.muted)
        widgets.append(Widget("freshness", noted, text=note, size=SMALL))
        rect = rect.union(noted)
    return rect, first_line


def tab_row(look: Look, surface: pygame.Surface, row: pygame.Rect, widgets: list[Widget],
            tabs: list[tuple[str, bool, Callable[[], None]]]) -> Viewport | None:
    """Tabs sharing the row's width; when their labels do not fit side by side, a strip that
    scrolls sideways (returned as a viewport), the selected tab in view."""
    px, theme = look.theme.px, look.theme
    pygame.draw.line(surface, theme.line, (row.left, row.bottom), (row.right, row.bottom),
                     px(2))
    widths = [look.text.width(label, px(CONTROL), True) for label, _, _ in tabs]
    spare = (row.width - sum(widths)) // len(tabs)
    fits = spare >= px(TAB_GAP)
    cells = [width + (spare if fits else px(TAB_GAP)) for width in widths]
    strip = surface if fits else blank((sum(cells), row.height))
    origin = row.topleft if fits else (0, 0)
    left = origin[0]
    drawn: list[Widget] = []
    selected_cell = None
    for (label, selected, action), width in zip(tabs, cells, strict=True):
        cell = pygame.Rect(left, origin[1], width, row.height)
        left = cell.right
        rendered = look.text.render(label, px(CONTROL), theme.accent if selected else theme.muted,
                                    True)
        strip.blit(rendered, rendered.get_rect(center=cell.center))
        if selected:
            selected_cell = cell
            pygame.draw.rect(strip, theme.accent, pygame.Rect(
                cell.left + px(8), cell.bottom - px(5), cell.width - px(16), px(6)),
                border_radius=px(3))
        drawn.append(Widget("tab", cell, label=label, text="selected" if selected else "",
                            size=CONTROL, on_tap=action))
    if fits:
        widgets += drawn
        return None
    view = Viewport(row, strip, drawn, axis="x", fade=theme.surface)
    if selected_cell is not None and selected_cell.right > row.width:
        view.scroll_by(selected_cell.centerx - row.width / 2)
    return view


def action_row(look: Look, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
               buttons: list[tuple[str, Callable[[], None]]],
               main: tuple[str, Callable[[], None]] | None) -> int:
    """Buttons at the foot, nearest the shopper, with the main one on the right. Where the row
    is short, buttons first lose some of their side padding; when they still do not fit, the
    main one gets a row of its own below. Returns the top used."""
    px = look.theme.px
    gap = px(12)
    labels = [label for label, _ in buttons] + ([main[0]] if main else [])
    padding = next((pad for pad in range(BUTTON_PAD, MIN_BUTTON_PAD - 1, -2)
                    if sum(button_width(look, label, pad) for label in labels)
                    + gap * (len(labels) - 1) <= area.width), None)
    one_row = padding is not None
    padding = BUTTON_PAD if padding is None else padding
    widths = [button_width(look, label, padding) for label, _ in buttons]
    main_width = button_width(look, main[0], padding) if main else 0
    top = area.bottom - px(BUTTON) if one_row or not main else area.bottom - 2 * px(BUTTON) - gap
    left = area.left
    for (label, action), width in zip(buttons, widths, strict=True):
        button(look, surface, pygame.Rect(left, top, width, px(BUTTON)), label, action, widgets,
               filled=False)
        left += width + gap
    if main is not None:
        place = pygame.Rect(area.right - main_width, area.bottom - px(BUTTON), main_width,
                            px(BUTTON))
        if not one_row:
            place = pygame.Rect(area.left, area.bottom - px(BUTTON), area.width, px(BUTTON))
        button(look, surface, place, main[0], main[1], widgets, filled=True)
    return top


def offer_row_width(look: Look, offers: list[tuple[str, Callable[[], None]]]) -> int:
    """The least width ``offer_row`` needs to keep its buttons on one row."""
    return (sum(button_width(look, label, MIN_BUTTON_PAD) for label, _ in offers)
            + look.theme.px(12) * (len(offers) - 1))


def offer_row_height(look: Look, width: int, offers: list[tuple[str, Callable[[], None]]]
                     ) -> int:
    """How tall ``offer_row`` is in ``width`` pixels: one row, or one button per row."""
    px = look.theme.px
    rows = 1 if _offer_padding(look, width, offers) is not None else len(offers)
    return rows * px(OFFER) + (rows - 1) * px(10)


def offer_row(look: Look, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
              offers: list[tuple[str, Callable[[], None]]], right: bool = False) -> int:
    """"Order" and "Reserve" under the availability: side by side when they fit (giving up
    some padding first; at the right of ``area`` with ``right``), else one under the other.
    Returns the bottom."""
    px = look.theme.px
    padding = _offer_padding(look, area.width, offers)
    height = px(OFFER)
    left, top = area.left, area.top
    if right and padding is not None:
        left = area.right - (sum(button_width(look, label, padding) for label, _ in offers)
                             + px(12) * (len(offers) - 1))
    for label, action in offers:
        width = (button_width(look, label, padding) if padding is not None
                 else min(area.width, button_width(look, label)))
        rect = button(look, surface, pygame.Rect(left, top, width, height), label, action,
                      widgets, filled=False)
        if padding is not None:
            left = rect.right + px(12)
        else:
            top = rect.bottom + px(10)
    return top - px(10) if padding is None else top + height


def _offer_padding(look: Look, width: int, offers: list[tuple[str, Callable[[], None]]]
                   ) -> int | None:
    """The side padding that puts every offer on one row, or None."""
    gap = look.theme.px(12)
    return next((pad for pad in range(BUTTON_PAD, MIN_BUTTON_PAD - 1, -2)
                 if sum(button_width(look, label, pad) for label, _ in offers)
                 + gap * (len(offers) - 1) <= width), None)


def button_width(look: Look, label: str, padding: int = BUTTON_PAD) -> int:
    """A pill's width for its label, with ``padding`` design pixels each side."""
    px = look.theme.px
    return look.text.width(label, px(CONTROL), True) + 2 * px(padding)


def button(look: Look, surface: pygame.Surface, rect: pygame.Rect, label: str,
           action: Callable[[], None] | None, widgets: list[Widget], filled: bool,
           selected: bool = False) -> pygame.Rect:
    """A pill button: filled with the accent for the main action (or a selected choice)."""
    px, theme = look.theme.px, look.theme
    strong = filled or selected
    rendered = look.text.render(look.text.fit(label, px(CONTROL), rect.width - px(16), True),
                                px(CONTROL), theme.surface if strong else theme.text, True)
    if strong:
        pill(surface, rect, theme.accent)
    else:
        pill(surface, rect, theme.surface, theme.line, px(2))
    surface.blit(rendered, rendered.get_rect(center=rect.center))
    widgets.append(Widget("button", rect, label=label, size=CONTROL,
                          text="selected" if selected else "", on_tap=action))
    return rect
