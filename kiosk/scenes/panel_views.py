"""Panel contents other than the product's sections: a code the catalog does not know, the
QR code of a link, and the choice of what to compare with."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import pygame

from hardware.gtin import display_gtin
from kiosk import i18n
from kiosk.scenes.panel_sections import BODY, SMALL, Section, SectionContext, blank
from kiosk.ui.draw import pill
from kiosk.ui.look import Look
from kiosk.ui.widgets import Widget

QR_BORDER = 2
DARK = pygame.Color(17, 17, 17)
LIGHT = pygame.Color(255, 255, 255)


@lru_cache(maxsize=32)
def qr_surface(url: str, side: int) -> pygame.Surface:
    """The URL as a QR code at most ``side`` pixels wide, in whole pixels per module."""
    import segno  # here: it loads urllib and TLS, which a table showing no QR code never needs

    code = segno.make(url, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=QR_BORDER)[0]
    small = pygame.Surface((modules, modules))
    small.fill(LIGHT)
    for y, row in enumerate(code.matrix):
        for x, dark in enumerate(row):
            if dark:
                small.set_at((x + QR_BORDER, y + QR_BORDER), DARK)
    scale = max(1, side // modules)
    return pygame.transform.scale(small, (modules * scale, modules * scale))


def compare_picker(ctx: SectionContext, size: tuple[int, int], codes: tuple[str, ...],
                   pick: Callable[[str], None]) -> Section:
    """With three or more products on the table: which one to compare this one with."""
    look, px, theme = ctx.look, ctx.look.theme.px, ctx.look.theme
    surface = blank(size)
    heading = look.write(surface, i18n.text("compare.pick", ctx.locale), (0, 0), 28, theme.text,
                         True)
    widgets = [Widget("heading", heading, text=i18n.text("compare.pick", ctx.locale), size=28)]
    top = heading.bottom + px(16)
    for code in codes:
        other = ctx.catalog.get(code)
        label = other.name[ctx.locale] if other else i18n.printable(display_gtin(code))
        text = look.text.fit(label, px(BODY), size[0] - px(48), True)
        rendered = look.text.render(text, px(BODY), theme.text, True)
        button = pygame.Rect(0, top, min(size[0], rendered.get_width() + px(48)), px(58))
        pill(surface, button, theme.subtle, theme.line, px(2))
        surface.blit(rendered, rendered.get_rect(center=button.center))
        widgets.append(Widget("button", button, label=label, size=BODY,
                              on_tap=lambda code=code: pick(code)))
        top = button.bottom + px(12)
    return Section(surface, widgets)


def not_found(look: Look, surface: pygame.Surface, inner: pygame.Rect, widgets: list[Widget],
              code: str, locale: str) -> None:
    """A code the catalog does not know: say so kindly, and send the shopper to staff."""
    px, theme = look.theme.px, look.theme
    pad = px(32)
    center = (inner.left + pad + px(34), inner.top + pad + px(34))
    pygame.draw.circle(surface, theme.warning, center, px(34))
    mark = look.text.render("?", px(44), theme.surface, True)
    surface.blit(mark, mark.get_rect(center=center))
    title = i18n.text("not_found.title", locale)
    rect = look.write(surface, title, (center[0] + px(52), center[1] - px(22)), 32, theme.text,
                      True)
    widgets.append(Widget("heading", rect, text=title, size=32))
    body = i18n.text("not_found.body", locale)
    body_rect = look.paragraph(surface, body, pygame.Rect(inner.left + pad, inner.top + px(112),
                                                          inner.width - 2 * pad, px(100)),
                               BODY, theme.text, spacing=1.05)
    widgets.append(Widget("text", body_rect, text=body, size=BODY))
    shown = i18n.text("not_found.code", locale, code=i18n.printable(display_gtin(code)))
    code_rect = look.write(surface, look.text.fit(shown, px(SMALL), inner.width - 2 * pad),
                           (inner.left + pad, body_rect.bottom + px(10)), SMALL, theme.muted)
    widgets.append(Widget("text", code_rect, text=shown, size=SMALL))
