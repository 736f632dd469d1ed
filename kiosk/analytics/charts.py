"""The report as bar charts (PNG) and a page to open in any browser, offline.

Why pygame: the kiosk already draws with it, so charts need no new dependency and no display
(surfaces are drawn in memory and saved). Charts are 1280x720 with titles, axis labels and the
value on every bar, readable when projected in a staff meeting; an empty period still gets its
charts, saying "No data for this period".
"""

from __future__ import annotations

import html
import logging
import math
from pathlib import Path
from typing import Any

import pygame

log = logging.getLogger(__name__)

SIZE = (1280, 720)
PAPER = (255, 255, 255)
INK = (33, 33, 33)
MUTED = (97, 97, 97)
GRID = (224, 224, 224)
BAR = (21, 101, 192)
TOP = 10
STEPS = (("placed", "Placed a product"), ("section_viewed", "Viewed a section"),
         ("sent", "Sent to a phone"))

Bars = list[tuple[str, float, str]]
"""(label, value, the value as written on the bar)."""


def write_charts(report: dict[str, Any], out: Path, title: str,
                 font: Path | None = None) -> list[Path]:
    """Draw the charts and ``index.html`` into ``out``; returns the files written (the page
    last). ``font``: a TrueType/OpenType file (pygame's own font if None or unreadable)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    painter = _Painter(font, _subtitle(title, report))
    placements = report["placements"]["by_product"][:TOP]
    funnel = report["funnel"]
    base = funnel["placed"] or 1
    charts = [
        ("top_placements.png", "Top products by placements",
         painter.hbars("Top products by placements", "placements", "product",
                       [(_name(i), i["count"], str(i["count"])) for i in placements])),
        ("top_dwell.png", "Top products by time on the table",
         painter.hbars("Top products by time on the table", "seconds on the table", "product",
                       [(_name(i), i["dwell_s"], f"{i['dwell_s']:.1f} s")
                        for i in report["top_by_dwell"][:TOP] if i["dwell_s"] > 0])),
        ("funnel.png", "From placing a product to sending it",
         painter.hbars("From placing a product to sending it", "sessions", "step",
                       [(label, funnel[key], f"{funnel[key]} ({funnel[key] * 100 // base}%)")
                        for key, label in STEPS])),
        ("sends.png", "Sent to a phone, by channel",
         painter.vbars("Sent to a phone, by channel", "channel", "sends",
                       [(channel, n, str(n))
                        for channel, n in report["sends"]["by_channel"].items()])),
        ("busy_hours.png", "Placements by hour of the day",
         painter.vbars("Placements by hour of the day", "hour of the day (local time)",
                       "placements", [(hour, n, str(n) if n else "")
                                      for hour, n in report["busy_hours"].items()])),
    ]
    written = []
    for name, _, surface in charts:
        pygame.image.save(surface, str(out / name))
        written.append(out / name)
    page = out / "index.html"
    page.write_text(_page(report, title, [(name, caption) for name, caption, _ in charts]),
                    encoding="utf-8")
    return [*written, page]


def _name(item: dict[str, Any]) -> str:
    return f"{item['name']} ({item['gtin']})" if item.get("name") else str(item["gtin"])


def _subtitle(title: str, report: dict[str, Any]) -> str:
    period = report.get("period", {})
    return f"{title} · {period.get('since') or '…'} – {period.get('until') or '…'}"


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

    def __init__(self, font: Path | None, subtitle: str) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.subtitle = subtitle
        bold = font.with_name(font.name.replace("Regular", "Bold")) if font else None
        if bold is not None and bold != font and bold.is_file():
            self.title_font = self._font(bold, 40)
        else:
            self.title_font = self._font(font, 40)
            self.title_font.bold = True  # drawn bolder: the font has no bold sibling
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
        self._text(surface, heading, self.title_font, INK, topleft=(48, 28))
        self._text(surface, _fit(self.small_font, self.subtitle, SIZE[0] - 96),
                   self.small_font, MUTED, topleft=(48, 84))
        return surface

    def _empty(self, surface: pygame.Surface, plot: pygame.Rect) -> None:
        self._text(surface, "No data for this period", self.title_font, MUTED,
                   center=plot.center)

    def _y_title(self, surface: pygame.Surface, text: str, plot: pygame.Rect) -> None:
        image = pygame.transform.rotate(self.label_font.render(text, True, MUTED), 90)
        surface.blit(image, image.get_rect(midleft=(12, plot.centery)))

    def hbars(self, heading: str, x_title: str, y_title: str, bars: Bars) -> pygame.Surface:
        """Horizontal bars, one per row, labels on the left (long product names fit)."""
        surface = self._frame(heading)
        plot = pygame.Rect(470, 140, SIZE[0] - 470 - 140, SIZE[1] - 140 - 110)
        self._y_title(surface, y_title, plot)
        self._text(surface, x_title, self.label_font, MUTED,
                   midtop=(plot.centerx, plot.bottom + 50))
        top = max((value for _, value, _ in bars), default=0)
        ticks = _ticks(bars)
        for tick in ticks:
            x = plot.left + round(plot.width * tick / ticks[-1])
            pygame.draw.line(surface, GRID, (x, plot.top), (x, plot.bottom))
            self._text(surface, f"{tick:g}", self.small_font, MUTED, midtop=(x, plot.bottom + 8))
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
            self._text(surface, _fit(self.label_font, label, plot.left - 64), self.label_font,
                       INK, midright=(plot.left - 12, middle))
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
        self._y_title(surface, y_title, plot)
        self._text(surface, x_title, self.label_font, MUTED,
                   midtop=(plot.centerx, plot.bottom + 50))
        top = max((value for _, value, _ in bars), default=0)
        ticks = _ticks(bars)
        for tick in ticks:
            y = plot.bottom - round(plot.height * tick / ticks[-1])
            pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y))
            self._text(surface, f"{tick:g}", self.small_font, MUTED, midright=(plot.left - 8, y))
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


def _page(report: dict[str, Any], title: str, charts: list[tuple[str, str]]) -> str:
    """The page: headline figures as text, then the charts; no external resources."""
    e = html.escape
    sends = report["sends"]
    figures = [
        ("sessions", report["sessions"]), ("placements", report["placements"]["total"]),
        ("comparisons", report["compares"]), ("sent to a phone", sends["total"]),
        ("suggestions tapped", report["cross_sell_taps"]["total"]),
        ("device faults", sum(f["count"] for f in report["device_faults"])),
    ]
    period = report.get("period", {})
    lists = [("Sent by channel", sends["by_channel"]), ("Sections viewed", report["sections"]),
             ("Languages chosen", report["languages"])]
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)} — table report</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#212121}"
        ".figures{display:flex;flex-wrap:wrap;gap:1em;padding:0;list-style:none}"
        ".figures li{border:1px solid #e0e0e0;padding:.6em 1em}.figures b{font-size:1.6em;"
        "display:block}img{max-width:100%;height:auto;border:1px solid #e0e0e0}</style>",
        "</head><body>", f"<h1>{e(title)}</h1>",
        f"<p>From {e(str(period.get('since') or '…'))} to "
        f"{e(str(period.get('until') or '…'))}</p>",
        '<ul class="figures">',
        *(f'<li><b class="figure">{e(str(value))}</b> {e(label)}</li>'
          for label, value in figures),
        "</ul>",
    ]
    for heading, counts in lists:
        shown = ", ".join(f"{e(str(key))}: {e(str(n))}" for key, n in counts.items()) or "none"
        parts.append(f"<p><strong>{e(heading)}:</strong> {shown}</p>")
    for name, caption in charts:
        parts.append(f'<figure><img src="{e(name)}" alt="{e(caption)}" width="{SIZE[0]}" '
                     f'height="{SIZE[1]}"><figcaption>{e(caption)}</figcaption></figure>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
