"""Images loaded and scaled off the frame loop, once per size.

``get`` never waits: the first call for a path and size starts the work in a worker thread
(pygame's scaling releases the GIL) and returns None; a later frame gets the surface. Loading
and scaling a full-screen slide costs 15-25 ms, more than a frame.

An image over the media limits (``kiosk.config.media_images``: pixels read from the header,
before decoding) is drawn as missing, like an unreadable one, and costs nothing.

Paths are relative to the media folder, except product photos downloaded from a remote source:
those start with ``REMOTE_IMAGES`` (``@remote/<file>``) and are read from ``remote_dir``, the
data folder's ``content-images/``. Config image paths must be relative, and downloads must not
land in ``media/`` (watched for hot reload), hence a reserved prefix rather than a path.
"""

from __future__ import annotations

import io
import logging
import threading
from collections import OrderedDict
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import pygame

from kiosk.catalog.sources.patch import REMOTE_IMAGES
from kiosk.config.media_images import read_media_image

log = logging.getLogger(__name__)

ORIGINALS_BYTES = 4 * 1024 * 1024
"""Decoded originals kept to scale again without decoding (an image asked for at two or three
sizes in a row): the last ones up to this many bytes. Keeping every original made memory grow
with each product shown, 60 MB for the demo's 50 photos."""

READY_BYTES = 64 * 1024 * 1024
"""Scaled images kept ready, in bytes as well as in number: a full-screen slide is 8 MB at
1080p, so a long attract loop and a day of product photos must not keep all of theirs."""

Fit = Literal["contain", "cover"]
Key = tuple[str, int, int, str, float]


