"""A product's family on its panel: a row of chips per option (size, colour...), the variant
shown selected, each chip marked with that variant's stock in this store; and the words that
say the variant shown is not the one on the table.

Marks do not rely on colour alone: in stock is a round dot, low stock (1 to 3) a triangle,
none here a struck-through, muted chip; an unknown stock has no mark at all (a product is
never called out of stock for want of a figure).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pygame

from kiosk import i18n
from kiosk.config.catalog import Product
from kiosk.scenes.panel_sections import (
    CONTROL,
    SMALL,
    Extra,
    Section,
    SectionContext,
    blank,
    overview,
)
from kiosk.ui.draw import dot
from kiosk.ui.look import Look
from kiosk.ui.widgets import Viewport, Widget

LOW_STOCK = 3  # at most this many here: "low"
CHIP = 48  # design height (and least width) of a chip: a touch target
CHIP_PAD = 10  # design pixels each side of a chip's value
MARK_ROOM = 10  # design pixels a chip gives its stock mark, right of the value
CHIP_GAP = 8
ROW_GAP = 10
LABEL_GAP = 14
STRIP_GAP = 28  # design pixels between options on a strip


@dataclass(frozen=True)
class Chip:
    """One value of one option, and the variant a tap shows."""

    option: str
    value: str
    target: Product
    selected: bool
    stock: str
    """``in_stock``, ``low``, ``none`` (here), or ``""`` when the store gave no figure."""


@dataclass(frozen=True)
class Family:
    """The chips of a panel's family, one row per option, and what a tap does."""

    rows: tuple[tuple[str, tuple[Chip, ...]], ...]
    choose: Callable[[Product], None] | None = None


Placed = list[tuple[str, pygame.Rect, "Chip | str"]]
"""Where option names (``label``, the name) and chips (``chip``, the chip) are drawn."""


def options_of(product: Product, locale: str) -> dict[str, str]:
    """What makes this variant, in ``locale`` (or the first language given)."""
    return product.options.get(locale) or next(iter(product.options.values()), {})


def stock_here(product: Product) -> str:
    """``in_stock``, ``low`` (1 to 3), ``none``, or ``""`` when unknown."""
    stock = product.availability.in_store.stock
    if stock is None:
        return ""
    if stock == 0:
        return "none"
    return "low" if stock <= LOW_STOCK else "in_stock"


def family_overview(ctx: SectionContext, product: Product, size: tuple[int, int],
                    chips: Family) -> Section:
    """The overview of a product of a family: its chips on top, the panel's offers at the
    end of their last row (or, when they do not fit there, on a row above them, so they are
    seen without scrolling), then photos, availability and description as for any product
    (scrolling down to them). A zoomed photo fills the section alone."""
    extra = ctx.under_availability
    body = overview(replace(ctx, under_availability=None), product, size)
    if ctx.zoomed:
        return body
    look, px = ctx.look, ctx.look.theme.px
    placed, bottom = _layout(look, chips, pygame.Rect(0, 0, size[0], 0))
    last = max((rect for kind, rect, _ in placed if kind == "chip"),
               key=lambda rect: (rect.top, rect.right))
    room = pygame.Rect(last.right + px(24), last.top, size[0] - last.right - px(24),
                       last.height)
    above = 0
    if extra is not None and extra.width > room.width:
        above = extra.height(size[0]) + px(ROW_GAP)
    below = above + bottom + px(16)
    surface = blank((size[0], below + body.surface.get_height()))
    widgets: list[Widget] = []
    if extra is not None and above:
        extra.draw(surface, pygame.Rect(0, 0, size[0], above - px(ROW_GAP)), widgets, False)
    chips_block(look, surface, pygame.Rect(0, above, size[0], 0), widgets, chips)
    if extra is not None and not above:
        extra.draw(surface, room, widgets, True)
    surface.blit(body.surface, (0, below))
    for widget in body.widgets:
        widget.rect = widget.rect.move(0, below)
    return Section(surface, widgets + body.widgets)


