"""Where camera frames come from: a live device, a video file or a folder of images.

The camera thread reads every kind through one small interface, so a recorded clip or a folder
of photos drives exactly the code path a real camera does (architecture rule 5).
"""

from __future__ import annotations

import logging
import math
import re
import sys
import time
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from hardware.image_limits import ImageLimits, ImageRefused, read_image

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".webm", ".mov")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
ACCEPTED = ("a device index such as '0', a V4L2 path such as '/dev/video2', a video file ("
            + ", ".join(VIDEO_SUFFIXES) + ") or a folder of images ("
            + ", ".join(IMAGE_SUFFIXES) + ")")
MAX_READ_FAILURES = 5
"""Consecutive failed grabs before a live camera counts as lost (single glitches are normal)."""
READ_TIMEOUT_MS = 1500
"""A live read waits at most this long, so stopping the camera thread stays prompt."""


class FrameSource(Protocol):
    """Frames in order; ``realtime`` sources pace themselves, the others are read flat out."""

    size: tuple[int, int]
    realtime: bool

    def open(self) -> None:
        """Acquire the input; raise ``OSError`` with a plain reason when it cannot."""

    def read(self) -> tuple[np.ndarray, float] | None:
        """A BGR frame and its media time (s); None at the end; ``OSError`` when lost."""

    def close(self) -> None:
        """Release the input; safe to call twice."""


class DeviceFrames:
    """A live camera: a V4L2 device on Linux, whatever OpenCV finds elsewhere."""

    realtime = True

    def __init__(self, target: int | str, width: int, height: int, fps: float) -> None:
        self.target = target
        self.size = (width, height)
        self.fps = fps
        self._capture: cv2.VideoCapture | None = None
        self._watched: Path | None = None

    def _node(self) -> Path | None:
        """The device file, when we can tell it (to notice an unplugged camera)."""
        if isinstance(self.target, str):
            return Path(self.target)
        if sys.platform.startswith("linux"):
            return Path(f"/dev/video{self.target}")
        return None

    def open(self) -> None:
        node = self._node()
        if isinstance(self.target, str) and node is not None and not node.exists():
            raise OSError(f"camera {self.target} does not exist: is it plugged in?")
        api = cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY
        capture = cv2.VideoCapture(self.target, api)
        if not capture.isOpened():
            capture.release()
            raise OSError(f"cannot open camera {self.target}: it is missing, unplugged "
                          "or in use by another program")
        width, height = self.size
        # USB cameras give 1080p at 30 fps only as MJPG (raw YUYV manages ~5 fps); a camera
        # without MJPG refuses this and keeps its own format.
        capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"MJPG"))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        capture.set(cv2.CAP_PROP_READ_TIMEOUT_MSEC, READ_TIMEOUT_MS)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not one queued while decoding
        actual = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
                  int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        if actual[0] > 0 and actual[1] > 0:
            if actual != self.size:
                log.info("camera %s gives %dx%d instead of %dx%d", self.target, *actual,
                         width, height)
            self.size = actual
        reported = capture.get(cv2.CAP_PROP_FPS)
        if math.isfinite(reported) and reported > 0:
            self.fps = reported
        self._capture = capture
        self._watched = node if node is not None and node.exists() else None

    def read(self) -> tuple[np.ndarray, float] | None:
        if self._capture is None:
            raise OSError(f"camera {self.target} is not open")
        for _ in range(MAX_READ_FAILURES):
            ok, frame = self._capture.read()
            if ok and frame is not None:
                return frame, time.monotonic()
            if self._watched is not None and not self._watched.exists():
                raise OSError(f"camera {self.target} was unplugged")
        raise OSError("camera stopped giving frames")

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class VideoFileFrames:
    """A recorded clip, decoded as fast as the reader asks; time is the clip's own."""

    realtime = False

    def __init__(self, path: Path, fps: float) -> None:
        self.path = path
        self.fps = fps
        self.size = (0, 0)
        self._capture: cv2.VideoCapture | None = None
        self._index = 0
        self._last_t = 0.0

    def open(self) -> None:
        if not self.path.is_file():
            raise OSError(f"video file {self.path} does not exist")
        api = cv2.CAP_FFMPEG if cv2.videoio_registry.hasBackend(cv2.CAP_FFMPEG) else cv2.CAP_ANY
        capture = cv2.VideoCapture(str(self.path), api)
        if not capture.isOpened():
            capture.release()
            raise OSError(f"cannot read video {self.path}: it is damaged or in a format "
                          "this OpenCV build cannot decode")
        self.size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
                     int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        reported = capture.get(cv2.CAP_PROP_FPS)
        if math.isfinite(reported) and 0 < reported < 1000:
            self.fps = reported
        self._capture = capture
        self._index = 0
        self._last_t = 0.0

    def read(self) -> tuple[np.ndarray, float] | None:
        if self._capture is None:
            raise OSError(f"video {self.path} is not open")
        try:
            ok, frame = self._capture.read()
        except cv2.error as exc:
            raise OSError(f"video {self.path} cannot be decoded: {exc}") from exc
        if not ok or frame is None:
            return None  # the end, or where a truncated file stops making sense
        msec = self._capture.get(cv2.CAP_PROP_POS_MSEC)
        if math.isfinite(msec) and msec >= 0 and (msec > 0 or self._index == 0):
            t = msec / 1000.0
        else:
            t = self._index / self.fps
        t = max(t, self._last_t)  # media time never runs backwards for the tracker
        self._index += 1
        self._last_t = t
        if (frame.shape[1], frame.shape[0]) != self.size:
            self.size = (frame.shape[1], frame.shape[0])
        return frame, t

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


