"""The panel that opens beside a product: header, price, availability, tabs.

It is rendered once into a layer and re-rendered only when the shopper changes its tab or
language, or when an image it shows finishes loading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pygame

from hardware.gtin import display_gtin
from kiosk import i18n
from kiosk.config.catalog import Product
from kiosk.scenes import panel_tabs
from kiosk.ui.draw import card, dot, pill, stars
from kiosk.ui.images import MediaWait
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Rotation, Widget

PANEL_SIZE = (800, 500)
NOT_FOUND_SIZE = (560, 300)
PAD = 24
LEFT_COLUMN = 290
TITLE_TOP = 62
TABS_TOP = 170
SHADOW = 18
TABS = ("overview", "specs", "reviews")


class ProductPanel:
    """One shopper's view of one product (or of a code the catalog does not know)."""

    def __init__(self, code: str, product: Product | None, locale: str, look: Look,
                 on_locale: Callable[[str], None] | None = None) -> None:
        self.code = code
        self._on_locale = on_locale
        self.product = product
        self.locale = locale
        self.tab = TABS[0]
        self._look = look
        self._layer: Layer | None = None
        self._rotation: Rotation = 0
        self._media = MediaWait(look.images)

    @property
    def size(self) -> tuple[int, int]:
        """Screen size of the panel before turning, shadow included."""
        width, height = PANEL_SIZE if self.product else NOT_FOUND_SIZE
        px = self._look.theme.px
        return px(width) + 2 * px(SHADOW), px(height) + 2 * px(SHADOW)

    def select_tab(self, tab: str) -> None:
        """Show another section."""
        self.tab = tab
        self._layer = None

    def set_locale(self, locale: str) -> None:
        """Switch this panel's language (each shopper chooses their own)."""
        self.locale = locale
        self._layer = None

    def layer(self, rotation: Rotation, today: dt.date) -> Layer:
        """The rendered panel, turned by ``rotation``; cached until something changes."""
        if self._layer is None or self._media.stale or rotation != self._rotation:
            self._rotation = rotation
            self._layer = self._render(rotation, today)
        return self._layer

    def _render(self, rotation: Rotation, today: dt.date) -> Layer:
        look, px = self._look, self._look.theme.px
        design = PANEL_SIZE if self.product else NOT_FOUND_SIZE
        surface, inner = card((px(design[0]), px(design[1])), look.theme.surface, px(28),
                              px(SHADOW))
        widgets: list[Widget] = []
        self._media.begin()
        if self.product is None:
            self._draw_not_found(surface, inner, widgets)
        else:
            self._draw_product(surface, inner, widgets, self.product, today)
        self._draw_language_button(surface, inner, widgets)
        name = self.product.name[self.locale] if self.product else i18n.text(
            "not_found.title", self.locale)
        widgets.insert(0, Widget("panel", inner.copy(), label=name,
                                 text=i18n.printable(display_gtin(self.code))))
        return Layer(surface, widgets, rotation)

    def _draw_product(self, surface: pygame.Surface, inner: pygame.Rect, widgets: list[Widget],
                      product: Product, today: dt.date) -> None:
        """Left: picture, price, availability. Right: name, rating, tabs and their section."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        pad = px(PAD)
        left = pygame.Rect(inner.left + pad, inner.top + pad, px(LEFT_COLUMN),
                           inner.height - 2 * pad)
        image_box = pygame.Rect(left.topleft, (left.width, px(206)))
        pygame.draw.rect(surface, theme.subtle, image_box, border_radius=px(18))
        image = look.images.get(product.images[0], (image_box.height - px(12),) * 2)
        if image is None:
            self._media.missing()
        else:
            surface.blit(image, image.get_rect(center=image_box.center))
        widgets.append(Widget("image", image_box, text=product.images[0]))
        top = self._draw_price(surface, (left.left, image_box.bottom + px(14)), widgets, product,
                               today)
        self._draw_availability(surface, pygame.Rect(left.left, top + px(12), left.width,
                                                     left.bottom - top - px(12)), widgets, product)

        right = pygame.Rect(left.right + px(26), left.top, inner.right - pad - left.right - px(26),
                            left.height)
        brand = look.write(surface, product.brand.upper(), right.topleft, 18, theme.muted, True)
        widgets.append(Widget("text", brand, text=product.brand))
        title = look.paragraph(surface, product.name[self.locale],
                               pygame.Rect(right.left, inner.top + px(TITLE_TOP), right.width,
                                           px(72)), 28, theme.text, bold=True, max_lines=2)
        widgets.append(Widget("heading", title, text=product.name[self.locale]))
        rating_top = title.bottom + px(8)
        self._draw_rating(surface, (right.left, rating_top), widgets, product)
        tabs = pygame.Rect(right.left, inner.top + px(TABS_TOP), right.width, px(52))
        self._draw_tabs(surface, tabs, widgets)
        content = pygame.Rect(right.left, tabs.bottom + px(14), right.width,
                              inner.bottom - pad - tabs.bottom - px(14))
        panel_tabs.draw(self.tab, look, surface, content, widgets, product, self.locale, today)

    def _draw_rating(self, surface: pygame.Surface, topleft: tuple[int, int],
                     widgets: list[Widget], product: Product) -> None:
        look, px = self._look, self._look.theme.px
        average = product.rating()
        if average is None:
            rect = look.write(surface, i18n.text("no_reviews", self.locale), topleft, 20,
                              look.theme.muted)
            widgets.append(Widget("rating", rect, text=i18n.text("no_reviews", self.locale)))
            return
        width = stars(surface, topleft, px(22), average, look.theme.line)
        summary = f"{i18n.rating(average, self.locale)} · " + i18n.text(
            "reviews_count", self.locale, n=len(product.reviews))
        label = look.write(surface, summary, (topleft[0] + width + px(10), topleft[1]), 20,
                           look.theme.muted)
        widgets.append(Widget("rating", pygame.Rect(topleft, (width, px(22))).union(label),
                              text=summary))

    def _draw_price(self, surface: pygame.Surface, topleft: tuple[int, int],
                    widgets: list[Widget], product: Product, today: dt.date) -> int:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        current = product.current_price(today)
        on_promo = current != product.price
        price_text = i18n.price(current, look.currency, self.locale)
        rect = look.write(surface, price_text, topleft, 42, theme.promo if on_promo else theme.text,
                          True)
        shown = price_text
        if on_promo and product.promo is not None:
            old = i18n.price(product.price, look.currency, self.locale)
            old_rect = look.write(surface, old, (rect.left, rect.bottom + px(2)), 22, theme.muted)
            pygame.draw.line(surface, theme.muted, (old_rect.left, old_rect.centery + px(1)),
                             (old_rect.right, old_rect.centery + px(1)), px(2))
            until = i18n.text("until", self.locale,
                              date=i18n.short_date(product.promo.until, self.locale, today))
            badge_text = look.text.render(until, px(18), theme.surface, True)
            badge = badge_text.get_rect(left=old_rect.right + px(20), centery=old_rect.centery)
            pill(surface, badge.inflate(px(18), px(8)), theme.promo)
            surface.blit(badge_text, badge)
            shown = f"{price_text} ({old}) {until}"
            rect = rect.union(old_rect).union(badge.inflate(px(18), px(8)))
        widgets.append(Widget("price", rect, text=shown))
        return rect.bottom

    def _draw_availability(self, surface: pygame.Surface, area: pygame.Rect,
                           widgets: list[Widget], product: Product) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        colors = {"ok": theme.ok, "warning": theme.warning, "muted": theme.muted}
        top = area.top
        for tone, line in availability_lines(product, self.locale):
            size = 21 if tone != "muted" else 18
            dot(surface, (area.left + px(6), top + px(size) // 2 + px(4)), px(6), colors[tone])
            text_area = pygame.Rect(area.left + px(20), top, area.width - px(20),
                                    area.bottom - top)
            rect = look.paragraph(surface, line, text_area, size,
                                  theme.text if tone != "muted" else theme.muted,
                                  bold=tone != "muted", max_lines=2)
            widgets.append(Widget("availability", rect, text=line))
            top = rect.bottom + px(4)

    def _draw_tabs(self, surface: pygame.Surface, row: pygame.Rect,
                   widgets: list[Widget]) -> None:
        """Tabs as wide as their labels, sharing the row's spare width equally."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        pygame.draw.line(surface, theme.line, (row.left, row.bottom), (row.right, row.bottom),
                         px(2))
        labels = [i18n.text(f"tab.{tab}", self.locale) for tab in TABS]
        widths = [look.text.width(label, px(21), True) for label in labels]
        spare = max(0, row.width - sum(widths)) // len(TABS)
        left = row.left
        for tab, label, width in zip(TABS, labels, widths, strict=True):
            cell = pygame.Rect(left, row.top, width + spare, row.height)
            left = cell.right
            selected = tab == self.tab
            rendered = look.text.render(label, px(21), theme.accent if selected else theme.muted,
                                        True)
            surface.blit(rendered, rendered.get_rect(center=cell.center))
            if selected:
                pygame.draw.rect(surface, theme.accent,
                                 pygame.Rect(cell.left + px(8), cell.bottom - px(3),
                                             cell.width - px(16), px(5)), border_radius=px(3))
            widgets.append(Widget("tab", cell, label=label, text="selected" if selected else "",
                                  on_tap=lambda tab=tab: self.select_tab(tab)))

    def _draw_not_found(self, surface: pygame.Surface, inner: pygame.Rect,
                        widgets: list[Widget]) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        pad = px(32)
        center = (inner.left + pad + px(34), inner.top + pad + px(34))
        pygame.draw.circle(surface, theme.warning, center, px(34))
        mark = look.text.render("?", px(44), theme.surface, True)
        surface.blit(mark, mark.get_rect(center=center))
        title = i18n.text("not_found.title", self.locale)
        rect = look.write(surface, title, (center[0] + px(52), center[1] - px(22)), 32,
                          theme.text, True)
        widgets.append(Widget("heading", rect, text=title))
        body = i18n.text("not_found.body", self.locale)
        body_rect = look.paragraph(surface, body, pygame.Rect(inner.left + pad, inner.top + px(120),
                                                              inner.width - 2 * pad, px(150)),
                                   24, theme.text, spacing=1.1)
        widgets.append(Widget("text", body_rect, text=body))
        code = i18n.text("not_found.code", self.locale,
                         code=i18n.printable(display_gtin(self.code)))
        code_rect = look.write(surface, code, (inner.left + pad, body_rect.bottom + px(14)), 20,
                               theme.muted)
        widgets.append(Widget("text", code_rect, text=code))

    def _draw_language_button(self, surface: pygame.Surface, inner: pygame.Rect,
                              widgets: list[Widget]) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        if len(look.locales) < 2:
            return
        target = i18n.next_locale(self.locale, look.locales)
        label = i18n.text("language", target)
        rendered = look.text.render(label, px(19), theme.text, True)
        button = pygame.Rect(0, 0, rendered.get_width() + px(36), px(46))
        button.topright = (inner.right - px(16), inner.top + px(14))
        pill(surface, button, theme.surface, theme.line, px(2))
        surface.blit(rendered, rendered.get_rect(center=button.center))
        widgets.append(Widget("button", button, label=label,
                              on_tap=lambda: self._choose_locale(target)))

    def _choose_locale(self, locale: str) -> None:
        self.set_locale(locale)
        if self._on_locale is not None:
            self._on_locale(locale)


def availability_lines(product: Product, locale: str) -> list[tuple[str, str]]:
    """What a shopper needs to know about getting it: here, online, elsewhere; with a tone."""
    stock = product.availability.in_store
    if stock.stock == 0:
        lines = [("warning", i18n.text("out_of_stock", locale))]
    elif stock.stock == 1:
        lines = [("warning", i18n.text("last_one", locale, aisle=stock.aisle))]
    elif stock.stock <= 3:
        lines = [("warning", i18n.text("low_stock", locale, n=stock.stock, aisle=stock.aisle))]
    else:
        lines = [("ok", i18n.text("in_stock", locale, aisle=stock.aisle))]
    online = product.availability.online
    if not online.available:
        lines.append(("muted", i18n.text("online_no", locale)))
    elif online.delivery_days is None:
        lines.append(("muted", i18n.text("online_now", locale)))
    else:
        lines.append(("muted", i18n.text("online", locale, days=online.delivery_days)))
    elsewhere = [store.name for store in product.availability.other_stores if store.stock > 0]
    if elsewhere:
        lines.append(("muted", i18n.text("other_stores", locale, names=", ".join(elsewhere[:2]))))
    return lines