def chip_strip(look: Look, surface: pygame.Surface, row: pygame.Rect, widgets: list[Widget],
               chips: Family, extra: Extra | None) -> Viewport | None:
    """Where a panel has no room for a section: every option's name and chips, then the
    offers, on one row that scrolls sideways when it is too long (the selected chip of the
    first option in view). Returns the strip, or None when it all fits."""
    px = look.theme.px
    top = (row.height - px(CHIP)) // 2
    placed: Placed = []
    left = 0
    for name, line in chips.rows:
        label_width = look.text.width(name, px(SMALL), True)
        placed.append(("label", pygame.Rect(left, top, label_width, px(CHIP)), name))
        left += label_width + px(LABEL_GAP)
        for chip in line:
            width = chip_width(look, chip.value)
            placed.append(("chip", pygame.Rect(left, top, width, px(CHIP)), chip))
            left += width + px(CHIP_GAP)
        left += px(STRIP_GAP) - px(CHIP_GAP)
    width = left - px(STRIP_GAP) + (px(STRIP_GAP) + extra.width if extra is not None else 0)
    fits = width <= row.width
    strip = surface if fits else blank((width, row.height))
    origin = row.topleft if fits else (0, 0)
    drawn: list[Widget] = []
    _draw(look, strip, [(kind, rect.move(origin), item) for kind, rect, item in placed],
          drawn, chips)
    if extra is not None:
        extra.draw(strip, pygame.Rect(origin[0] + width - extra.width, origin[1] + top,
                                      extra.width, px(CHIP)), drawn, False)
    if fits:
        widgets += drawn
        return None
    view = Viewport(row, strip, drawn, axis="x", fade=look.theme.surface)
    selected = next((rect for kind, rect, item in placed
                     if kind == "chip" and isinstance(item, Chip) and item.selected), None)
    if selected is not None and selected.right > row.width - px(48):
        view.scroll_by(selected.centerx - row.width / 2)
    return view


def family(variants: list[Product], shown: Product, locale: str,
           choose: Callable[[Product], None] | None) -> Family | None:
    """The chips for ``shown`` among ``variants`` (its family, itself included): a row per
    option with at least two values. A chip shows the variant with that value and the other
    options as they are, or else the first one with that value. None without a choice."""
    mine = options_of(shown, locale)
    rows = []
    for name, current in mine.items():
        values = ordered(list(dict.fromkeys(
            options_of(variant, locale)[name] for variant in variants
            if name in options_of(variant, locale))))
        if len(values) < 2:
            continue
        chips = []
        for value in values:
            wanted = {**mine, name: value}
            target = next((v for v in variants if options_of(v, locale) == wanted), None) or (
                next(v for v in variants if options_of(v, locale).get(name) == value))
            chips.append(Chip(name, value, target, value == current, stock_here(target)))
        rows.append((name, tuple(chips)))
    return Family(tuple(rows), choose) if rows else None


def ordered(values: list[str]) -> list[str]:
    """Sizes from small to large when every value is a number (``38``, ``42,5``); other
    values (colours) in the store's order."""
    try:
        return sorted(values, key=lambda value: float(value.replace(",", ".")))
    except ValueError:
        return values


def differences(shown: Product, on_table: Product, locale: str) -> str:
    """What differs from the variant on the table: ``pointure 44``, ``size 44, colour
    Black``."""
    mine, theirs = options_of(shown, locale), options_of(on_table, locale)
    changed = [f"{name.lower()} {value}" for name, value in mine.items()
               if theirs.get(name) != value]
    return ", ".join(changed or [f"{name.lower()} {value}" for name, value in mine.items()])


def not_on_table(shown: Product, on_table: Product, locale: str) -> tuple[str, ...]:
    """The note for a variant that is not the one on the table, longest first (the header
    shows the longest that fits)."""
    what = differences(shown, on_table, locale)
    return (i18n.text("variant.not_on_table_long", locale, what=what),
            i18n.text("variant.not_on_table_short", locale, what=what),
            i18n.text("suggestion.elsewhere", locale))


def chip_width(look: Look, value: str) -> int:
    """A chip's width for its value: the value, its padding and room for the mark."""
    px = look.theme.px
    return max(px(CHIP), look.text.width(value, px(CONTROL), True) + 2 * px(CHIP_PAD)
               + px(MARK_ROOM))


def chips_block(look: Look, surface: pygame.Surface, area: pygame.Rect,
                widgets: list[Widget], chips: Family) -> int:
    """Each option's name, then its chips, wrapping onto more lines when they do not fit;
    returns the bottom drawn."""
    placed, bottom = _layout(look, chips, area)
    _draw(look, surface, placed, widgets, chips)
    return bottom


