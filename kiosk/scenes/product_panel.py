"""The panel that opens beside a product: header with price, tabs, a scrollable section and
the shopper's actions (compare, language, send to phone).

It is rendered once into a layer and re-rendered only when the shopper changes something
(tab, language, photo, view) or an image it shows finishes loading; scrolling moves a window
over the section already rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pygame

from hardware.gtin import display_gtin
from kiosk import i18n
from kiosk.catalog import Catalog
from kiosk.config.catalog import Product
from kiosk.live_content import Freshness
from kiosk.scenes import panel_sections
from kiosk.scenes.cached_layer import SHADOW, CachedLayer
from kiosk.scenes.panel_sections import BODY, SMALL, Section, SectionContext
from kiosk.scenes.panel_views import compare_picker, not_found
from kiosk.ui.draw import card, pill, stars
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Rotation, Viewport, Widget

PANEL_SIZE = (760, 500)
NOT_FOUND_SIZE = (600, 390)
PAD = 24
TABS = ("overview", "specs", "reviews", "social", "suggestions")
TAB_TOP = 112
BUTTON = 58
PRICE_WIDTH = 250


class ProductPanel(CachedLayer):
    """One shopper's view of one product (or of a code the catalog does not know)."""

    def __init__(self, code: str, product: Product | None, locale: str, look: Look,
                 catalog: Catalog, *, on_locale: Callable[[str], None] | None = None,
                 on_open: Callable[[str, str], None] | None = None,
                 on_compare: Callable[[str, str], None] | None = None,
                 on_close: Callable[[str], None] | None = None,
                 on_send: Callable[[str], None] | None = None,
                 on_section: Callable[[str, str], None] | None = None,
                 on_table: bool = True) -> None:
        super().__init__(look)
        self.code = code
        self.product = product
        self.locale = locale
        self.on_table = on_table
        self.tab = TABS[0]
        self.view = "tab"  # or "pick": which product to compare with
        self.gallery_index = 0
        self.zoomed = False
        self._compare_with: tuple[str, ...] = ()
        self._catalog = catalog
        self._on_locale = on_locale
        self._on_open = on_open
        self._on_compare = on_compare
        self._on_close = on_close
        self._on_send = on_send
        self._on_section = on_section
        self._shown_price = product.price if product else None
        self.freshness: Freshness | None = None

    def use_catalog(self, catalog: Catalog, freshness: Callable[[str], Freshness | None]) -> None:
        """Show newer content; ``freshness`` says how old remote prices and stock are. A
        product gone from the catalog stays as it was until its panel closes."""
        self.product = catalog.get(self.code) or self.product
        self.freshness = freshness(self.code)
        super().use_catalog(catalog, freshness)

    def _outdated(self, today: dt.date) -> bool:
        """A promotion started or ended since the panel was drawn."""
        return self.product is not None and self.product.current_price(today) != self._shown_price

    @property
    def size(self) -> tuple[int, int]:
        """Screen size of the panel before turning, shadow included."""
        return self.outer_size(PANEL_SIZE if self.product else NOT_FOUND_SIZE)

    @property
    def compare_with(self) -> tuple[str, ...]:
        """Other products on the table this one can be compared with."""
        return self._compare_with

    @compare_with.setter
    def compare_with(self, codes: tuple[str, ...]) -> None:
        if codes != self._compare_with:
            self._compare_with = codes
            if self.view == "pick" and len(codes) < 2:
                self.view = "tab"
            self.invalidate()

    def select_tab(self, tab: str) -> None:
        """Show another section."""
        self.tab, self.view, self.zoomed = tab, "tab", False
        self.invalidate()
        if self._on_section is not None:
            self._on_section(self.code, tab)

    def set_locale(self, locale: str) -> None:
        """Switch this panel's language (each shopper chooses their own)."""
        self.locale = locale
        self.invalidate()

    def start_over(self, locale: str) -> None:
        """The next shopper finds the panel as new: first tab and photo, default language."""
        self.locale, self.tab, self.view = locale, TABS[0], "tab"
        self.gallery_index, self.zoomed = 0, False
        self.invalidate()

    def show_image(self, index: int) -> None:
        """Show photo ``index`` of the gallery."""
        if self.product is not None:
            self.gallery_index = index % len(self.product.images)
            self.invalidate()

    def zoom(self, zoom_in: bool) -> None:
        """The photo fills the section (two fingers spread on it), or goes back."""
        if zoom_in != self.zoomed:
            self.zoomed = zoom_in
            self.tab, self.view = ("overview", "tab") if zoom_in else (self.tab, self.view)
            self.invalidate()

    def swipe_gallery(self, step: int) -> None:
        """Next (``1``) or previous (``-1``) photo, from a swipe on the gallery."""
        self.show_image(self.gallery_index + step)

    def _render(self, rotation: Rotation, today: dt.date) -> Layer:
        look, px = self._look, self._look.theme.px
        design = PANEL_SIZE if self.product else NOT_FOUND_SIZE
        surface, inner = card((px(design[0]), px(design[1])), look.theme.surface, px(28),
                              px(SHADOW))
        widgets: list[Widget] = []
        viewports: list[Viewport] = []
        if self.product is None:
            not_found(look, surface, inner, widgets, self.code, self.locale)
            self._actions(surface, inner, widgets, with_send=False)
        else:
            viewports.append(self._draw_product(surface, inner, widgets, self.product, today))
        name = self.product.name[self.locale] if self.product else i18n.text(
            "not_found.title", self.locale)
        widgets.insert(0, Widget("panel", inner.copy(), label=name,
                                 text=i18n.printable(display_gtin(self.code))))
        return Layer(surface, widgets, rotation, viewports=viewports)

    def _draw_product(self, surface: pygame.Surface, inner: pygame.Rect, widgets: list[Widget],
                      product: Product, today: dt.date) -> Viewport:
        """Header, tab row, the section's window and the action row."""
        px = self._look.theme.px
        pad = px(PAD)
        self._header(surface, inner, widgets, product, today)
        tabs = pygame.Rect(inner.left + pad, inner.top + px(TAB_TOP), inner.width - 2 * pad,
                           px(BUTTON))
        self._tabs(surface, tabs, widgets)
        actions_top = self._actions(surface, inner, widgets, with_send=True)
        window = pygame.Rect(tabs.left, tabs.bottom + px(14), tabs.width,
                             actions_top - tabs.bottom - px(26))
        section = self._section(product, window.size, today)
        return Viewport(window, section.surface, section.widgets, section.axis,
                        fade=self._look.theme.surface)

    def _section(self, product: Product, size: tuple[int, int], today: dt.date) -> Section:
        ctx = SectionContext(self._look, self.locale, today, self._media, self._catalog,
                             self.gallery_index, self._open, self.show_image, self.zoomed)
        if self.view == "pick":
            return compare_picker(ctx, size, self._compare_with, self._compare)
        return panel_sections.SECTIONS[self.tab](ctx, product, size)

    def _header(self, surface: pygame.Surface, inner: pygame.Rect, widgets: list[Widget],
                product: Product, today: dt.date) -> None:
        """Brand, name and rating on the left; price, old price and promotion on the right."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        pad = px(PAD)
        left = pygame.Rect(inner.left + pad, inner.top + px(16),
                           inner.width - 2 * pad - px(PRICE_WIDTH), px(TAB_TOP - 24))
        brand = product.brand.upper()
        if not self.on_table:
            aisle = product.availability.in_store.aisle
            brand += "  ·  " + (i18n.text("suggestion.elsewhere", self.locale) if aisle is None
                                else i18n.text("suggestion.where", self.locale, aisle=aisle))
        rect = look.write(surface, brand, left.topleft, SMALL - 1, theme.muted, True)
        widgets.append(Widget("text" if self.on_table else "where", rect,
                              text=product.brand if self.on_table else brand, size=SMALL - 1))
        if self.on_table:
            self._rating(surface, (rect.right + px(16), rect.top), widgets, product)
        price = self._price(surface, pygame.Rect(inner.right - pad - px(PRICE_WIDTH), left.top,
                                                 px(PRICE_WIDTH), left.height), widgets, product,
                            today)
        title_area = pygame.Rect(left.left, rect.bottom + px(6), left.width, px(66))
        if price.colliderect(title_area):
            title_area.width = price.left - px(16) - title_area.left
        title = look.paragraph(surface, product.name[self.locale], title_area, 26, theme.text,
                               bold=True, max_lines=2)
        widgets.append(Widget("heading", title, text=product.name[self.locale], size=26))

    def _rating(self, surface: pygame.Surface, topleft: tuple[int, int],
                widgets: list[Widget], product: Product) -> None:
        look, px = self._look, self._look.theme.px
        average = product.rating()
        if average is None:
            message = i18n.text("no_reviews", self.locale)
            rect = look.write(surface, message, topleft, SMALL, look.theme.muted)
            widgets.append(Widget("rating", rect, text=message, size=SMALL))
            return
        width = stars(surface, (topleft[0], topleft[1]), px(20), average, look.theme.line)
        summary = f"{i18n.rating(average, self.locale)} · " + i18n.text(
            "reviews_count", self.locale, n=len(product.reviews))
        label = look.write(surface, summary, (topleft[0] + width + px(10), topleft[1]), SMALL,
                           look.theme.muted)
        widgets.append(Widget("rating", pygame.Rect(topleft, (width, px(20))).union(label),
                              text=summary, size=SMALL))

    def _price(self, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
               product: Product, today: dt.date) -> pygame.Rect:
        """Today's price, right-aligned; on promotion, the old price struck and its end date."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        current = product.current_price(today)
        self._shown_price = current
        on_promo = current != product.price
        price_text = i18n.price(current, look.currency, self.locale)
        rendered = look.text.render(price_text, px(38), theme.promo if on_promo else theme.text,
                                    True)
        rect = surface.blit(rendered, rendered.get_rect(topright=area.topright))
        shown = price_text
        if on_promo and product.promo is not None:
            old = i18n.price(product.price, look.currency, self.locale)
            old_surface = look.text.render(old, px(BODY), theme.muted)
            old_rect = surface.blit(old_surface, old_surface.get_rect(
                topright=(area.right, rect.bottom + px(2))))
            pygame.draw.line(surface, theme.muted, (old_rect.left, old_rect.centery + px(1)),
                             (old_rect.right, old_rect.centery + px(1)), px(2))
            until = i18n.text("until", self.locale,
                              date=i18n.short_date(product.promo.until, self.locale, today))
            badge_text = look.text.render(until, px(SMALL - 1), theme.surface, True)
            badge = badge_text.get_rect(midright=(old_rect.left - px(22), old_rect.centery))
            pill(surface, badge.inflate(px(20), px(10)), theme.promo)
            surface.blit(badge_text, badge)
            shown = f"{price_text} ({old}) {until}"
            rect = rect.union(old_rect).union(badge.inflate(px(20), px(10)))
        widgets.append(Widget("price", rect, text=shown, size=38))
        if self.freshness is not None and self.freshness.from_cache:
            moment = dt.datetime.fromtimestamp(self.freshness.fetched_at)
            note = i18n.text("content.as_of", self.locale,
                             date=i18n.short_date(moment.date(), self.locale, today),
                             time=moment.strftime("%H:%M"))
            noted = look.write(surface, note, (rect.left, rect.bottom + px(4)), SMALL - 1,
                               theme.muted)
            widgets.append(Widget("freshness", noted, text=note, size=SMALL - 1))
            rect = rect.union(noted)
        return rect

    def _tabs(self, surface: pygame.Surface, row: pygame.Rect, widgets: list[Widget]) -> None:
        """Tabs as wide as their labels, sharing the row's spare width equally."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        pygame.draw.line(surface, theme.line, (row.left, row.bottom), (row.right, row.bottom),
                         px(2))
        labels = [i18n.text(f"tab.{tab}", self.locale) for tab in TABS]
        widths = [look.text.width(label, px(22), True) for label in labels]
        spare = max(0, row.width - sum(widths)) // len(TABS)
        left = row.left
        for tab, label, width in zip(TABS, labels, widths, strict=True):
            cell = pygame.Rect(left, row.top, width + spare, row.height)
            left = cell.right
            selected = tab == self.tab and self.view == "tab"
            rendered = look.text.render(label, px(22), theme.accent if selected else theme.muted,
                                        True)
            surface.blit(rendered, rendered.get_rect(center=cell.center))
            if selected:
                pygame.draw.rect(surface, theme.accent,
                                 pygame.Rect(cell.left + px(8), cell.bottom - px(4),
                                             cell.width - px(16), px(6)), border_radius=px(3))
            widgets.append(Widget("tab", cell, label=label, text="selected" if selected else "",
                                  size=22, on_tap=lambda tab=tab: self.select_tab(tab)))

    def _actions(self, surface: pygame.Surface, inner: pygame.Rect, widgets: list[Widget],
                 with_send: bool) -> int:
        """The row of buttons at the panel's foot, nearest the shopper; returns its top."""
        px = self._look.theme.px
        top = inner.bottom - px(PAD) - px(BUTTON)
        left = inner.left + px(PAD)
        buttons: list[tuple[str, Callable[[], None]]] = []
        if not self.on_table:
            buttons.append((i18n.text("action.close", self.locale), self._close))
        if self._compare_with and self.product is not None:
            buttons.append((i18n.text("action.compare", self.locale), self._start_compare))
        if len(self._look.locales) > 1:
            target = i18n.next_locale(self.locale, self._look.locales)
            buttons.append((i18n.text("language", target),
                            lambda: self._choose_locale(target)))
        for label, action in buttons:
            rect = self._button(surface, (left, top), label, action, widgets, filled=False)
            left = rect.right + px(12)
        if with_send:
            label = i18n.text("action.send", self.locale)
            width = self._look.text.width(label, px(22), True) + px(56)
            self._button(surface, (inner.right - px(PAD) - width, top), label,
                         self._send, widgets, filled=True)
        return top

    def _button(self, surface: pygame.Surface, topleft: tuple[int, int], label: str,
                action: Callable[[], None], widgets: list[Widget], filled: bool) -> pygame.Rect:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        rendered = look.text.render(label, px(22), theme.surface if filled else theme.text, True)
        rect = pygame.Rect(topleft, (rendered.get_width() + px(56), px(BUTTON)))
        if filled:
            pill(surface, rect, theme.accent)
        else:
            pill(surface, rect, theme.surface, theme.line, px(2))
        surface.blit(rendered, rendered.get_rect(center=rect.center))
        widgets.append(Widget("button", rect, label=label, size=22, on_tap=action))
        return rect

    def _send(self) -> None:
        if self._on_send is not None:
            self._on_send(self.code)

    def _start_compare(self) -> None:
        if len(self._compare_with) == 1:
            self._compare(self._compare_with[0])
        else:
            self.view = "pick"
            self.invalidate()

    def _compare(self, other: str) -> None:
        self.view = "tab"
        self.invalidate()
        if self._on_compare is not None:
            self._on_compare(self.code, other)

    def _open(self, code: str) -> None:
        if self._on_open is not None:
            self._on_open(self.code, code)

    def _close(self) -> None:
        if self._on_close is not None:
            self._on_close(self.code)

    def _choose_locale(self, locale: str) -> None:
        self.set_locale(locale)
        if self._on_locale is not None:
            self._on_locale(locale)
