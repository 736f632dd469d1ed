"""Photos of products known only to a remote source (Open Food Facts), kept in the data folder.

The answer's ``image_url`` is downloaded in the fetcher's thread, with the same bounded GET as
the answers themselves (``rest.get_bytes``: a timeout, at most ``MAX_PHOTO_BYTES``), then
checked as hostile input: a JPEG or PNG, complete (a truncated file decodes into half a grey
photo), at most ``MAX_SIDE`` pixels a side (read from its header before decoding, so a small
file cannot ask for gigabytes of pixels), and it must decode. Anything else is dropped with
one log line naming the GTIN and the reason, never the URL, and the placeholder stays.

A photo is written atomically to ``DATA/content-images/<gtin14>.<ext>`` (a temporary file in
the same folder, then ``os.replace``: a power cut leaves the old photo or the new one). Its
modification time says when it was downloaded: it is used without asking again while younger
than the content cache's age limit, and at any age while the network is down. Its access time
is set each time it is used, and files unused for that long are pruned with the cache.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from hardware.backoff import Backoff
from hardware.gtin import display_gtin
from kiosk.catalog.sources.patch import REMOTE_IMAGES
from kiosk.catalog.sources.rest import (
    LOG_CHARS,
    SourceUnavailable,
    Unusable,
    get_bytes,
    make_session,
)

log = logging.getLogger(__name__)

FOLDER = "content-images"
MAX_PHOTO_BYTES = 4_000_000
"""A dedicated cap: a front photo is some 50-500 kB; the JSON sources' ``max_bytes`` says
nothing about photos."""
PHOTO_SITES = ("openfoodfacts.org",)
"""Where photos may come from, besides the source's own host (a mirror, a test server): an
answer naming any other site is not followed."""
MAX_SIDE = 6000
"""Pixels a side: a photo larger than any panel shows, and at most ~100 MB decoded."""
SUFFIXES = (".jpg", ".png")
FORMATS = {".jpg": "JPEG", ".png": "PNG"}
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PNG_END = b"IEND\xaeB`\x82"
JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE,
                      0xCF})
JPEG_BARE = frozenset({0x01, *range(0xD0, 0xD9)})  # markers without a length


class PhotoStore:
    """Downloads, checks and keeps product photos; used from the fetcher's thread only."""

    def __init__(self, folder: Path, *, max_age_s: float, timeout_s: float,
                 source_url: str = "", max_bytes: int = MAX_PHOTO_BYTES,
                 retry_initial_s: float = 5.0, retry_max_s: float = 300.0) -> None:
        self.folder = folder
        own = (urlsplit(source_url).hostname or "").lower()
        self._sites = (*PHOTO_SITES, *((own,) if own else ()))
        self._max_age_s = max_age_s
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes
        self._session = make_session()
        self._session.headers["Accept"] = "image/jpeg, image/png;q=0.9"
        self._backoff = Backoff(retry_initial_s, retry_max_s)
        self._down_until = float("-inf")
        self._down = False
        self._checked: dict[Path, tuple[int, int]] = {}  # file -> (size, mtime_ns) found good

    def stored(self, gtin14: str) -> str | None:
        """The product's photo on disk while younger than the age limit (no network)."""
        path = self._good_file(gtin14)
        if path is None or time.time() - _mtime(path) >= self._max_age_s:
            return None
        return self._used(path)

    def fetch(self, gtin14: str, url: str) -> str | None:
        """The photo at ``url``, downloaded and checked, else the one on disk of any age (the
        network is down, or the new answer is unusable), else None: the placeholder stays."""
        gtin = display_gtin(gtin14)
        if time.monotonic() >= self._down_until:
            try:
                return self._download(gtin14, url)
            except SourceUnavailable as exc:
                self._went_down(str(exc))
            except Unusable as exc:
                self._came_back()
                log.warning("%s", f"photo for GTIN {gtin} dropped: {exc}"[:LOG_CHARS])
            except OSError as exc:
                log.warning("photo for GTIN %s not written (%s)", gtin, type(exc).__name__)
        path = self._good_file(gtin14)
        return self._used(path) if path is not None else None

    def prune(self, max_age_s: float) -> int:
        """Delete photos unused for ``max_age_s`` (and temporary files left by a crash);
        returns how many. Never raises: a file that cannot be deleted is left."""
        cutoff = time.time() - max_age_s
        count = 0
        try:
            paths = list(self.folder.iterdir()) if self.folder.is_dir() else []
        except OSError as exc:
            log.warning("product photos not pruned (%s)", type(exc).__name__)
            return 0
        for path in paths:
            try:
                stat = path.stat()
                if max(stat.st_atime, stat.st_mtime) < cutoff or (
                        path.suffix == ".part" and stat.st_mtime < time.time() - 3600):
                    path.unlink()
                    count += 1
            except OSError:
                continue  # gone already, or not ours to delete
        return count

    def close(self) -> None:
        """Close the connections kept alive."""
        self._session.close()

    # -- the work ---------------------------------------------------------------------------

    def _download(self, gtin14: str, url: str) -> str:
        host = (urlsplit(url).hostname or "").lower()
        if not any(host == site or host.endswith(f".{site}") for site in self._sites):
            raise Unusable("it is not on the source's site")
        body = get_bytes(self._session, url, headers={}, timeout_s=self._timeout_s,
                         max_bytes=self._max_bytes, follow_redirects=True)
        self._came_back()
        if body is None:
            raise Unusable("the server has no such photo (404)")
        suffix = check_photo(body)
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{gtin14}{suffix}"
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{gtin14}-",
                                             suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(body)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for other in SUFFIXES:
            if other != suffix:
                _remove(self.folder / f"{gtin14}{other}")
        stat = target.stat()
        self._checked[target] = (stat.st_size, stat.st_mtime_ns)
        return REMOTE_IMAGES + target.name

    def _good_file(self, gtin14: str) -> Path | None:
        """The product's photo on disk if it (still) passes the checks; a bad one is removed."""
        for suffix in SUFFIXES:
            path = self.folder / f"{gtin14}{suffix}"
            try:
                stat = path.stat()
                if self._checked.get(path) == (stat.st_size, stat.st_mtime_ns):
                    return path
                if stat.st_size > self._max_bytes:
                    raise Unusable("over the size cap")
                if check_photo(path.read_bytes()) != suffix:
                    raise Unusable("not the format its name says")
            except FileNotFoundError:
                continue
            except (OSError, Unusable) as exc:
                log.warning("stored photo %s is unusable (%s); removed", path.name,
                            exc if isinstance(exc, Unusable) else type(exc).__name__)
                _remove(path)
                continue
            self._checked[path] = (stat.st_size, stat.st_mtime_ns)
            return path
        return None

    def _used(self, path: Path) -> str:
        """The photo's image path; its access time marks it as in use, for ``prune``."""
        try:
            stat = path.stat()
            os.utime(path, ns=(time.time_ns(), stat.st_mtime_ns))
        except OSError:
            pass  # a read-only data folder: the photo is still good to show
        return REMOTE_IMAGES + path.name

    def _went_down(self, reason: str) -> None:
        delay = self._backoff.next_delay()
        self._down_until = time.monotonic() + delay
        level = logging.DEBUG if self._down else logging.WARNING
        self._down = True
        log.log(level, "product photos unavailable (%s); using those on disk, next try in "
                       "%.0f s", reason[:120], delay)

    def _came_back(self) -> None:
        self._backoff.reset()
        self._down_until = float("-inf")
        if self._down:
            self._down = False
            log.info("product photos download again")


