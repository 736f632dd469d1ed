"""Images loaded off the frame loop and scaled once per size.

``get`` never waits: the first call starts loading in a worker thread and returns None; a later
frame gets the surface. Scaled copies are cached, so drawing an image is a blit.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import pygame

log = logging.getLogger(__name__)

Fit = Literal["contain", "cover"]


class ImageLoader:
    """Media images by path relative to the media folder."""

    def __init__(self, media_dir: Path, cache_size: int = 256) -> None:
        self._media_dir = media_dir
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="images")
        self._pending: dict[str, Future[pygame.Surface | None]] = {}
        self._originals: dict[str, pygame.Surface | None] = {}
        self._scaled: OrderedDict[tuple[str, int, int, str], pygame.Surface] = OrderedDict()
        self._cache_size = cache_size
        self.arrivals = 0

    def poll(self) -> None:
        """Take in the loads finished since the last frame (counted in ``arrivals``)."""
        for path in [path for path, future in self._pending.items() if future.done()]:
            self._collect(path)

    def request(self, path: str) -> None:
        """Start loading ``path`` if it is neither loaded nor loading."""
        if path not in self._originals and path not in self._pending:
            self._pending[path] = self._pool.submit(self._load, path)

    def ready(self, path: str) -> bool:
        """True once ``path`` has been loaded (or has failed, and will draw as missing)."""
        self._collect(path)
        return path in self._originals

    def get(self, path: str, size: tuple[int, int], fit: Fit = "contain") -> pygame.Surface | None:
        """``path`` scaled into ``size``; None while it loads or when it cannot be read."""
        key = (path, size[0], size[1], fit)
        cached = self._scaled.get(key)
        if cached is not None:
            self._scaled.move_to_end(key)
            return cached
        self.request(path)
        if not self.ready(path):
            return None
        original = self._originals[path]
        if original is None:
            return None
        scaled = _scale(original, size, fit)
        self._scaled[key] = scaled
        if len(self._scaled) > self._cache_size:
            self._scaled.popitem(last=False)
        return scaled

    def settle(self, timeout: float) -> None:
        """Wait for the loads under way (step-mode screenshots only: a frame never waits)."""
        futures.wait(list(self._pending.values()), timeout=timeout)

    @property
    def loading(self) -> bool:
        """Whether any image is still being loaded."""
        return bool(self._pending)

    def close(self) -> None:
        """Stop the worker; pending loads are dropped."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _collect(self, path: str) -> None:
        future = self._pending.get(path)
        if future is not None and future.done():
            del self._pending[path]
            self._originals[path] = None if future.cancelled() else future.result()
            self.arrivals += 1

    def _load(self, path: str) -> pygame.Surface | None:
        try:
            return pygame.image.load(str(self._media_dir / path))
        except (pygame.error, OSError, ValueError) as exc:
            log.warning("image %s cannot be loaded: %s; drawing it as missing", path, exc)
            return None


def _scale(original: pygame.Surface, size: tuple[int, int], fit: Fit) -> pygame.Surface:
    width, height = original.get_size()
    ratio = (max if fit == "cover" else min)(size[0] / width, size[1] / height)
    scaled_size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    scaled = pygame.transform.smoothscale(original.convert_alpha() if pygame.display.get_init()
                                          and pygame.display.get_surface() else original,
                                          scaled_size)
    if fit == "contain":
        return scaled
    crop = pygame.Rect(0, 0, *size)
    crop.center = (scaled_size[0] // 2, scaled_size[1] // 2)
    return scaled.subsurface(crop).copy()


class MediaWait:
    """Remembers that a render lacked images, so it is redone once (and only once) more arrive.

    A cached layer drawn while its images load must not be re-rendered every frame.
    """

    def __init__(self, images: ImageLoader) -> None:
        self._images = images
        self._stamp: int | None = None

    def begin(self) -> None:
        """A render starts: nothing is missing yet."""
        self._stamp = None

    def missing(self) -> None:
        """The render drew without an image that is still loading."""
        self._stamp = self._images.arrivals

    @property
    def stale(self) -> bool:
        """True when images arrived since a render that missed some."""
        return self._stamp is not None and self._stamp != self._images.arrivals
