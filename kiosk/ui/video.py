"""Videos decoded off the frame loop: a worker thread per video keeps only its latest frame.

Decoding, scaling and darkening a full-screen frame costs several milliseconds, so all of it
runs in the player's own thread (OpenCV releases the GIL); the frame loop only blits the
latest frame. Frames are handed over as BGRA, the byte order of the screen's XRGB8888 pixels:
blitting one is a plain copy (about 0.7 ms at 1080p), and a crossfade with surface alpha stays
cheap (1.5 ms; an RGB surface takes 14 ms).

Every buffer is allocated once per playback and reused for its whole life: decoding writes
into the same arrays (OpenCV's ``dst``), and finished frames go round three BGRA slots (one on
screen, one published, one being written), each wrapped once in a Surface. Allocating 8 MB
per 1080p frame instead made resident memory swing by tens of megabytes with the allocator's
timing, which a table that loops a video for months cannot afford. A player waiting to play
keeps only its first frame: the decoder's working buffers (8 MB at 1080p) come with playback.
A player nobody draws (the table has products, or the slide is neither on screen nor next)
rests: it gives its pixels back, 8 MB at 1080p before it plays and 41 MB once it has, keeps
its file open, and decodes its first frame again when it is asked for (about 10 ms).

OpenCV is imported by the worker, not with this module: the attract loop's first frame (an
image, or a video's first frame shown when it is ready) does not wait for it.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

if TYPE_CHECKING:
    import cv2
    import numpy as np

log = logging.getLogger(__name__)

DEFAULT_FPS = 25.0  # when a file does not say its frame rate
IDLE_S = 0.5  # nobody asked for a frame this long (the table has products): the player rests
LATE_S = 0.5  # this far behind (a busy machine), playback skips ahead rather than rushes
JOIN_S = 1.0
SLOTS = 3  # triple buffering: the frame on screen, the latest published, the one being written
FIRST = SLOTS  # one more slot keeps the first frame, shown at once when the slide comes back


class VideoPlayer:
    """Plays one video file, looping, scaled to cover ``size``.

    The first frame is decoded at once and shown until ``play`` starts the clock, so a slide
    can fade in on it and play from the start when it is on screen. A file that cannot be
    decoded logs one warning; ``frame`` then returns None for good and ``failed`` is True.
    """

    def __init__(self, path: Path, size: tuple[int, int], darken: float = 0.0,
                 still: bool = False) -> None:
        self.path = path
        self.size = size
        self.duration: float | None = None
        """Seconds of one play, once known (from the file, or measured at the first loop)."""
        self.failed = False
        self._darken = darken
        self._still = still
        self._lock = threading.Lock()
        self._slots: list[np.ndarray | None] = [None] * (SLOTS + 1)
        self._surfaces: list[pygame.Surface | None] = [None] * (SLOTS + 1)
        self._latest: int | None = None  # the slot published last (None: nothing to show)
        self._resting = False  # its frames were given back (nobody drew it)
        self._on_screen: int | None = None  # the slot the frame loop took last: never written
        self._decoded: np.ndarray | None = None  # the decoder's output, reused
        self._scaled: np.ndarray | None = None  # darkened and in BGRA, or covered, before BGRA
        self._stop = threading.Event()
        self._play = threading.Event()
        self._asked = threading.Event()
        self._last_asked = time.monotonic()
        self._ready = threading.Event()
        self._rewind = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"video-{path.name}",
                                        daemon=True)
        _LIVE.add(self)
        self._thread.start()

    def frame(self) -> pygame.Surface | None:
        """The latest decoded frame; never waits (None until the first one is decoded)."""
        self._last_asked = time.monotonic()
        self._asked.set()
        with self._lock:  # a resting worker lets go of the slots under the lock
            if self._resting:  # woken: its first frame is being decoded again
                self._resting = False
                self._ready.clear()
            latest = self._on_screen = self._latest
            if latest is None:
                return None
            surface = self._surfaces[latest]
            if surface is None:  # once per slot: the Surface shares (and holds) its pixels
                pixels = self._slots[latest]
                assert pixels is not None  # a slot is filled before it is published
                surface = self._surfaces[latest] = pygame.image.frombuffer(pixels, self.size,
                                                                           "BGRA")
        return surface

    def play(self) -> None:
        """Start playing from the first frame (a no-op for a still)."""
        self._last_asked = time.monotonic()
        self._play.set()

    def restart(self) -> None:
        """Play again from the first frame (the slide comes back): the file stays open, and
        the first frame shows at once while the worker seeks back."""
        with self._lock:
            if self._slots[FIRST] is not None and not self.failed:
                self._latest = FIRST
        self._rewind.set()
        self.play()

    @property
    def ready(self) -> bool:
        """Whether the first frame is decoded (or the file found unreadable); False again
        from the moment a resting player is asked for a frame until it has decoded it anew."""
        return self._ready.is_set()

    def wait_ready(self, timeout: float) -> bool:
        """Wait for the first frame (tests and step-mode screenshots only: a frame never waits)."""
        return self._ready.wait(timeout)

    def stop(self) -> None:
        """Ask the worker to end, without waiting (safe to call from the frame loop)."""
        self._stop.set()
        self._play.set()
        self._asked.set()

    def close(self, timeout: float = JOIN_S) -> None:
        """Stop the worker and wait for it to release the file."""
        self.stop()
        self._thread.join(timeout)

    def _run(self) -> None:
        import cv2

        try:
            self._decode()
        except (cv2.error, OSError, ValueError) as exc:
            self._fail(str(exc))
        finally:
            self._ready.set()

    def _decode(self) -> None:
        import cv2

        capture = _open(self.path)
        try:
            fps = capture.get(cv2.CAP_PROP_FPS) if capture.isOpened() else 0.0
            fps = fps if 1.0 <= fps <= 240.0 else DEFAULT_FPS
            count = capture.get(cv2.CAP_PROP_FRAME_COUNT) if capture.isOpened() else 0.0
            if count > 0:
                self.duration = count / fps
            if not self._next(capture, FIRST):
                if not self._stop.is_set():
                    self._fail("no frame could be decoded (corrupt or unsupported codec?)")
                return
            self._ready.set()
            self._decoded = self._scaled = None  # until it plays, only the first frame stays
            if self._still:
                return
            while not self._play.wait(IDLE_S):
                if self._idle() and (capture := self._rest(capture)) is None:
                    return
            start, index = time.monotonic(), 1
            while not self._stop.is_set():
                if self._idle():
                    if (capture := self._rest(capture)) is None:
                        return
                    start, index = time.monotonic(), 1  # from its first frame, shown now
                    continue
                if self._rewind.is_set():
                    self._rewind.clear()
                    capture = self._from_start(capture)
                    if capture is None:
                        return
                    start, index = time.monotonic(), 1
                    continue
                due = start + index / fps
                delay = due - time.monotonic()
                if delay < -LATE_S:
                    start -= delay
                elif delay > 0 and self._stop.wait(delay):
                    return
                if self._next(capture):
                    index += 1
                    continue
                if self._stop.is_set():
                    return
                if self.duration is None:
                    self.duration = index / fps
                capture = self._from_start(capture)
                if capture is None:
                    return
                start, index = due, 1
        finally:
            if capture is not None:
                capture.release()

    def _from_start(self, capture: cv2.VideoCapture,
                    slot: int | None = None) -> cv2.VideoCapture | None:
        """Back to the first frame, decoded and published (into ``slot``, or a free one): by
        seeking (one decoder for the player's whole life, so memory stays flat over months
        of loops), or by reopening the file when seeking fails; None when it cannot be read
        any more."""
        import cv2

        if capture.set(cv2.CAP_PROP_POS_FRAMES, 0) and self._next(capture, slot):
            return capture
        capture.release()
        capture = _open(self.path)
        if self._next(capture, slot):
            return capture
        capture.release()
        if not self._stop.is_set():
            self._fail("it stopped being readable (replaced or removed?)")
        return None

    def _next(self, capture: cv2.VideoCapture, slot: int | None = None) -> bool:
        """Decode, cover, darken and publish one frame (into ``slot``, or a free one); False
        at the end or on an error."""
        import cv2
        import numpy as np

        ok, image = capture.read(self._decoded) if capture.isOpened() else (False, None)
        if not ok or image is None or image.size == 0 or self._stop.is_set():
            return False
        self._decoded = image
        with self._lock:
            target = self._free_slot() if slot is None else slot
        pixels = self._slots[target]
        if pixels is None:
            pixels = self._slots[target] = np.empty((self.size[1], self.size[0], 4), np.uint8)
        height, width = image.shape[:2]
        if width <= self.size[0] or height <= self.size[1]:
            # Enlarged to cover: darkened and turned BGRA at the clip's own size, then scaled
            # straight into the slot (no full-size BGR buffer, a quarter of the work at 540p).
            if self._darken:
                cv2.convertScaleAbs(image, dst=image, alpha=1.0 - self._darken)
            small = self._scaled = cv2.cvtColor(image, cv2.COLOR_BGR2BGRA, dst=(
                self._scaled if self._scaled is not None
                and self._scaled.shape == (height, width, 4) else None))
            cover(small, self.size, pixels)
        else:
            scaled = self._scaled = cover(image, self.size, self._scaled)
            if self._darken:
                cv2.convertScaleAbs(scaled, dst=scaled, alpha=1.0 - self._darken)
            cv2.cvtColor(scaled, cv2.COLOR_BGR2BGRA, dst=pixels)
        with self._lock:
            self._latest = target
        return True

    def _free_slot(self) -> int:
        """A slot neither published nor on screen (call with the lock held): with three, one
        is always free, and the frame loop can only move to the published one."""
        taken = (self._latest, self._on_screen)
        return next(slot for slot in range(SLOTS) if slot not in taken)

    def _idle(self) -> bool:
        return time.monotonic() - self._last_asked > IDLE_S

    def _rest(self, capture: cv2.VideoCapture) -> cv2.VideoCapture | None:
        """Nobody draws this video: let go of its pixels and wait until a frame is asked for,
        then publish its first frame again (the slide comes back, or is next). Returns the
        capture to go on with, None when stopping or when the file cannot be read any more."""
        with self._lock:
            self._latest = self._on_screen = None
            self._slots = [None] * (SLOTS + 1)
            self._surfaces = [None] * (SLOTS + 1)
            self._resting = True
        self._decoded = self._scaled = None
        self._asked.clear()
        while not self._stop.is_set() and self._idle():
            self._asked.wait(0.5)
        if self._stop.is_set():
            return None
        with self._lock:  # awake: a frame asked for from now on finds it decoding
            self._resting = False
        self._rewind.clear()
        resumed = self._from_start(capture, FIRST)
        self._decoded = self._scaled = None
        self._ready.set()
        return resumed

    def _fail(self, reason: str) -> None:
        if not self.failed:
            log.warning("video %s cannot be played: %s; the attract loop skips it", self.path,
                        reason)
        self.failed = True
        with self._lock:
            self._latest = None


_LIVE: weakref.WeakSet[VideoPlayer] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Join every worker before the interpreter ends: a daemon thread still inside OpenCV
    when Python finalises is torn down mid-C++ and aborts the process."""
    for player in list(_LIVE):
        player.close()