def check_photo(body: bytes) -> str:
    """The suffix of a complete JPEG or PNG of sane size that decodes; raises Unusable."""
    if body.startswith(JPEG_MAGIC):
        suffix, complete = ".jpg", body.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")
        size = _jpeg_size(body)
    elif body.startswith(PNG_MAGIC):
        suffix, complete = ".png", body.endswith(PNG_END)
        size = _png_size(body)
    else:
        raise Unusable(f"not a JPEG or PNG image ({len(body)} bytes)")
    if not complete:
        raise Unusable(f"truncated {FORMATS[suffix]} ({len(body)} bytes)")
    if size is None:
        raise Unusable(f"{FORMATS[suffix]} without a readable size")
    width, height = size
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise Unusable(f"{width}x{height} pixels is not a sane photo size (max {MAX_SIDE})")
    import cv2  # here: a table that downloads no photo never needs it
    import numpy as np

    try:
        pixels = cv2.imdecode(np.frombuffer(body, dtype=np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        pixels = None
    if pixels is None or pixels.shape[:2] != (height, width):
        raise Unusable(f"{FORMATS[suffix]} does not decode")
    return suffix


def _png_size(body: bytes) -> tuple[int, int] | None:
    if len(body) < 24 or body[12:16] != b"IHDR":
        return None
    return int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")


def _jpeg_size(body: bytes) -> tuple[int, int] | None:
    """Width and height from the first start-of-frame marker."""
    index = 2
    while index + 4 <= len(body):
        if body[index] != 0xFF:
            return None
        marker = body[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker in JPEG_BARE:
            index += 2
            continue
        if marker in JPEG_SOF:
            if index + 9 > len(body):
                return None
            height = int.from_bytes(body[index + 5:index + 7], "big")
            width = int.from_bytes(body[index + 7:index + 9], "big")
            return width, height
        if marker == 0xDA:  # scan data before any frame header
            return None
        index += 2 + int.from_bytes(body[index + 2:index + 4], "big")
    return None


def _remove(path: Path) -> None:
    """Delete ``path`` if it can be (a file left behind is checked again before use)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.debug("%s not deleted (%s)", path.name, type(exc).__name__)


def _mtime(path: Path) -> float:
    """When the file was downloaded; 0 (very old) if it cannot be told."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