def _natural_key(path: Path) -> list[int | str]:
    """Sort ``frame2`` before ``frame10``, the way people number their photos."""
    return [int(part) if part.isdigit() else part.lower()
            for part in re.split(r"(\d+)", path.name)]


def _load_image(path: Path, limits: ImageLimits) -> np.ndarray | None:
    """A BGR image, or None when the file cannot be read or decoded, or is over ``limits``
    (checked from its header: a huge image is skipped without being decoded)."""
    try:
        data = read_image(path, limits)
    except (ImageRefused, OSError) as exc:
        log.warning("skipping image %s: %s", path, exc)
        return None
    try:
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        image = None
    if image is None:
        log.warning("skipping image %s: it is not a readable image", path)
    return image


class ImageFolderFrames:
    """A folder of photos, sorted by name, each a frame ``1/fps`` after the previous one.

    ``limits`` bounds each photo (by default 4 times a 1080p frame: a 4K still); an image over
    them is skipped like an unreadable one.
    """

    realtime = False

    def __init__(self, folder: Path, fps: float, limits: ImageLimits | None = None) -> None:
        self.folder = folder
        self.fps = fps
        self.limits = limits or ImageLimits.for_frames(1920, 1080)
        self.size = (0, 0)
        self._paths: list[Path] = []
        self._next = 0
        self._first: np.ndarray | None = None

    def open(self) -> None:
        if not self.folder.is_dir():
            raise OSError(f"image folder {self.folder} does not exist")
        paths = sorted((path for path in self.folder.iterdir()
                        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()),
                       key=_natural_key)
        for index, path in enumerate(paths):
            image = _load_image(path, self.limits)
            if image is not None:
                self._paths = paths
                self._next = index
                self._first = image
                self.size = (image.shape[1], image.shape[0])
                return
        raise OSError(f"image folder {self.folder} holds no readable images ("
                      + ", ".join(IMAGE_SUFFIXES) + ")")

    def read(self) -> tuple[np.ndarray, float] | None:
        while self._next < len(self._paths):
            index = self._next
            self._next += 1
            if self._first is not None:
                image, self._first = self._first, None
            else:
                image = _load_image(self._paths[index], self.limits)
            if image is None:
                continue
            if (image.shape[1], image.shape[0]) != self.size:
                log.warning("image %s is %dx%d, not %dx%d like the first: scaled to fit",
                            self._paths[index], image.shape[1], image.shape[0], *self.size)
                image = cv2.resize(image, self.size, interpolation=cv2.INTER_AREA)
            return image, index / self.fps
        return None

    def close(self) -> None:
        self._paths = []
        self._next = 0
        self._first = None


def open_frames(device: str, width: int = 1920, height: int = 1080, fps: float = 30.0,
                base_dir: Path | None = None) -> FrameSource:
    """The frame source named ``device``, not yet opened (naming errors show at config time).

    ``"0"`` is a device index, ``/dev/video2`` a V4L2 path, a name ending in a video suffix a
    clip, an existing folder (or a name ending in ``/``) a folder of images; relative paths are
    relative to ``base_dir``. Anything else is a ``ValueError`` listing what is accepted.
    """
    if width <= 0 or height <= 0 or not (math.isfinite(fps) and fps > 0):
        raise ValueError(f"camera size {width}x{height} at {fps} fps: all must be positive")
    name = device.strip()
    if name.isdigit() and name.isascii():
        return DeviceFrames(int(name), width, height, fps)
    if name.startswith("/dev/"):
        return DeviceFrames(name, width, height, fps)
    if not name:
        raise ValueError(f"camera device is empty; use {ACCEPTED}")
    path = Path(name).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return VideoFileFrames(path, fps)
    if path.is_dir() or name.endswith(("/", "\\")):
        return ImageFolderFrames(path, fps, ImageLimits.for_frames(width, height))
    raise ValueError(f"camera device {device!r} is not {ACCEPTED}"
                     + ("" if path.exists() else f" ({path} does not exist)"))