def _draw(look: Look, surface: pygame.Surface, placed: Placed, widgets: list[Widget],
          chips: Family) -> None:
    """Draw the option names and chips where ``_layout`` (or the strip) put them."""
    theme, choose = look.theme, chips.choose
    for kind, rect, item in placed:
        if kind == "label":
            assert isinstance(item, str)
            rendered = look.text.render(item, theme.px(SMALL), theme.muted, True)
            surface.blit(rendered, rendered.get_rect(midleft=rect.midleft))
            widgets.append(Widget("option", rect, text=item, size=SMALL))
        else:
            assert isinstance(item, Chip)
            _chip(look, surface, rect, item)
            widgets.append(Widget(
                "chip", rect, label=item.value, size=CONTROL,
                text=" ".join(part for part in (item.stock, "selected" if item.selected
                                                else "") if part),
                on_tap=(lambda target=item.target: choose(target)) if choose else None))


def _layout(look: Look, chips: Family, area: pygame.Rect) -> tuple[Placed, int]:
    """Where each option name and chip goes: names in a column on the left when that leaves
    room for a few chips beside them, else each name on a line above its chips."""
    px = look.theme.px
    names = [name for name, _ in chips.rows]
    column = max(look.text.width(name, px(SMALL), True) for name in names) + px(LABEL_GAP)
    widest = max(chip_width(look, chip.value) for _, row in chips.rows for chip in row)
    beside = area.width - column >= 4 * widest + 3 * px(CHIP_GAP)
    placed: Placed = []
    top = area.top
    for name, row in chips.rows:
        if not beside:
            label = pygame.Rect(area.left, top, area.width,
                                look.text.line_height(px(SMALL), True))
            placed.append(("label", label, name))
            top = label.bottom + px(4)
        left0 = area.left + (column if beside else 0)
        left = left0
        line_top = top
        for chip in row:
            width = chip_width(look, chip.value)
            if left > left0 and left + width > area.right:
                left, line_top = left0, line_top + px(CHIP) + px(CHIP_GAP)
            placed.append(("chip", pygame.Rect(left, line_top, width, px(CHIP)), chip))
            left += width + px(CHIP_GAP)
        if beside:
            label = pygame.Rect(area.left, top, column - px(LABEL_GAP), px(CHIP))
            placed.append(("label", label, name))
        top = line_top + px(CHIP) + px(ROW_GAP)
    return placed, top - px(ROW_GAP)


def _chip(look: Look, surface: pygame.Surface, rect: pygame.Rect, chip: Chip) -> None:
    """The chip: accent-filled when selected; muted and struck through when none is here; a
    dot (in stock) or a triangle (low) in its top-right corner."""
    px, theme = look.theme.px, look.theme
    none = chip.stock == "none"
    radius = px(12)
    if chip.selected:
        pygame.draw.rect(surface, theme.accent, rect, border_radius=radius)
        color = theme.surface
    else:
        pygame.draw.rect(surface, theme.subtle if none else theme.surface, rect,
                         border_radius=radius)
        pygame.draw.rect(surface, theme.line if none else theme.muted, rect, px(2),
                         border_radius=radius)
        color = theme.muted if none else theme.text
    rendered = look.text.render(chip.value, px(CONTROL), color, True)
    center = (rect.centerx - (px(MARK_ROOM) // 2 if chip.stock in ("in_stock", "low") else 0),
              rect.centery)
    text = surface.blit(rendered, rendered.get_rect(center=center))
    if none:
        strike = theme.surface if chip.selected else theme.muted
        pygame.draw.line(surface, strike, (text.left - px(4), text.centery + px(1)),
                         (text.right + px(4), text.centery + px(1)), px(2))
    mark = (rect.right - px(11), rect.top + px(11))
    ring = theme.surface
    if chip.stock == "in_stock":
        dot(surface, mark, px(8), ring)
        dot(surface, mark, px(6), theme.ok)
    elif chip.stock == "low":
        size = px(7)
        points = [(mark[0], mark[1] - size), (mark[0] + size, mark[1] + size - px(1)),
                  (mark[0] - size, mark[1] + size - px(1))]
        pygame.draw.polygon(surface, ring, points, px(4))
        pygame.draw.polygon(surface, theme.warning, points)