def first_frame(path: Path, size: tuple[int, int], darken: float = 0.0) -> VideoPlayer:
    """A video's first frame as a still (reduced motion), decoded in a worker like playback."""
    return VideoPlayer(path, size, darken, still=True)


def cover(image: np.ndarray, size: tuple[int, int],
          out: np.ndarray | None = None) -> np.ndarray:
    """``image`` cropped to the aspect of ``size`` around its centre, then scaled to it (into
    ``out`` when it is given with the right shape, else into a new array).

    INTER_AREA when shrinking (no aliasing); INTER_LINEAR when enlarging, where INTER_AREA
    degrades to nearest-neighbour and a 960x540 clip on a 1080p table would look blocky.
    """
    import cv2
    import numpy as np

    height, width = image.shape[:2]
    scale = max(size[0] / width, size[1] / height)
    crop_w, crop_h = min(width, round(size[0] / scale)), min(height, round(size[1] / scale))
    left, top = (width - crop_w) // 2, (height - crop_h) // 2
    cropped = image[top:top + crop_h, left:left + crop_w]
    if out is None or out.shape != (size[1], size[0], *image.shape[2:]) \
            or out.dtype != image.dtype:
        out = np.empty((size[1], size[0], *image.shape[2:]), image.dtype)
    if cropped.shape[1::-1] == size:
        np.copyto(out, cropped)
        return out
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    cv2.resize(cropped, size, dst=out, interpolation=interpolation)
    return out


def _open(path: Path) -> cv2.VideoCapture:
    import cv2

    return cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
