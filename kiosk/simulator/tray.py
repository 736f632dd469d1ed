"""The simulator's tray: the catalog's products, to drag onto the table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pygame

from hardware.events import SourceState, SourceStatus
from kiosk import i18n
from kiosk.catalog.catalog import Catalog
from kiosk.ui.images import MediaWait
from kiosk.ui.look import Look

UNKNOWN_CODE = "2000000000008"  # in-store numbering range: never in a supplier's catalog
ROW = 76
LIST_TOP = 126  # design pixels: the title and the hint (up to three lines) above the list
HINT = 18
HEADER = 46
TRAY_PER_DEPARTMENT = 60
"""Products listed under each department: the simulator is for trying a few, not scrolling a
hypermarket (any product can still be scanned by its code)."""
STATUS_COLORS = {SourceState.OK: "ok", SourceState.STARTING: "muted",
                 SourceState.DEGRADED: "warning", SourceState.UNAVAILABLE: "promo",
                 SourceState.STOPPED: "muted"}


@dataclass(frozen=True)
class TrayRow:
    """A product row (or a department header when ``code`` is empty)."""

    code: str
    title: str
    subtitle: str
    image: str | None
    top: int


class Tray:
    """Lists the products; the list is rendered once and scrolled by blitting."""

    def __init__(self, look: Look, catalog: Catalog, locale: str, width: int) -> None:
        self._look = look
        self._locale = locale
        self._width = width
        self._rows = self._make_rows(catalog)
        self._list: pygame.Surface | None = None
        self._media = MediaWait(look.images)
        self.scroll = 0

    def _make_rows(self, catalog: Catalog) -> list[TrayRow]:
        px = self._look.theme.px
        rows: list[TrayRow] = []
        top = 0
        for department in catalog.departments:
            rows.append(TrayRow("", department.name[self._locale].upper(), "", None, top))
            top += px(HEADER)
            for product in catalog.in_department(department.id, TRAY_PER_DEPARTMENT):
                price = i18n.price(product.current_price(dt.date.today()), self._look.currency,
                                   self._locale)
                rows.append(TrayRow(product.gtin, product.name[self._locale],
                                    f"{product.brand} · {price}", product.images[0], top))
                top += px(ROW)
        rows.append(TrayRow(UNKNOWN_CODE, i18n.text("tray.unknown", self._locale),
                            UNKNOWN_CODE, None, top + px(12)))
        return rows

    def code_at(self, y: float) -> str | None:
        """The product under a point at height ``y`` of the tray's list."""
        px = self._look.theme.px
        list_y = y - px(LIST_TOP) + self.scroll
        for row in self._rows:
            if row.code and row.top <= list_y < row.top + px(ROW):
                return row.code
        return None

    def thumbnail(self, code: str) -> pygame.Surface | None:
        """The image dragged under the cursor."""
        row = next((row for row in self._rows if row.code == code), None)
        if row is None or row.image is None:
            return None
        size = self._look.theme.px(96)
        return self._look.images.get(row.image, (size, size))

    def scroll_by(self, rows: float, visible_height: int) -> None:
        """Scroll the list by ``rows`` rows, within bounds."""
        px = self._look.theme.px
        total = self._rows[-1].top + px(ROW)
        self.scroll = int(min(max(self.scroll + rows * px(ROW), 0),
                              max(0, total - visible_height + px(LIST_TOP + 120))))

    def draw(self, surface: pygame.Surface, statuses: dict[str, SourceStatus]) -> None:
        """Draw the tray into ``surface`` (its own area of the window)."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        surface.fill(theme.surface)
        pygame.draw.line(surface, theme.line, (0, 0), (0, surface.get_height()), px(2))
        look.write(surface, i18n.text("tray.title", self._locale), (px(20), px(18)), 24, theme.text,
                   True)
        look.paragraph(surface, i18n.text("tray.hint", self._locale),
                       pygame.Rect(px(20), px(52), surface.get_width() - px(40),
                                   px(LIST_TOP - 58)), HINT, theme.muted, max_lines=3)
        if self._list is None or self._media.stale:
            self._list = self._render_list()
        view = pygame.Rect(0, px(LIST_TOP), surface.get_width(),
                           surface.get_height() - px(LIST_TOP + 110))
        surface.blit(self._list, view.topleft, pygame.Rect(0, self.scroll, view.width,
                                                           view.height))
        self._draw_statuses(surface, statuses, view.bottom)

    def _render_list(self) -> pygame.Surface:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        height = self._rows[-1].top + px(ROW) + px(20)
        surface = pygame.Surface((self._width, height), pygame.SRCALPHA)
        self._media.begin()
        for row in self._rows:
            if not row.code:
                look.write(surface, row.title, (px(20), row.top + px(16)), 15, theme.accent, True)
                continue
            box = pygame.Rect(px(16), row.top + px(6), px(64), px(64))
            pygame.draw.rect(surface, theme.subtle, box, border_radius=px(12))
            image = look.images.get(row.image, (px(58), px(58))) if row.image else None
            if row.image and image is None:
                self._media.missing()
            if image is not None:
                surface.blit(image, image.get_rect(center=box.center))
            width = self._width - box.right - px(28)
            look.write(surface, look.text.fit(row.title, px(17), width, True),
                       (box.right + px(12), box.top + px(8)), 17, theme.text, True)
            look.write(surface, row.subtitle, (box.right + px(12), box.top + px(34)), 15,
                       theme.muted)
        return surface

    def _draw_statuses(self, surface: pygame.Surface, statuses: dict[str, SourceStatus],
                       top: int) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        pygame.draw.line(surface, theme.line, (0, top), (surface.get_width(), top), px(2))
        y = top + px(14)
        for name, status in sorted(statuses.items()):
            color = getattr(theme, STATUS_COLORS[status.state])
            pygame.draw.circle(surface, color, (px(26), y + px(10)), px(6))
            line = f"{name}: {status.state.value}" + (f" — {status.reason}" if status.reason
                                                       else "")
            look.write(surface, look.text.fit(line, px(15), surface.get_width() - px(56)),
                       (px(40), y), 15, theme.text)
            y += px(26)
