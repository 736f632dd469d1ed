"""The panel that opens beside a product: header with price, tabs, a scrollable section and
the shopper's actions (compare, language, send to phone; order and reserve beside the
availability when the store offers them).

A product of a family shows a chip per size or colour at the top of its overview: a tap shows
that variant in the panel (price, stock, photos), marked as not the one on the table.

It is rendered once into a layer and re-rendered only when the shopper changes something
(tab, language, photo, view, variant) or an image it shows finishes loading; scrolling moves a
window over the section already rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pygame

from hardware.gtin import display_gtin
from kiosk import i18n
from kiosk.catalog.catalog import Catalog
from kiosk.catalog.live import Freshness
from kiosk.config.catalog import Product
from kiosk.handoff.service import SendService
from kiosk.offers.service import OfferService
from kiosk.scenes import panel_sections
from kiosk.scenes.cached_layer import SHADOW, CachedLayer
from kiosk.scenes.panel_frame import (
    BUTTON,
    PAD,
    HeaderFacts,
    action_row,
    header,
    tab_row,
)
from kiosk.scenes.panel_offer import OfferBanner, actions_extra
from kiosk.scenes.panel_sections import Extra, Section, SectionContext, in_stock_line
from kiosk.scenes.panel_variants import (
    Family,
    chip_strip,
    family,
    family_overview,
    not_on_table,
)
from kiosk.scenes.panel_views import compare_picker, not_found
from kiosk.ui.draw import card
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Rotation, Viewport, Widget

PANEL_STEPS = ((780, 500), (540, 540), (700, 320))
"""Design sizes, full first: a narrow panel for shoppers side by side (the tabs scroll and the
main action gets its own row) and a compact one where the table is short of depth (one line
of name, the stock here, tabs and actions: a tab touched grows it back). Text keeps its size
in all of them."""
NOT_FOUND_STEPS = ((600, 390),)
ONE_LINE_NAME_BELOW = 400  # design height under which the name gets one line
MIN_SECTION = 80  # design height under which a panel shows no section (tabs grow it back)
TABS = ("overview", "specs", "reviews", "social", "suggestions")
TOP = 18
Offer = Callable[[str, str], None]
"""Opens a sheet for a product shown by a panel: (the panel's code, the product's code)."""


class ProductPanel(CachedLayer):
    """One shopper's view of one product (or of a code the catalog does not know)."""

    def __init__(self, code: str, product: Product | None, locale: str, look: Look,
                 catalog: Catalog, *, on_locale: Callable[[str], None] | None = None,
                 on_open: Callable[[str, str], None] | None = None,
                 on_compare: Callable[[str, str], None] | None = None,
                 on_close: Callable[[str], None] | None = None,
                 on_send: Callable[[str], None] | None = None,
                 on_section: Callable[[str, str], None] | None = None,
                 on_table: bool = True, send: SendService | None = None,
                 on_order: Offer | None = None, on_reserve: Offer | None = None,
                 on_variant: Callable[[str], None] | None = None,
                 offers: OfferService | None = None, on_offer: Offer | None = None) -> None:
        """``send`` says whether the store offers "Order" (a cart link) and "Reserve" for the
        product shown; ``on_order`` and ``on_reserve`` open their sheets; ``on_variant`` hears
        of each variant a shopper chooses; ``offers`` says which offer the product has, and
        ``on_offer`` opens its sheet (with the panel's code and the offer's id)."""
        super().__init__(look)
        self.code = code
        self.product = product
        self.variant: Product | None = None
        """The variant shown instead of the product on the table (a chip was tapped)."""
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
        self._send_service = send
        self._on_order = on_order
        self._on_reserve = on_reserve
        self._on_variant = on_variant
        self._offer_service = offers
        self._on_offer = on_offer
        self._shown_offer: str | None = None
        self._variants: list[Product] | None = None  # the family, read once per catalog
        self._freshness: Callable[[str], Freshness | None] | None = None
        self._shown_price = product.price if product else None
        self.freshness: Freshness | None = None

    @property
    def shown(self) -> Product | None:
        """The product the panel shows: the variant chosen, else the one on the table."""
        return self.variant or self.product

    @property
    def shown_code(self) -> str:
        """The code of what the panel shows (the variant's, or the table's)."""
        return self.variant.gtin14 if self.variant is not None else self.code

    def use_catalog(self, catalog: Catalog, freshness: Callable[[str], Freshness | None]) -> None:
        """Show newer content; ``freshness`` says how old remote prices and stock are. A
        product gone from the catalog stays as it was until its panel closes."""
        self.product = catalog.get(self.code) or self.product
        if self.variant is not None:
            self.variant = catalog.get(self.variant.gtin14) or self.variant
        self._variants = None
        self.use_freshness(freshness)
        super().use_catalog(catalog, freshness)

    def use_freshness(self, freshness: Callable[[str], Freshness | None]) -> None:
        """How old remote prices and stock are, by code (of the variant shown, too)."""
        self._freshness = freshness
        self.freshness = freshness(self.shown_code)

    def show_variant(self, variant: Product) -> None:
        """Show ``variant`` of the family (the one on the table again: as placed)."""
        on_table = self.product is not None and variant.gtin14 == self.product.gtin14
        chosen = None if on_table else variant
        if (chosen and chosen.gtin14) != (self.variant and self.variant.gtin14):
            self.variant = chosen
            self.freshness = self._freshness(self.shown_code) if self._freshness else None
            self.invalidate()
        if self._on_variant is not None:
            self._on_variant(variant.gtin14)

    def _outdated(self, today: dt.date) -> bool:
        """A promotion or an offer started or ended since the panel was drawn."""
        shown = self.shown
        return shown is not None and (shown.current_price(today) != self._shown_price
                                      or self._offer_id(shown) != self._shown_offer)

    def _offer_id(self, shown: Product) -> str | None:
        """The id of the offer the shown product has now (memory only)."""
        if self._offer_service is None or self._on_offer is None:
            return None
        department = self._catalog.department_of(shown.gtin14)
        offer = self._offer_service.offer_for(shown.gtin14, department.id if department
                                              else None)
        return offer.id if offer is not None else None

    @property
    def steps(self) -> tuple[tuple[int, int], ...]:
        """Design sizes the panel can take, full first."""
        return PANEL_STEPS if self.product else NOT_FOUND_STEPS

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
        self.gallery_index, self.zoomed, self.variant = 0, False, None
        if self._freshness is not None:
            self.freshness = self._freshness(self.code)
        self.invalidate()

    def show_image(self, index: int) -> None:
        """Show photo ``index`` of the gallery."""
        if self.shown is not None:
            self.gallery_index = index % len(self.shown.images)
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
        return self._card(rotation, today, whole=True)

    def _has_outline(self) -> bool:
        return self.product is not None  # "not found" is drawn whole at once

    def _outline(self, rotation: Rotation, today: dt.date) -> Layer | None:
        """Header, tabs and buttons without the section (its photos and text take most of a
        first render): on screen a few milliseconds sooner, the section following."""
        return self._card(rotation, today, whole=False) if self._has_outline() else None

    def _card(self, rotation: Rotation, today: dt.date, *, whole: bool) -> Layer:
        look, px = self._look, self._look.theme.px
        width, height = self.design
        surface, inner = card((px(width), px(height)), look.theme.surface, px(28), px(SHADOW))
        widgets: list[Widget] = []
        viewports: list[Viewport] = []
        area = pygame.Rect(inner.left + px(PAD), inner.top + px(TOP), inner.width - 2 * px(PAD),
                           inner.height - px(TOP) - px(PAD))
        if self.product is None:
            not_found(look, surface, inner, widgets, self.code, self.locale)
            action_row(look, surface, area, widgets, self._buttons(), None)
        else:
            viewports = self._draw_product(surface, area, widgets, self.shown or self.product,
                                           today, whole)
        name = self.product.name[self.locale] if self.product else i18n.text(
            "not_found.title", self.locale)
        widgets.insert(0, Widget("panel", inner.copy(), label=name,
                                 text=i18n.printable(display_gtin(self.code))))
        return Layer(surface, widgets, rotation, viewports=viewports)

    def _draw_product(self, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
                      product: Product, today: dt.date, whole: bool = True) -> list[Viewport]:
        """Header, tab row, the section's window (``whole``) and the action row; the section's
        window first among the viewports, then the tab strip when the tabs scroll. Where there
        is no room for a section, a product of a family shows its chips instead of the tabs."""
        px = self._look.theme.px
        self._shown_price = product.current_price(today)
        lines = 1 if self.design[1] < ONE_LINE_NAME_BELOW else 2
        away = () if self.variant is None or self.product is None or not self.on_table else (
            not_on_table(self.variant, self.product, self.locale))
        facts = HeaderFacts(self.locale, today, self.on_table, self.freshness, lines, away)
        bottom = header(self._look, surface, area, widgets, product, facts)
        row = pygame.Rect(area.left, bottom + px(10), area.width, px(BUTTON))
        main = (i18n.text("action.send", self.locale), self._send)
        actions_top = action_row(self._look, surface, area, widgets, self._buttons(), main)
        window = pygame.Rect(area.left, row.bottom + px(12), area.width,
                             actions_top - row.bottom - px(24))
        offers = self._offers(product)
        self._shown_offer = self._offer_id(product)
        extra = actions_extra(self._look, offers)
        chips = self._family(product)
        if window.height < px(MIN_SECTION) and chips is not None:
            strip = chip_strip(self._look, surface, row, widgets, chips, extra)
        else:
            tabs = [(i18n.text(f"tab.{tab}", self.locale),
                     tab == self.tab and self.view == "tab",
                     lambda tab=tab: self.select_tab(tab)) for tab in TABS]
            strip = tab_row(self._look, surface, row, widgets, tabs)
        if window.height < px(MIN_SECTION):
            in_stock_line(self._look, surface, window, widgets, product, self.locale)
            return [strip] if strip is not None else []
        if not whole:
            return [strip] if strip is not None else []
        section = self._section(product, window.size, today, chips, extra)
        if (self.tab == "overview" and self.view == "tab" and not self.zoomed
                and self.variant is None):
            section = self._with_offer(product, section, window.size, today)
        views = [Viewport(window, section.surface, section.widgets, section.axis,
                          fade=self._look.theme.surface)]
        return views + ([strip] if strip is not None else [])

    def _section(self, product: Product, size: tuple[int, int], today: dt.date,
                 chips: Family | None, extra: Extra | None) -> Section:
        ctx = SectionContext(self._look, self.locale, today, self._media, self._catalog,
                             self.gallery_index, self._open, self.show_image, self.zoomed,
                             extra)
        if self.view == "pick":
            return compare_picker(ctx, size, self._compare_with, self._compare)
        if self.tab == "overview" and chips is not None:
            return family_overview(ctx, product, size, chips)
        return panel_sections.SECTIONS[self.tab](ctx, product, size)

    def _with_offer(self, product: Product, section: Section, size: tuple[int, int],
                    today: dt.date) -> Section:
        """The overview under a banner of the product's offer, if it has one: seen first,
        with its "Recevoir l'offre"; the overview scrolls into view under it. Not while the
        shopper looks at another size or colour: its stock comes first then."""
        service, on_offer, offer_id = self._offer_service, self._on_offer, self._shown_offer
        offer = service.offer(offer_id) if service is not None and offer_id else None
        if offer is None or on_offer is None or offer_id is None:
            return section
        banner = OfferBanner(self._look, self.locale, today, offer,
                             lambda: on_offer(self.code, offer_id))
        return banner.above(section, size[0])

    def _family(self, shown: Product) -> Family | None:
        """The chips of the shown product's family (read from the catalog once per catalog)."""
        if self.product is None or self.product.family is None:
            return None
        if self._variants is None:
            self._variants = self._catalog.variants(self.code)
        return family(self._variants, shown, self.locale, self.show_variant)

    def _offers(self, shown: Product) -> list[tuple[str, Callable[[], None]]]:
        """"Order" when the store has a cart link (and the web shop does sell it), "Reserve"
        when the shown product can be reserved here or in another store."""
        service, code = self._send_service, shown.gtin14
        offers: list[tuple[str, Callable[[], None]]] = []
        if service is None:
            return offers
        if (self._on_order is not None and shown.availability.online.available is not False
                and service.cart_link((code,)) is not None):
            order = self._on_order
            offers.append((i18n.text("action.order", self.locale),
                           lambda: order(self.code, code)))
        if self._on_reserve is not None and service.reserve_places(code, shown):
            reserve = self._on_reserve
            offers.append((i18n.text("action.reserve", self.locale),
                           lambda: reserve(self.code, code)))
        return offers

    def _buttons(self) -> list[tuple[str, Callable[[], None]]]:
        """The actions left of the main one: close (a suggested product), compare, language."""
        buttons: list[tuple[str, Callable[[], None]]] = []
        if not self.on_table:
            buttons.append((i18n.text("action.close", self.locale), self._close))
        if self._compare_with and self.product is not None:
            buttons.append((i18n.text("action.compare", self.locale), self._start_compare))
        if len(self._look.locales) > 1:
            target = i18n.next_locale(self.locale, self._look.locales)
            buttons.append((i18n.text("language", target), lambda: self._choose_locale(target)))
        return buttons

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
