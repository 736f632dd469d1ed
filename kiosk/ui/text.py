"""Text rendered once and reused: a frame should be blits, not font rasterisation."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import pygame

ELLIPSIS = "…"


class TextRenderer:
    """Fonts by size and a bounded cache of rendered strings and wrapped lines; shared by the
    frame loop and the render worker (``kiosk.ui.render_worker``), so its caches are locked."""

    def __init__(self, regular: Path, bold: Path, cache_size: int = 4096) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self._paths = {False: str(regular), True: str(bold)}
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._surfaces: OrderedDict[tuple[object, ...], pygame.Surface] = OrderedDict()
        self._wraps: OrderedDict[tuple[object, ...], list[str]] = OrderedDict()
        self._widths: dict[tuple[str, int, bool], int] = {}
        """Measured widths: wrapping and fitting measure the same words again and again."""
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        """The font at ``size`` pixels."""
        key = (size, bold)
        font = self._fonts.get(key)
        if font is None:
            font = self._fonts.setdefault(key, pygame.font.Font(self._paths[bold], size))
        return font

    def render(self, text: str, size: int, color: pygame.Color,
               bold: bool = False) -> pygame.Surface:
        """``text`` on a transparent surface, cached."""
        key = (text, size, tuple(color), bold)
        with self._lock:
            surface = self._surfaces.get(key)
            if surface is not None:
                self._surfaces.move_to_end(key)
                return surface
        surface = self.font(size, bold).render(text, True, color)
        self._remember(self._surfaces, key, surface)
        return surface

    def width(self, text: str, size: int, bold: bool = False) -> int:
        """Width of ``text`` in pixels."""
        key = (text, size, bold)
        width = self._widths.get(key)
        if width is None:
            width = self.font(size, bold).size(text)[0]
            if len(self._widths) >= 4 * self._cache_size:
                self._widths.clear()  # rare; a bounded dict without the LRU's bookkeeping
            self._widths[key] = width
        return width

    def line_height(self, size: int, bold: bool = False) -> int:
        """Distance between baselines."""
        return self.font(size, bold).get_linesize()

    def wrap(self, text: str, size: int, width: int, bold: bool = False,
             max_lines: int | None = None) -> list[str]:
        """Lines of at most ``width`` pixels; the last kept line ends in … when text is cut."""
        key = (text, size, width, bold, max_lines)
        with self._lock:
            cached = self._wraps.get(key)
        if cached is not None:
            return cached
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines += self._wrap_paragraph(paragraph, size, width, bold)
        if max_lines is not None and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self.fit(lines[-1] + ELLIPSIS, size, width, bold)
        self._remember(self._wraps, key, lines)
        return lines

    def fit(self, text: str, size: int, width: int, bold: bool = False) -> str:
        """``text`` shortened with … until it fits ``width``."""
        if self.width(text, size, bold) <= width:
            return text
        body = text.rstrip(ELLIPSIS)
        while body and self.width(body.rstrip() + ELLIPSIS, size, bold) > width:
            body = body[:-1]
        return body.rstrip() + ELLIPSIS

    def _wrap_paragraph(self, paragraph: str, size: int, width: int, bold: bool) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if self.width(candidate, size, bold) <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
        lines.append(self.fit(current, size, width, bold))
        return lines

    def _remember(self, cache: OrderedDict, key: tuple[object, ...], value: object) -> None:
        with self._lock:
            cache[key] = value
            if len(cache) > self._cache_size:
                cache.popitem(last=False)
