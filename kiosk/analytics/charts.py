"""The report as bar charts (PNG) and a page to open in any browser, offline.

Why pygame: the kiosk already draws with it, so charts need no new dependency and no display
(surfaces are drawn in memory and saved). Charts are 1280x720 with titles, axis labels and the
value on every bar, readable when projected in a staff meeting; an empty period still gets its
charts, saying so. Every word is the store staff's language (``report.*`` in the locale files),
numbers and dates written their way.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import math
from pathlib import Path
from typing import Any

import pygame

from kiosk import i18n

log = logging.getLogger(__name__)

SIZE = (1280, 720)
PAPER = (255, 255, 255)
INK = (33, 33, 33)
MUTED = (97, 97, 97)
GRID = (224, 224, 224)
BAR = (21, 101, 192)
TOP = 10
NARROW_NBSP = "\u202f"
LABELS = (260, 600)
"""Narrowest and widest column for the labels of horizontal bars, in pixels."""

Bars = list[tuple[str, float, str]]
"""(label, value, the value as written on the bar)."""
NEW_WORDS: dict[str, dict[str, str]] = {
    "report.step.variant_chosen": {"fr": "Déclinaison choisie", "en": "Chose a variant"},
    "report.step.ordered": {"fr": "Panier envoyé", "en": "Ordered (cart sent)"},
    "report.step.reserved": {"fr": "Réservé", "en": "Reserved"},
    "report.figure.ordered": {"fr": "Commandes (paniers envoyés)",
                              "en": "Orders (carts sent)"},
    "report.figure.reserved": {"fr": "Réservations", "en": "Reservations"},
    "report.figure.offers": {"fr": "Offres envoyées", "en": "Offers sent"},
}
"""Words of the order and reservation steps until the locale files have them (they win)."""


def _words(key: str, locale: str) -> str:
    """``key`` from the locale files, else from ``NEW_WORDS`` (English when no translation)."""
    if key in i18n.STRINGS:
        return i18n.text(key, locale)
    variants = NEW_WORDS[key]
    return variants.get(locale) or variants[i18n.FALLBACK]


def write_charts(report: dict[str, Any], out: Path, title: str,
                 font: Path | None = None, locale: str = i18n.FALLBACK) -> list[Path]:
    """Draw the charts and ``index.html`` into ``out``; returns the files written (the page
    last). ``font``: a TrueType/OpenType file (pygame's own font if None or unreadable);
    ``locale``: the staff's language, for every word, number and date."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    painter = _Painter(font, _subtitle(title, report, locale), locale)
    charts = _charts(report, painter, locale)
    written = []
    for name, _, surface in charts:
        pygame.image.save(surface, str(out / name))
        written.append(out / name)
    page = out / "index.html"
    page.write_text(_page(report, title, [(name, caption) for name, caption, _ in charts],
                          locale), encoding="utf-8")
    return [*written, page]


def _charts(report: dict[str, Any], painter: _Painter,
            locale: str) -> list[tuple[str, str, pygame.Surface]]:
    """Each chart's file name, heading and drawing."""
    placements = report["placements"]["by_product"][:TOP]
    funnel = report["funnel"]
    base = funnel["placed"] or 1
    steps = [(key, _words(f"report.step.{key}", locale)) for key in
             ("placed", "section_viewed", "variant_chosen", "sent", "ordered", "reserved")
             if key in funnel]
    product = i18n.text("report.axis.product", locale)
    placed = i18n.text("report.axis.placements", locale)
    charts = [
        ("top_placements.png", i18n.text("report.top_placements", locale), painter.hbars,
         placed, product,
         [(_name(i), i["count"], _number(i["count"], locale)) for i in placements]),
        ("top_dwell.png", i18n.text("report.top_dwell", locale), painter.hbars,
         i18n.text("report.axis.seconds", locale), product,
         [(_name(i), i["dwell_s"], f"{_number(i['dwell_s'], locale, 1)}{i18n.NBSP}s")
          for i in report["top_by_dwell"][:TOP] if i["dwell_s"] > 0]),
        ("funnel.png", i18n.text("report.funnel", locale), painter.hbars,
         i18n.text("report.axis.sessions", locale), i18n.text("report.axis.step", locale),
         [(label, funnel[key], f"{_number(funnel[key], locale)} "
           f"({_percent(funnel[key] * 100 // base, locale)})") for key, label in steps]),
        ("sends.png", i18n.text("report.sends", locale), painter.vbars,
         i18n.text("report.axis.channel", locale), i18n.text("report.axis.sends", locale),
         [(_channel(channel, locale), n, _number(n, locale))
          for channel, n in report["sends"]["by_channel"].items()]),
        ("busy_hours.png", i18n.text("report.busy_hours", locale), painter.vbars,
         i18n.text("report.axis.hour", locale), placed,
         [(hour, n, _number(n, locale) if n else "")
          for hour, n in report["busy_hours"].items()]),
    ]
    return [(name, heading, draw(heading, x_title, y_title, bars))
            for name, heading, draw, x_title, y_title, bars in charts]


def _name(item: dict[str, Any]) -> str:
    return f"{item['name']} ({item['gtin']})" if item.get("name") else str(item["gtin"])


def _number(value: float, locale: str, decimals: int = 0) -> str:
    """``1 234,5`` in French, ``1,234.5`` in English: as the staff write numbers."""
    written = f"{value:,.{decimals}f}"
    return written.replace(",", NARROW_NBSP).replace(".", ",") if locale == "fr" else written


def _percent(value: int, locale: str) -> str:
    """``50 %`` in French (the sign kept with its number), ``50%`` in English."""
    return f"{value}{NARROW_NBSP}%" if locale == "fr" else f"{value}%"


def _tick(value: float, locale: str) -> str:
    """An axis value with only the decimals it has (ticks fall on 0.25, 0.5, 1, 2…)."""
    decimals = len(f"{value:.6f}".rstrip("0").partition(".")[2])
    return _number(value, locale, decimals)


def _date(day: str | None, locale: str) -> str:
    """``14 mai 2024`` / ``14 May 2024``, always with the year: a saved report is read later."""
    if not day:
        return "…"
    date = dt.date.fromisoformat(day)
    return f"{i18n.short_date(date, locale, date)} {date.year}"


def _channel(channel: str, locale: str) -> str:
    """A send channel named as on the table's buttons."""
    names = {"qr": i18n.text("send.qr_code", locale), "sms": i18n.text("send.sms", locale),
             "email": i18n.text("send.email", locale), "nfc": i18n.text("send.nfc", locale)}
    return names.get(channel, channel)


def _section(section: str, locale: str) -> str:
    """A panel tab named as shoppers see it."""
    names = {"overview": i18n.text("tab.overview", locale),
             "specs": i18n.text("tab.specs", locale),
             "reviews": i18n.text("tab.reviews", locale),
             "social": i18n.text("tab.social", locale),
             "suggestions": i18n.text("tab.suggestions", locale),
             "send": i18n.text("action.send", locale)}
    return names.get(section, section)


def _language(code: str) -> str:
    """A language by its own name, as on the table's language button."""
    return i18n.text("language", code) if code in i18n.UI_LOCALES else code


def _subtitle(title: str, report: dict[str, Any], locale: str) -> str:
    period = report.get("period", {})
    return (f"{title} · {_date(period.get('since'), locale)} – "
            f"{_date(period.get('until'), locale)}")


def _ticks(bars: Bars) -> list[float]:
    """Round values from 0 to at least the largest bar, five or so (whole numbers for
    counts)."""
    top = max((value for _, value, _ in bars), default=0)
    if top <= 0:
        return [0.0, 1.0]
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if all(float(value).is_integer() for _, value, _ in bars):
        step = float(max(1, math.ceil(step)))
    return [step * i for i in range(math.ceil(top / step) + 1)]


def _fit(font: pygame.font.Font, text: str, width: int) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels."""
    if font.size(text)[0] <= width:
        return text
    while text and font.size(text + "…")[0] > width:
        text = text[:-1]
    return text + "…"


class _Painter:
    """Fonts and the two chart layouts, on white 1280x720 surfaces."""

    def __init__(self, font: Path | None, subtitle: str, locale: str) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.subtitle = subtitle
        self.locale = locale
        bold = font.with_name(font.name.replace("Regular", "Bold")) if font else None
        sibling = bold is not None and bold != font and bold.is_file()
        self.title_font = self._font(bold if sibling else font, 40)
        self.note_font = self._font(bold if sibling else font, 32)  # when a title is too long
        if not sibling:  # drawn bolder: the font has no bold sibling
            self.title_font.bold = self.note_font.bold = True
        self.label_font = self._font(font, 24)
        self.small_font = self._font(font, 20)

    @staticmethod
    def _font(path: Path | None, size: int) -> pygame.font.Font:
        if path is not None:
            try:
                return pygame.font.Font(str(path), size)
            except (OSError, pygame.error) as exc:
                log.warning("chart font %s unreadable (%s); using pygame's", path, exc)
        return pygame.font.Font(None, round(size * 1.3))

    def _text(self, surface: pygame.Surface, text: str, font: pygame.font.Font,
              color: tuple[int, int, int], **anchor: Any) -> pygame.Rect:
        image = font.render(text, True, color)
        rect = image.get_rect(**anchor)
        surface.blit(image, rect)
        return rect

    def _frame(self, heading: str) -> pygame.Surface:
        surface = pygame.Surface(SIZE)
        surface.fill(PAPER)
        font = self._widest_fitting((self.title_font, self.note_font), heading, SIZE[0] - 96)
        self._text(surface, _fit(font, heading, SIZE[0] - 96), font, INK, topleft=(48, 28))
        self._text(surface, _fit(self.small_font, self.subtitle, SIZE[0] - 96),
                   self.small_font, MUTED, topleft=(48, 84))
        return surface

    def _empty(self, surface: pygame.Surface, plot: pygame.Rect) -> None:
        note = i18n.text("report.no_data", self.locale)
        font = self._widest_fitting((self.title_font, self.note_font), note, plot.width - 40)
        self._text(surface, _fit(font, note, plot.width - 40), font, MUTED, center=plot.center)

    @staticmethod
    def _widest_fitting(fonts: tuple[pygame.font.Font, ...], text: str,
                        width: int) -> pygame.font.Font:
        """The first of ``fonts`` (largest first) in which ``text`` fits, else the last."""
        return next((font for font in fonts if font.size(text)[0] <= width), fonts[-1])

    def _axis_titles(self, surface: pygame.Surface, plot: pygame.Rect, x_title: str,
                     y_title: str) -> None:
        """The y title beside the plot, the x title under it, shortened to fit."""
        self._y_title(surface, y_title, plot)
        room = 2 * min(plot.centerx, SIZE[0] - plot.centerx) - 48
        self._text(surface, _fit(self.label_font, x_title, room), self.label_font, MUTED,
                   midtop=(plot.centerx, plot.bottom + 50))

    def _y_title(self, surface: pygame.Surface, text: str, plot: pygame.Rect) -> None:
        shown = _fit(self.label_font, text, plot.height)
        image = pygame.transform.rotate(self.label_font.render(shown, True, MUTED), 90)
        surface.blit(image, image.get_rect(midleft=(12, plot.centery)))

    def hbars(self, heading: str, x_title: str, y_title: str, bars: Bars) -> pygame.Surface:
        """Horizontal bars, one per row, labels on the left: their column is as wide as the
        longest needs, up to a limit that leaves the bars room (long product names fit)."""
        surface = self._frame(heading)
        widest = max((self.label_font.size(label)[0] for label, _, _ in bars), default=0)
        left = min(max(widest + 76, LABELS[0]), LABELS[1])
        plot = pygame.Rect(left, 140, SIZE[0] - left - 140, SIZE[1] - 140 - 110)
        font = self.label_font if widest <= left - 64 else self.small_font  # one size for all
        self._axis_titles(surface, plot, x_title, y_title)
        top = max((value for _, value, _ in bars), default=0)
        ticks = _ticks(bars)
        for tick in ticks:
            x = plot.left + round(plot.width * tick / ticks[-1])
            pygame.draw.line(surface, GRID, (x, plot.top), (x, plot.bottom))
            self._text(surface, _tick(tick, self.locale), self.small_font, MUTED,
                       midtop=(x, plot.bottom + 8))
        pygame.draw.line(surface, INK, plot.topleft, plot.bottomleft, 2)
        pygame.draw.line(surface, INK, plot.bottomleft, plot.bottomright, 2)
        if top <= 0:
            self._empty(surface, plot)
            return surface
        row = plot.height / max(len(bars), 5)
        for index, (label, value, text) in enumerate(bars):
            y = plot.top + row * index + row * 0.15
            height = max(4, round(row * 0.7))
            width = round(plot.width * value / ticks[-1])
            pygame.draw.rect(surface, BAR, (plot.left + 1, round(y), width, height))
            middle = round(y + height / 2)
            self._text(surface, _fit(font, label, plot.left - 64), font, INK,
                       midright=(plot.left - 12, middle))
            if plot.left + width + 10 + self.label_font.size(text)[0] <= SIZE[0] - 8:
                self._text(surface, text, self.label_font, INK,
                           midleft=(plot.left + width + 10, middle))
            else:  # no room beyond the bar: written on it
                self._text(surface, text, self.label_font, PAPER,
                           midright=(plot.left + width - 10, middle))
        return surface

    def vbars(self, heading: str, x_title: str, y_title: str, bars: Bars) -> pygame.Surface:
        """Vertical bars with their label under each and the value on top."""
        surface = self._frame(heading)
        plot = pygame.Rect(130, 150, SIZE[0] - 130 - 60, SIZE[1] - 150 - 110)
        self._axis_titles(surface, plot, x_title, y_title)
        top = max((value for _, value, _ in bars), default=0)
        ticks = _ticks(bars)
        for tick in ticks:
            y = plot.bottom - round(plot.height * tick / ticks[-1])
            pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y))
            self._text(surface, _tick(tick, self.locale), self.small_font, MUTED,
                       midright=(plot.left - 8, y))
        pygame.draw.line(surface, INK, plot.topleft, plot.bottomleft, 2)
        pygame.draw.line(surface, INK, plot.bottomleft, plot.bottomright, 2)
        column = plot.width / max(len(bars), 1)
        for index, (label, value, text) in enumerate(bars):
            x = plot.left + column * index
            self._text(surface, _fit(self.small_font, label, round(column)), self.small_font,
                       INK, midtop=(round(x + column / 2), plot.bottom + 8))
            if top <= 0:
                continue
            height = round(plot.height * value / ticks[-1])
            bar = pygame.Rect(round(x + column * 0.15), plot.bottom - height,
                              max(2, round(column * 0.7)), height)
            pygame.draw.rect(surface, BAR, bar)
            if text:
                self._text(surface, text, self.small_font, INK, midbottom=(bar.centerx,
                                                                          bar.top - 4))
        if top <= 0:
            self._empty(surface, plot)
        return surface


def _page(report: dict[str, Any], title: str, charts: list[tuple[str, str]],
          locale: str) -> str:
    """The page: headline figures as text, then the charts; no external resources."""
    e = html.escape
    sends = report["sends"]
    figures = [
        (i18n.text("report.figure.sessions", locale), report["sessions"]),
        (i18n.text("report.figure.placements", locale), report["placements"]["total"]),
        (i18n.text("report.figure.comparisons", locale), report["compares"]),
        (i18n.text("report.figure.sent", locale), sends["total"]),
        (_words("report.figure.ordered", locale), report.get("orders", {}).get("total", 0)),
        (_words("report.figure.reserved", locale),
         report.get("reservations", {}).get("total", 0)),
        (_words("report.figure.offers", locale), report.get("offers", {}).get("total", 0)),
        (i18n.text("report.figure.suggestions", locale), report["cross_sell_taps"]["total"]),
        (i18n.text("report.figure.faults", locale),
         sum(f["count"] for f in report["device_faults"])),
    ]
    lists = [
        (i18n.text("report.by_channel", locale),
         {_channel(key, locale): n for key, n in sends["by_channel"].items()}),
        (i18n.text("report.sections", locale),
         {_section(key, locale): n for key, n in report["sections"].items()}),
        (i18n.text("report.languages", locale),
         {_language(key): n for key, n in report["languages"].items()}),
    ]
    period = report.get("period", {})
    since, until = (_time(period.get(end), locale) for end in ("since", "until"))
    page_title = i18n.text("report.page_title", locale, store=title)
    dates = e(i18n.text("report.period", locale)).format(since=since, until=until)
    parts = [
        "<!doctype html>", f'<html lang="{e(locale)}"><head><meta charset="utf-8">',
        f"<title>{e(page_title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#212121}"
        ".figures{display:flex;flex-wrap:wrap;gap:1em;padding:0;list-style:none}"
        ".figures li{border:1px solid #e0e0e0;padding:.6em 1em}.figures b{font-size:1.6em;"
        "display:block}img{max-width:100%;height:auto;border:1px solid #e0e0e0}</style>",
        "</head><body>", f"<h1>{e(title)}</h1>",
        f"<p>{dates}</p>",
        '<ul class="figures">',
        *(f'<li><b class="figure">{e(_number(value, locale))}</b> {e(label)}</li>'
          for label, value in figures),
        "</ul>",
    ]
    line = e(i18n.text("report.list", locale))  # escaped first, then given HTML pieces
    for heading, counts in lists:
        shown = ", ".join(e(i18n.text("report.item", locale, name=key, n=_number(n, locale)))
                          for key, n in counts.items()) or e(i18n.text("report.none", locale))
        parts.append(f"<p>{line.format(heading=f'<strong>{e(heading)}</strong>', items=shown)}"
                     "</p>")
    for name, caption in charts:
        parts.append(f'<figure><img src="{e(name)}" alt="{e(caption)}" width="{SIZE[0]}" '
                     f'height="{SIZE[1]}"><figcaption>{e(caption)}</figcaption></figure>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _time(day: str | None, locale: str) -> str:
    """A day of the period for the page: written for people, ISO for machines."""
    shown = html.escape(_date(day, locale))
    return f'<time datetime="{html.escape(day)}">{shown}</time>' if day else shown
