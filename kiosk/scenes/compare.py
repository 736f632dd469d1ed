"""Two products side by side: price and rating on top, then every spec, differences tinted.

Opened from a product panel's ``Comparer`` action; it faces the shopper who asked and stays
until they close it or one of the two products leaves the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pygame

from kiosk import i18n
from kiosk.catalog.catalog import Catalog
from kiosk.config.catalog import Product
from kiosk.scenes.cached_layer import SHADOW, CachedLayer
from kiosk.scenes.panel_frame import BUTTON, button, button_width
from kiosk.scenes.panel_sections import BODY, ROW, SMALL, blank, in_store_line
from kiosk.ui.draw import card, stars
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Rotation, Viewport, Widget

COMPARE_STEPS = ((860, 500), (600, 560))
PAD = 24
NAME_COLUMN = 230


class ComparePanel(CachedLayer):
    """The comparison of ``codes[0]`` and ``codes[1]``, as one shopper reads it."""

    def __init__(self, codes: tuple[str, str], locale: str, look: Look, catalog: Catalog,
                 on_close: Callable[[], None]) -> None:
        super().__init__(look)
        self.codes = codes
        self.locale = locale
        self._catalog = catalog
        self._on_close = on_close

    @property
    def steps(self) -> tuple[tuple[int, int], ...]:
        """Design sizes, full first: a narrower one for shoppers side by side."""
        return COMPARE_STEPS

    def products(self) -> list[Product]:
        """The two products, when both are in the catalog."""
        found = [self._catalog.get(code) for code in self.codes]
        return [product for product in found if product is not None]

    def differing_specs(self) -> set[str]:
        """Spec names whose values differ (or that only one product has)."""
        first, second = (product.specs[self.locale] for product in self.products())
        return {name for name in first.keys() | second.keys()
                if first.get(name) != second.get(name)}

    def _render(self, rotation: Rotation, today: dt.date) -> Layer:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        width, height = self.design
        surface, inner = card((px(width), px(height)), theme.surface, px(28), px(SHADOW))
        widgets: list[Widget] = [Widget("compare", inner.copy(),
                                        label=i18n.text("compare.title", self.locale),
                                        text=" | ".join(self.codes))]
        pad = px(PAD)
        close_label = i18n.text("action.close", self.locale)
        close = pygame.Rect(0, inner.top + pad - px(8), button_width(look, close_label),
                            px(BUTTON))
        close.right = inner.right - pad
        button(look, surface, close, close_label, self._on_close, widgets, filled=False)
        title = look.write(surface, i18n.text("compare.title", self.locale),
                           (inner.left + pad, inner.top + pad), 30, theme.text, True)
        widgets.append(Widget("heading", title, text=i18n.text("compare.title", self.locale),
                              size=30))
        hint_text = i18n.text("compare.differences", self.locale)
        hint_at = (title.right + px(20), title.bottom - px(26))
        if hint_at[0] + look.text.width(hint_text, px(SMALL)) > close.left - px(12):
            hint_at = (title.left, max(title.bottom, close.bottom) + px(4))
        hint = look.write(surface, hint_text, hint_at, SMALL, theme.muted)
        widgets.append(Widget("text", hint, text=hint_text, size=SMALL))
        products = self.products()
        name_column = min(px(NAME_COLUMN), (inner.width - 2 * pad) * 3 // 10)
        head_top = max(hint.bottom, close.bottom) + px(12)
        left = inner.left + pad + name_column
        column_width = (inner.right - pad - left) // 2
        wide = column_width >= px(300)
        head = px(104) if wide else px(64) + 2 * look.text.line_height(px(SMALL), True) + px(6)
        for index, product in enumerate(products[:2]):
            column = pygame.Rect(left + index * column_width, head_top, column_width - px(12),
                                 head)
            self._product_head(surface, column, widgets, product, wide)
        window = pygame.Rect(inner.left + pad, head_top + head + px(14), inner.width - 2 * pad,
                             inner.bottom - pad - head_top - head - px(14))
        content, content_widgets = self._rows(window.width, name_column, products, today)
        viewport = Viewport(window, content, content_widgets, fade=self._look.theme.surface)
        return Layer(surface, widgets, rotation, viewports=[viewport])

    def _product_head(self, surface: pygame.Surface, column: pygame.Rect,
                      widgets: list[Widget], product: Product, wide: bool) -> None:
        """Photo and name: side by side in a wide column, the name under the photo in a
        narrow one."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        side = column.height if wide else px(64)
        box = pygame.Rect(column.left, column.top, side, side)
        pygame.draw.rect(surface, theme.subtle, box, border_radius=px(14))
        image = look.images.get(product.images[0], (box.width - px(12), box.height - px(12)))
        if image is None:
            self._media.missing()
        else:
            surface.blit(image, image.get_rect(center=box.center))
        text = (pygame.Rect(box.right + px(14), column.top, column.right - box.right - px(14),
                            column.height) if wide else
                pygame.Rect(column.left, box.bottom + px(6), column.width,
                            column.bottom - box.bottom - px(6)))
        name = look.paragraph(surface, product.name[self.locale], text, SMALL, theme.text,
                              bold=True, max_lines=3 if wide else 2)
        widgets.append(Widget("heading", name.union(box), text=product.name[self.locale],
                              size=SMALL))

    def _rows(self, width: int, name_column: int, products: list[Product],
              today: dt.date) -> tuple[pygame.Surface, list[Widget]]:
        """Price, rating, availability, then every spec in the first product's order."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        names: list[str] = []
        for product in products:
            names += [name for name in product.specs[self.locale] if name not in names]
        rows = [(i18n.text("compare.price", self.locale),
                 [i18n.price(p.current_price(today), look.currency, self.locale)
                  for p in products]),
                (i18n.text("compare.rating", self.locale),
                 [i18n.rating(p.rating() or 0, self.locale) if p.reviews else "—"
                  for p in products]),
                (i18n.text("compare.availability", self.locale),
                 [where[1] if (where := in_store_line(p, self.locale)) is not None
                  else i18n.text("compare.missing", self.locale) for p in products])]
        rows += [(name, [p.specs[self.locale].get(name, i18n.text("compare.missing",
                                                                    self.locale))
                         for p in products]) for name in names]
        column = (width - name_column) // 2
        heights = [max(px(ROW), max(len(look.text.wrap(v, px(BODY), column - px(24), True, 3))
                                    for v in values) * look.text.line_height(px(BODY), True)
                       + px(16)) for _, values in rows]
        surface = blank((width, sum(heights)))
        widgets: list[Widget] = []
        top = 0
        for index, ((name, values), height) in enumerate(zip(rows, heights, strict=True)):
            row = pygame.Rect(0, top, width, height)
            differs = len(set(values)) > 1
            if differs:
                pygame.draw.rect(surface, theme.accent.lerp(theme.surface, 0.82), row,
                                 border_radius=px(10))
            elif index % 2 == 0:
                pygame.draw.rect(surface, theme.subtle, row, border_radius=px(10))
            label = look.text.render(look.text.fit(name, px(BODY), name_column - px(24)),
                                     px(BODY), theme.muted)
            surface.blit(label, label.get_rect(midleft=(px(14), row.centery)))
            for position, value in enumerate(values):
                lines = look.text.wrap(value, px(BODY), column - px(24), True, 3)
                line_top = row.centery - len(lines) * look.text.line_height(px(BODY), True) // 2
                for line in lines:
                    rendered = look.text.render(line, px(BODY), theme.text, True)
                    surface.blit(rendered, (name_column + position * column, line_top))
                    line_top += look.text.line_height(px(BODY), True)
            star_room = px(70) + 5 * px(22) + 4 * (px(22) // 6) <= column - px(12)
            if index == 1 and products and all(p.reviews for p in products) and star_room:
                for position, product in enumerate(products):
                    stars(surface, (name_column + position * column + px(70),
                                    row.centery - px(11)), px(22), product.rating() or 0,
                          theme.line)
            widgets.append(Widget("difference" if differs else "comparison", row, label=name,
                                  text=" | ".join(values), size=BODY))
            top = row.bottom
        return surface, widgets
