"""What a product panel shows under each tab, drawn into the panel's scrollable window.

Each section renders once into its own surface (taller or wider than the window when it has
more to show); the panel's ``Viewport`` scrolls it without drawing it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pygame

from kiosk import i18n
from kiosk.catalog.catalog import Catalog
from kiosk.config.catalog import Product
from kiosk.ui.draw import dot, stars
from kiosk.ui.images import MediaWait
from kiosk.ui.look import Look
from kiosk.ui.widgets import Widget

BODY = 24
"""Body text, in design pixels at 1080 lines."""
CONTROL = 24
"""Labels of tabs, buttons, chips and keys."""
SMALL = 22
"""Secondary text (brand, dates, counts): the smallest on a panel."""
ROW = 52
GALLERY = 270
DOTS_FROM = 220  # design height of a section from which the photo has dots under it
SIDE_SUMMARY_FROM = 640  # design width of a section from which reviews have a summary column


@dataclass
class Section:
    """A rendered section: its surface, its widgets (surface coordinates) and scroll axis."""

    surface: pygame.Surface
    widgets: list[Widget] = field(default_factory=list)
    axis: str = "y"


@dataclass(frozen=True)
class Extra:
    """Something a panel adds under the availability lines of its overview (its actions):
    the least width it needs on one row, how tall it is for a width, and how to draw it in an
    area, left-aligned or (``True``) right-aligned, returning the bottom."""

    width: int
    height: Callable[[int], int]
    draw: Callable[[pygame.Surface, pygame.Rect, list[Widget], bool], int]


@dataclass
class SectionContext:
    """What every section may need besides the product."""

    look: Look
    locale: str
    today: dt.date
    media: MediaWait
    catalog: Catalog
    gallery_index: int = 0
    open_product: Callable[[str], None] | None = None
    show_image: Callable[[int], None] | None = None
    zoomed: bool = False
    under_availability: Extra | None = None


def blank(size: tuple[int, int]) -> pygame.Surface:
    """A transparent surface for a section."""
    return pygame.Surface((max(1, size[0]), max(1, size[1])), pygame.SRCALPHA)


def image_into(ctx: SectionContext, surface: pygame.Surface, path: str, box: pygame.Rect,
               fit: str = "contain") -> None:
    """Draw an image centred in ``box``, or note that it is still loading."""
    image = ctx.look.images.get(path, box.size, fit)  # type: ignore[arg-type]
    if image is None:
        ctx.media.missing()
    else:
        surface.blit(image, image.get_rect(center=box.center))


def overview(ctx: SectionContext, product: Product, size: tuple[int, int]) -> Section:
    """Photo gallery on the left (with a dot per photo when there is room under it);
    availability and description on the right."""
    look, px, theme = ctx.look, ctx.look.theme.px, ctx.look.theme
    text = product.description[ctx.locale]
    with_dots = size[1] >= px(DOTS_FROM)
    side = px(GALLERY) if with_dots else min(px(GALLERY), size[1])
    column = size[0] - side - px(26)
    extra = ctx.under_availability
    needed = (len(availability_lines(product, ctx.locale)) * px(40) + px(12)
              + (extra.height(column) + px(12) if extra is not None else 0)
              + len(look.text.wrap(text, px(BODY), column))
              * round(look.text.line_height(px(BODY)) * 1.05))
    surface = blank((size[0], size[1] if ctx.zoomed else max(size[1], needed)))
    widgets: list[Widget] = []
    box = pygame.Rect(0, 0, size[0] if ctx.zoomed else side,
                      size[1] - px(50) if with_dots else size[1])
    pygame.draw.rect(surface, theme.subtle, box, border_radius=px(18))
    index = ctx.gallery_index % len(product.images)
    image_into(ctx, surface, product.images[index], box.inflate(-px(16), -px(16)))
    for number in range(len(product.images) if with_dots else 0):
        center = (box.centerx + (number - (len(product.images) - 1) / 2) * px(48),
                  box.bottom + px(26))
        color = theme.accent if number == index else theme.line
        dot(surface, (round(center[0]), round(center[1])), px(7), color)
        target = pygame.Rect(0, 0, px(48), px(48))
        target.center = (round(center[0]), round(center[1]))
        widgets.append(Widget("button", target, label=i18n.text(
            "gallery", ctx.locale, i=number + 1, n=len(product.images)), size=0,
            on_tap=(lambda number=number: ctx.show_image(number)) if ctx.show_image else None))
    label = i18n.text("gallery", ctx.locale, i=index + 1, n=len(product.images))
    widgets.append(Widget("gallery", box, label=label, text=product.images[index]))
    if ctx.zoomed:
        return Section(surface, widgets)
    right = pygame.Rect(box.right + px(26), 0, size[0] - box.right - px(26),
                        surface.get_height())
    top = availability(ctx, product, surface, right, widgets)
    if extra is not None:
        top = extra.draw(surface, pygame.Rect(right.left, top + px(6), right.width,
                                              extra.height(right.width)), widgets, False)
    rect = look.paragraph(surface, text, pygame.Rect(right.left, top + px(12), right.width,
                                                     right.bottom - top - px(12)),
                          BODY, theme.text, spacing=1.05)
    widgets.append(Widget("description", rect, text=text, size=BODY))
    return Section(surface, widgets)


def availability(ctx: SectionContext, product: Product, surface: pygame.Surface,
                 area: pygame.Rect, widgets: list[Widget]) -> int:
    """Here, online, elsewhere, each with its tone; returns the bottom drawn."""
    look, px, theme = ctx.look, ctx.look.theme.px, ctx.look.theme
    colors = {"ok": theme.ok, "warning": theme.warning, "muted": theme.muted}
    top = area.top
    for tone, line in availability_lines(product, ctx.locale):
        dot(surface, (area.left + px(7), top + px(17)), px(7), colors[tone])
        rect = look.paragraph(surface, line, pygame.Rect(area.left + px(24), top,
                                                         area.width - px(24), px(64)),
                              BODY, theme.text, bold=tone != "muted", max_lines=2)
        widgets.append(Widget("availability", rect, text=line, size=BODY))
        top = rect.bottom + px(6)
    return top


def in_stock_line(look: Look, surface: pygame.Surface, area: pygame.Rect,
                  widgets: list[Widget], product: Product, locale: str) -> None:
    """The first thing a shopper needs when the panel is too small for a section: whether the
    product is here (or online), on one line, centred in ``area``."""
    px, theme = look.theme.px, look.theme
    lines = availability_lines(product, locale)
    if not lines or area.height < look.text.line_height(px(BODY)):
        return
    tone, line = lines[0]
    colors = {"ok": theme.ok, "warning": theme.warning, "muted": theme.muted}
    rendered = look.text.render(look.text.fit(line, px(BODY), area.width - px(24), True),
                                px(BODY), theme.text, bold=tone != "muted")
    rect = surface.blit(rendered, rendered.get_rect(midleft=(area.left + px(24),
                                                             area.centery)))
    dot(surface, (area.left + px(7), rect.centery), px(7), colors[tone])
    widgets.append(Widget("availability", rect, text=line, size=BODY))


def availability_lines(product: Product, locale: str) -> list[tuple[str, str]]:
    """What a shopper needs to know about getting it: here, online, elsewhere; with a tone."""
    here = in_store_line(product, locale)
    lines = [] if here is None else [here]
    online = product.availability.online  # available None: nobody said, nothing is shown
    if online.available is False:
        lines.append(("muted", i18n.text("online_no", locale)))
    elif online.available and online.delivery_days is None:
        lines.append(("muted", i18n.text("online_now", locale)))
    elif online.available:
        lines.append(("muted", i18n.text("online", locale, days=online.delivery_days)))
    elsewhere = [i18n.text("other_store", locale, name=store.name, n=store.stock)
                 for store in product.availability.other_stores if store.stock > 0]
    if elsewhere:
        lines.append(("muted", i18n.text("other_stores", locale, names=", ".join(elsewhere[:2]))))
    return lines


def in_store_line(product: Product, locale: str) -> tuple[str, str] | None:
    """Stock in this store and where to find it, with a tone; None when the store gives
    neither (a product is never called out of stock for want of a stock figure)."""
    shelf = product.availability.in_store
    if shelf.stock is None:
        return None if shelf.aisle is None else ("muted", i18n.text("aisle_only", locale,
                                                                   aisle=shelf.aisle))
    if shelf.stock == 0:
        return "warning", i18n.text("out_of_stock", locale)
    if shelf.stock == 1:
        tone, status = "warning", i18n.text("last_one", locale)
    elif shelf.stock <= 3:
        tone, status = "warning", i18n.text("low_stock", locale, n=shelf.stock)
    else:
        tone, status = "ok", i18n.text("in_stock", locale)
    if shelf.aisle is None:
        return tone, status
    return tone, i18n.text("at_aisle", locale, status=status, aisle=shelf.aisle)


def specs(ctx: SectionContext, product: Product, size: tuple[int, int]) -> Section:
    """Every spec as a row, name then value, alternate rows shaded; scrolls when long."""
    rows = list(product.specs[ctx.locale].items())
    surface = blank((size[0], max(size[1], len(rows) * ctx.look.theme.px(ROW))))
    widgets: list[Widget] = []
    spec_rows(ctx.look, surface, pygame.Rect((0, 0), surface.get_size()), widgets, rows)
    return Section(surface, widgets)


def spec_rows(look: Look, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
              rows: list[tuple[str, str]], highlight: set[str] | None = None) -> int:
    """Name on the left, value on the right; ``highlight``ed names get the accent tint."""
    px, theme = look.theme.px, look.theme
    name_width = area.width * 40 // 100
    top = area.top
    for index, (name, value) in enumerate(rows):
        lines = look.text.wrap(value, px(BODY), area.width - name_width - px(16), True, 2)
        height = max(px(ROW), len(lines) * look.text.line_height(px(BODY), True) + px(16))
        row = pygame.Rect(area.left, top, area.width, height)
        if highlight is not None and name in highlight:
            pygame.draw.rect(surface, theme.accent.lerp(theme.surface, 0.82), row,
                             border_radius=px(10))
        elif index % 2 == 0:
            pygame.draw.rect(surface, theme.subtle, row, border_radius=px(10))
        label = look.text.fit(name, px(BODY), name_width - px(24))
        rendered = look.text.render(label, px(BODY), theme.muted)
        surface.blit(rendered, rendered.get_rect(midleft=(row.left + px(14), row.centery)))
        line_top = row.centery - len(lines) * look.text.line_height(px(BODY), True) // 2
        for line in lines:
            value_surface = look.text.render(line, px(BODY), theme.text, True)
            surface.blit(value_surface, (row.left + name_width, line_top))
            line_top += look.text.line_height(px(BODY), True)
        widgets.append(Widget("spec", row, label=name, text=value, size=BODY))
        top = row.bottom
    return top


def reviews(ctx: SectionContext, product: Product, size: tuple[int, int]) -> Section:
    """Average, count and stars per level, then the most helpful reviews, scrolling: the
    summary is a column on the left when the section is wide, a line on top otherwise."""
    look, px, theme = ctx.look, ctx.look.theme.px, ctx.look.theme
    widgets: list[Widget] = []
    average = product.rating()
    if average is None:
        surface = blank(size)
        rect = look.write(surface, i18n.text("no_reviews", ctx.locale), (0, 0), BODY,
                          theme.muted)
        widgets.append(Widget("rating", rect, text=i18n.text("no_reviews", ctx.locale),
                              size=BODY))
        return Section(surface, widgets)
    ordered = sorted(product.reviews, key=lambda review: (review.locale != ctx.locale,
                                                          -review.helpful, review.date))
    beside = size[0] >= px(SIDE_SUMMARY_FROM)
    list_left, list_top = (px(250), 0) if beside else (0, px(64))
    list_width = size[0] - list_left
    boxes = [_review_height(look, review.text, list_width) for review in ordered]
    surface = blank((size[0], max(size[1], list_top + sum(boxes) + px(12) * len(boxes))))
    summary = f"{i18n.rating(average, ctx.locale)} · " + i18n.text(
        "reviews_count", ctx.locale, n=len(product.reviews))
    score = look.write(surface, i18n.rating(average, ctx.locale), (0, -px(6)), 44, theme.text,
                       True)
    if beside:
        count = look.write(surface, i18n.text("reviews_count", ctx.locale,
                                              n=len(product.reviews)),
                           (score.right + px(12), score.bottom - px(30)), SMALL, theme.muted)
        stars(surface, (0, score.bottom + px(2)), px(24), average, theme.line)
        _distribution(ctx, product, surface, score.bottom + px(36), widgets)
    else:
        drawn = stars(surface, (score.right + px(14), score.centery - px(12)), px(24), average,
                      theme.line)
        count = look.write(surface, i18n.text("reviews_count", ctx.locale,
                                              n=len(product.reviews)),
                           (score.right + px(28) + drawn, score.centery - px(14)), SMALL,
                           theme.muted)
    widgets.append(Widget("rating", score.union(count), text=summary, size=SMALL))
    top = list_top
    for review, height in zip(ordered, boxes, strict=True):
        box = pygame.Rect(list_left, top, list_width, height)
        pygame.draw.rect(surface, theme.subtle, box, border_radius=px(14))
        stars(surface, (box.left + px(14), box.top + px(14)), px(20), review.rating, theme.line)
        byline = f"{review.author} · {i18n.short_date(review.date, ctx.locale, ctx.today)}"
        look.write(surface, look.text.fit(byline, px(SMALL), box.width - px(154), True),
                   (box.left + px(140), box.top + px(10)), SMALL, theme.muted, True)
        body = look.paragraph(surface, review.text, pygame.Rect(
            box.left + px(14), box.top + px(44), box.width - px(28), height), BODY, theme.text)
        if review.helpful:
            look.write(surface, i18n.text("reviews.helpful", ctx.locale, n=review.helpful),
                       (box.left + px(14), body.bottom + px(4)), SMALL, theme.muted)
        widgets.append(Widget("review", box, label=review.author,
                              text=f"{review.rating}/5 {byline}: {review.text}", size=BODY))
        top = box.bottom + px(12)
    return Section(surface, widgets)


def _distribution(ctx: SectionContext, product: Product, surface: pygame.Surface, top: int,
                  widgets: list[Widget]) -> None:
    """A bar per star level, five stars first: the share of reviews that gave it."""
    look, px, theme = ctx.look, ctx.look.theme.px, ctx.look.theme
    for level in range(5, 0, -1):
        share = sum(review.rating == level for review in product.reviews) / len(product.reviews)
        label = look.write(surface, f"{level}", (0, top), SMALL, theme.muted, True)
        bar = pygame.Rect(px(26), top + px(8), px(170), px(12))
        pygame.draw.rect(surface, theme.subtle, bar, border_radius=px(6))
        pygame.draw.rect(surface, theme.accent, bar.inflate(0, 0).clip(
            pygame.Rect(bar.left, bar.top, max(px(12), round(bar.width * share)) if share else 0,
                        bar.height)), border_radius=px(6))
        widgets.append(Widget("distribution", label.union(bar),
                              text=f"{level}: {round(share * 100)} %", size=SMALL))
        top = label.bottom + px(1)


def _review_height(look: Look, text: str, width: int) -> int:
    px = look.theme.px
    lines = look.text.wrap(text, px(BODY), width - px(28))
    return px(44) + len(lines) * look.text.line_height(px(BODY)) + px(42)


def social(ctx: SectionContext, product: Product, size: tuple[int, int]) -> Section:
    """Shoppers' posts as cards side by side: photo, handle, text; scrolls sideways."""
    look, px, theme = ctx.look, ctx.look.theme.px, ctx.look.theme
    if not product.social:
        return _empty(ctx, size, "social.none")
    card_width = min(px(520), size[0] * 3 // 4)
    surface = blank((max(size[0], len(product.social) * (card_width + px(16)) - px(16)),
                     size[1]))
    widgets: list[Widget] = []
    for index, post in enumerate(product.social):
        card = pygame.Rect(index * (card_width + px(16)), 0, card_width, size[1])
        pygame.draw.rect(surface, theme.subtle, card, border_radius=px(16))
        photo = pygame.Rect(card.left, card.top, card.height, card.height)
        image_into(ctx, surface, post.image, photo.inflate(-px(16), -px(16)), "cover")
        text = pygame.Rect(photo.right + px(4), card.top + px(14),
                           card.right - photo.right - px(20), card.height - px(28))
        handle = look.write(surface, look.text.fit(post.handle, px(SMALL), text.width, True),
                            text.topleft, SMALL, theme.accent, True)
        look.paragraph(surface, post.text, pygame.Rect(text.left, handle.bottom + px(6),
                                                       text.width, text.bottom - handle.bottom),
                       BODY, theme.text)
        widgets.append(Widget("post", card, label=post.handle, text=post.text, size=BODY))
    return Section(surface, widgets, axis="x")


def suggestions(ctx: SectionContext, product: Product, size: tuple[int, int]) -> Section:
    """What goes with it: cards with photo, name and price; a tap opens that product."""
    look, px, theme = ctx.look, ctx.look.theme.px, ctx.look.theme
    found = [(code, other) for code in product.cross_sell
             if (other := ctx.catalog.get(code)) is not None]
    if not found:
        return _empty(ctx, size, "suggestion.none")
    card_width = max(px(330), (size[0] - px(16)) // 2)
    surface = blank((max(size[0], len(found) * (card_width + px(16)) - px(16)), size[1]))
    widgets: list[Widget] = []
    for index, (code, other) in enumerate(found):
        card = pygame.Rect(index * (card_width + px(16)), 0, card_width, size[1])
        pygame.draw.rect(surface, theme.subtle, card, border_radius=px(16))
        photo = pygame.Rect(card.left, card.top, px(130), card.height)
        image_into(ctx, surface, other.images[0], photo.inflate(-px(16), -px(16)))
        text = pygame.Rect(photo.right + px(4), card.top + px(14),
                           card.right - photo.right - px(18), card.height - px(28))
        name = look.paragraph(surface, other.name[ctx.locale], pygame.Rect(
            text.left, text.top, text.width, px(84)), SMALL, theme.text, bold=True, max_lines=3)
        today_price = other.current_price(ctx.today)
        price = look.write(surface, i18n.price(today_price, look.currency, ctx.locale),
                           (text.left, name.bottom + px(6)), BODY,
                           theme.promo if today_price != other.price else theme.text, True)
        where = in_store_line(other, ctx.locale)
        look.paragraph(surface, "" if where is None else where[1],
                       pygame.Rect(text.left, price.bottom + px(6), text.width,
                                   text.bottom - price.bottom - px(6)),
                       SMALL, theme.muted, max_lines=2)
        widgets.append(Widget("suggestion", card, label=other.name[ctx.locale], text=code,
                              size=SMALL,
                              on_tap=(lambda code=code: ctx.open_product(code))
                              if ctx.open_product else None))
    return Section(surface, widgets, axis="x")


def _empty(ctx: SectionContext, size: tuple[int, int], key: str) -> Section:
    surface = blank(size)
    message = i18n.text(key, ctx.locale)
    rect = ctx.look.write(surface, message, (0, 0), BODY, ctx.look.theme.muted)
    return Section(surface, [Widget("text", rect, text=message, size=BODY)])


SECTIONS: dict[str, Callable[[SectionContext, Product, tuple[int, int]], Section]] = {
    "overview": overview, "specs": specs, "reviews": reviews, "social": social,
    "suggestions": suggestions,
}