class ImageLoader:
    """Media images by path relative to the media folder, scaled to the sizes asked for.
    ``remote_dir``: where ``@remote/`` photos are (without it they are drawn as missing)."""

    def __init__(self, media_dir: Path, cache_size: int = 256, *,
                 remote_dir: Path | None = None, cache_bytes: int = READY_BYTES) -> None:
        self._media_dir = media_dir
        self._remote_dir = remote_dir
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="images")
        self._jobs: dict[Key, Future[pygame.Surface | None]] = {}
        self._ready: OrderedDict[Key, pygame.Surface | None] = OrderedDict()
        self._originals: OrderedDict[str, pygame.Surface] = OrderedDict()  # worker only
        self._unreadable: set[str] = set()  # worker only: said once, drawn as missing
        self._cache_size = cache_size
        self._cache_bytes = cache_bytes
        self._ready_bytes = 0
        self._lock = threading.Lock()  # ``get`` is also called from the render worker
        self.arrivals = 0

    def get(self, path: str, size: tuple[int, int], fit: Fit = "contain",
            darken: float = 0.0) -> pygame.Surface | None:
        """``path`` scaled into ``size`` (``darken`` 0..1 dims it for text on top).

        None while it is being prepared, or when the file cannot be read (drawn as missing).
        """
        key = (path, size[0], size[1], fit, darken)
        with self._lock:
            if key in self._ready:
                self._ready.move_to_end(key)
                return self._ready[key]
            if key not in self._jobs:
                self._jobs[key] = self._pool.submit(self._prepare, key)
        return None

    def poll(self) -> None:
        """Take in the images prepared since the last frame (counted in ``arrivals``)."""
        with self._lock:
            for key in [key for key, job in self._jobs.items() if job.done()]:
                job = self._jobs.pop(key)
                surface = None if job.cancelled() else job.result()
                self._ready[key] = surface
                self._ready_bytes += _bytes(surface)
                self.arrivals += 1
                while len(self._ready) > 1 and (len(self._ready) > self._cache_size
                                                or self._ready_bytes > self._cache_bytes):
                    self._ready_bytes -= _bytes(self._ready.popitem(last=False)[1])

    def settle(self, timeout: float) -> None:
        """Wait for the work under way (step-mode screenshots only: a frame never waits)."""
        with self._lock:
            jobs = list(self._jobs.values())
        futures.wait(jobs, timeout=timeout)
        self.poll()

    @property
    def loading(self) -> bool:
        """Whether any image is still being prepared."""
        return bool(self._jobs)

    def close(self) -> None:
        """Stop the worker; pending work is dropped."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _prepare(self, key: Key) -> pygame.Surface | None:
        path, width, height, fit, darken = key
        original = self._original(path)
        if original is None:
            return None
        scaled = _scale(original, (width, height), fit)
        if darken:
            level = round(255 * (1 - darken))
            scaled.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
        if pygame.display.get_init() and pygame.display.get_surface():
            scaled = scaled.convert_alpha()  # here, not in the frame loop: 10+ ms for a slide
        return scaled

    def _original(self, path: str) -> pygame.Surface | None:
        """The decoded image, kept among the last ones (``ORIGINALS_BYTES``); None when it
        cannot be loaded (said once)."""
        if path in self._unreadable:
            return None
        original = self._originals.get(path)
        if original is not None:
            self._originals.move_to_end(path)
            return original
        try:
            file = self._file(path)
            data = read_media_image(file)  # pixels checked from the header first
            original = _true_colour(pygame.image.load(io.BytesIO(data), file.name))
        except (pygame.error, OSError, ValueError) as exc:
            log.warning("image %s cannot be loaded: %s; drawing it as missing", path, exc)
            self._unreadable.add(path)
            return None
        self._originals[path] = original
        kept, dropped = 0, []
        for name, surface in reversed(self._originals.items()):
            kept += surface.get_height() * surface.get_pitch()
            if kept > ORIGINALS_BYTES:
                dropped.append(name)
        for name in dropped:
            del self._originals[name]
        return original

    def _file(self, path: str) -> Path:
        """Where ``path`` is read from; ValueError for a remote photo it cannot place."""
        if not path.startswith(REMOTE_IMAGES):
            return self._media_dir / path
        name = path[len(REMOTE_IMAGES):]
        if self._remote_dir is None:
            raise ValueError("no folder for downloaded photos was given")
        if not name or name.startswith(".") or Path(name).name != name or "\\" in name:
            raise ValueError("not a photo file name")
        return self._remote_dir / name


def _true_colour(surface: pygame.Surface) -> pygame.Surface:
    """Grey and palette images (8 bits a pixel) as 32-bit: ``smoothscale`` refuses them, and
    its error escaped to the frame loop."""
    if surface.get_bitsize() in (24, 32):
        return surface
    converted = pygame.Surface(surface.get_size(), pygame.SRCALPHA, 32)
    converted.blit(surface, (0, 0))
    return converted


def _scale(original: pygame.Surface, size: tuple[int, int], fit: Fit) -> pygame.Surface:
    width, height = original.get_size()
    ratio = (max if fit == "cover" else min)(size[0] / width, size[1] / height)
    scaled_size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    scaled = pygame.transform.smoothscale(original, scaled_size)
    if fit == "contain":
        return scaled
    crop = pygame.Rect(0, 0, *size)
    crop.center = (scaled_size[0] // 2, scaled_size[1] // 2)
    return scaled.subsurface(crop.clip(scaled.get_rect())).copy()


class MediaWait:
    """Remembers that a render lacked images, so it is redone once (and only once) more arrive.

    A cached layer drawn while its images load must not be re-rendered every frame.
    """

    def __init__(self, images: ImageLoader) -> None:
        self._images = images
        self._stamp: int | None = None
        self._begun = images.arrivals

    def begin(self) -> None:
        """A render starts: nothing is missing yet. Arrivals are counted from here: a render
        in the worker thread may miss an image the frame loop takes in before ``missing``."""
        self._stamp = None
        self._begun = self._images.arrivals

    def missing(self) -> None:
        """The render drew without an image that is still loading."""
        self._stamp = self._begun

    @property
    def stale(self) -> bool:
        """True when images arrived since a render that missed some."""
        return self._stamp is not None and self._stamp != self._images.arrivals


def _bytes(surface: pygame.Surface | None) -> int:
    return 0 if surface is None else surface.get_pitch() * surface.get_height()
