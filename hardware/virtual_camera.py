"""The simulator's camera: renders products lying on the table as a camera would see them.

Frames go through the real decoder and tracker (architecture rule 5), so they carry what makes
real frames hard: perspective, uneven light, blur and sensor noise. Rendering is cached so a
steady scene costs one noise pass per frame: the screen's image is warped into the camera only
when ``show`` changes it, and a scene change redraws just the regions around the products.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from hardware.gtin import normalise_code
from hardware.virtual_labels import barcode_modules, box_colour, label_content
from hardware.virtual_scene import (
    ProductView,
    Region,
    dark_table,
    light_map,
    noise_pool,
    upright_box,
)

DEFAULT_CORNERS = ((0.078, 0.065), (0.922, 0.065), (0.953, 0.935), (0.047, 0.935))
"""Table corners (TL, TR, BR, BL) as fractions of the frame: ~90% of it, farther edge narrower."""
MODULE_CAMERA_PX = 2.7
"""Barcode module size in camera pixels at the least magnified spot of the table."""
NOISE_SLACK = 1 << 16
"""Extra noise samples, so each piece of a frame can start the noise pool at a random offset."""
NOISE_PIECES = 8
"""A frame takes its noise in this many pieces, each at its own offset: a pool an eighth of a
frame (1.6 MB at 1080p instead of 12) still gives noise that moves from frame to frame."""
DARK_SCALE = 8
"""The switched-off screen is made this many times smaller than the table's canvas."""
BOX_CACHE = 64
"""Upright boxes kept (about 0.3 MB each at 1080p); a box drawn again is cheap to remake."""
SURROUNDINGS_BGR = (20, 21, 23)
BEZEL_BGR = (48, 46, 44)

Clock = Callable[[], float]
_UNBUILT = object()  # the scene was never drawn: any table differs from it


def default_table_to_camera(size: tuple[int, int]) -> np.ndarray:
    """The simulator's known mapping from table fractions to pixels of a ``size`` frame."""
    width, height = size
    source = np.float32([(0, 0), (1, 0), (1, 1), (0, 1)])
    target = np.float32([(x * width, y * height) for x, y in DEFAULT_CORNERS])
    return cv2.getPerspectiveTransform(source, target).astype(np.float64)


@dataclass(frozen=True)
class _Product:
    key: str
    x: float
    y: float
    angle: float
    content: str
    fmt: str
    symbol: np.ndarray
    colour: tuple[int, int, int]


class VirtualCamera:
    """A camera looking at the simulated table; implements ``FrameSource``.

    ``place``/``remove``/``show`` come from the UI thread while ``read`` runs in the camera
    thread: they only swap state under a lock, and ``read`` renders from a copy.
    """

    realtime = True

    def __init__(self, size: tuple[int, int] = (1920, 1080), fps: float = 30.0,
                 table_to_camera: np.ndarray | None = None, clock: Clock = time.monotonic,
                 paced: bool = True, seed: int = 0, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if size[0] < 16 or size[1] < 16 or not fps > 0:
            raise ValueError(f"a virtual camera needs a real size and fps, not {size} at {fps}")
        self.size = (int(size[0]), int(size[1]))
        self.fps = float(fps)
        self.paced = paced
        self.table_to_camera = (default_table_to_camera(self.size) if table_to_camera is None
                                else np.asarray(table_to_camera, dtype=np.float64))
        if self.table_to_camera.shape != (3, 3) or abs(np.linalg.det(self.table_to_camera)) < 1e-12:
            raise ValueError("table_to_camera must be an invertible 3x3 homography")
        self.camera_to_table = np.linalg.inv(self.table_to_camera)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._render_lock = threading.Lock()
        self._products: dict[str, _Product] = {}
        self._version = 0
        self._open = False
        self._due: float | None = None
        self._rng = np.random.default_rng(seed)
        self._canvas_size, self._canvas_to_camera = self._canvas_geometry()
        dark_size = (max(self._canvas_size[0] // DARK_SCALE, 2),
                     max(self._canvas_size[1] // DARK_SCALE, 2))
        self._dark, self._dark_to_camera = dark_table(dark_size), self._to_camera(dark_size)
        self._module = MODULE_CAMERA_PX / self._least_magnification()
        self._table: np.ndarray | None = None  # None: the screen is off (``_dark``)
        self._light = light_map(self.size)
        width, height = self.size
        self._noise_piece = -(-width * height * 3 // NOISE_PIECES)
        self._noise = noise_pool(self._noise_piece + NOISE_SLACK, seed)
        self._boxes: OrderedDict[tuple[str, str, tuple[int, int, int]], np.ndarray] = \
            OrderedDict()
        self._base_table: object = _UNBUILT
        self._frame = np.empty((0, 0, 3), np.uint8)
        self._drawn: list[ProductView] = []  # as last drawn: one not moved is not warped again
        self._scene_version = -1
        self._scene_changed = threading.Event()

    def open(self) -> None:
        """Start a stream (again); a virtual camera is always there."""
        with self._lock:
            self._open = True
            self._due = None

    def close(self) -> None:
        """End the stream; ``read`` raises OSError until ``open`` again. Safe to call twice."""
        with self._lock:
            self._open = False

    def place(self, code: str, x: float, y: float, angle: float = 0.0,
              fmt: str | None = None) -> None:
        """Put (or move) a product at table fractions ``x``, ``y``, turned ``angle``° CCW.

        Raises ValueError here, in the caller's thread, when the code cannot be printed.
        """
        if not (math.isfinite(x) and math.isfinite(y) and math.isfinite(angle)):
            raise ValueError(f"position and angle must be finite, not {(x, y, angle)}")
        content, name, gs1 = label_content(code, fmt)
        product = _Product(normalise_code(code), min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0),
                           angle % 360, content, name, barcode_modules(content, name, gs1),
                           box_colour(code))
        with self._lock:
            self._products.pop(product.key, None)
            self._products[product.key] = product
            self._version += 1
        self._scene_changed.set()

    def remove(self, code: str) -> None:
        """Lift a product off the table; unknown codes are ignored like an empty hand."""
        with self._lock:
            removed = self._products.pop(normalise_code(code), None) is not None
            self._version += removed
        self._scene_changed.set()

    def show(self, image: np.ndarray | None) -> None:
        """Display ``image`` on the table's screen (BGR, any size), or turn the screen off."""
        table = None if image is None else self._screen_image(image)
        with self._lock:
            self._table = table
            self._version += 1
        self._scene_changed.set()

    def read(self) -> tuple[np.ndarray, float] | None:
        """The current scene with fresh sensor noise, at the camera's frame rate when paced.

        The wait comes first, so the frame shows the table as it is when the frame is due, like
        a real camera's exposure, not as it was one period earlier. A change made during the
        wait is drawn as it comes (``_sleep_drawing``), so the frame is ready when it is due.
        """
        if self.paced:
            self._wait_for_frame_time()
        if not self._open:
            raise OSError("the virtual camera is not open")
        with self._render_lock:
            self._render_latest()
            frame = self._add_noise(self._frame)
        return frame, self._clock()

    def _render_latest(self) -> None:
        """Bring the scene up to the latest change (the render lock is held)."""
        with self._lock:
            version, table = self._version, self._table
            products = tuple(self._products.values())
        if version != self._scene_version:
            self._render(table, products)
            self._scene_version = version

    def _wait_for_frame_time(self) -> None:
        """Sleep until this frame is due, never longer than one frame period; no bursts."""
        period = 1.0 / self.fps
        now = self._clock()
        if self._due is None or now - self._due > period:
            self._due = now
        wait = self._due - now
        if wait > 0:
            self._sleep_drawing(min(wait, period))
        self._due += period

    def _sleep_drawing(self, seconds: float) -> None:
        """Sleep, drawing each change as it comes: drawing a product put down takes ~10 ms,
        which would delay the frame due next. An injected ``sleep`` (tests) only sleeps."""
        if self._sleep is not time.sleep:
            self._sleep(seconds)
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self._scene_changed.wait(left):
                self._scene_changed.clear()
                with self._render_lock:
                    self._render_latest()

    def _add_noise(self, scene: np.ndarray) -> np.ndarray:
        """A new frame: ``scene`` with sensor noise from the shared pool, two saturating passes
        per piece, each piece starting the pool at a random offset."""
        positive, negative = self._noise
        frame = np.empty_like(scene)
        pixels, noisy = scene.reshape(-1), frame.reshape(-1)
        piece = self._noise_piece
        offsets = self._rng.integers(0, NOISE_SLACK, NOISE_PIECES)
        for start, offset in zip(range(0, pixels.size, piece), offsets, strict=False):
            end = min(start + piece, pixels.size)
            count = end - start
            out = noisy[start:end]
            cv2.add(pixels[start:end], positive[offset:offset + count], dst=out)
            cv2.subtract(out, negative[offset:offset + count], dst=out)
        return frame

    def _canvas_geometry(self) -> tuple[tuple[int, int], np.ndarray]:
        """A table-space canvas about as sharp as the camera sees the table, and its warp."""
        corners = cv2.perspectiveTransform(
            np.float64([[(0, 0), (1, 0), (1, 1), (0, 1)]]), self.table_to_camera)[0]
        top, right, bottom, left = (np.linalg.norm(corners[(i + 1) % 4] - corners[i])
                                    for i in range(4))
        width = int(np.clip(round(max(top, bottom)), 64, 4096))
        height = int(np.clip(round(max(left, right)), 64, 4096))
        return (width, height), self._to_camera((width, height))

    def _to_camera(self, size: tuple[int, int]) -> np.ndarray:
        """The warp from the pixels of a table-space image of ``size`` into the camera."""
        width, height = size
        pixel_to_fraction = np.array([[1 / width, 0, 0.5 / width],
                                      [0, 1 / height, 0.5 / height],
                                      [0, 0, 1]])
        return self.table_to_camera @ pixel_to_fraction

    def _least_magnification(self) -> float:
        """Smallest stretch from canvas to camera over the table, so labels stay readable."""
        width, height = self._canvas_size
        smallest = math.inf
        for x, y in ((0, 0), (width, 0), (width, height), (0, height), (width / 2, height / 2)):
            points = np.float64([[(x, y), (x + 1, y), (x, y + 1)]])
            mapped = cv2.perspectiveTransform(points, self._canvas_to_camera)[0]
            jacobian = np.column_stack((mapped[1] - mapped[0], mapped[2] - mapped[0]))
            smallest = min(smallest, float(np.linalg.svd(jacobian, compute_uv=False)[-1]))
        return max(smallest, 0.05)

    def _screen_image(self, image: np.ndarray) -> np.ndarray:
        """``image`` as the camera sees the lit screen: resized, a little dimmer, black lifted."""
        pixels = np.asarray(image)
        if pixels.ndim == 2:
            pixels = cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
        elif pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
            raise ValueError(f"show() takes a BGR image, not an array of shape {pixels.shape}")
        pixels = np.ascontiguousarray(pixels[:, :, :3], dtype=np.uint8)
        width, height = self._canvas_size
        shrinking = pixels.shape[1] > width
        resized = cv2.resize(pixels, (width, height),
                             interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
        return cv2.convertScaleAbs(resized, alpha=0.86, beta=16)

    def _backdrop(self, table: np.ndarray | None,
                  region: Region | None = None) -> np.ndarray:
        """The room, the bezel and the table's surface (None: the screen off), unlit: the whole
        view, or ``region`` (x0, y0, x1, y1) of it. Made when needed rather than kept, 6 MB at
        1080p: a product lifted is restored from its region alone."""
        x0, y0, x1, y1 = region or (0, 0, *self.size)
        backdrop = np.empty((y1 - y0, x1 - x0, 3), np.uint8)
        cv2.rectangle(backdrop, (0, 0), (x1 - x0, y1 - y0), SURROUNDINGS_BGR, cv2.FILLED)
        corners = cv2.perspectiveTransform(
            np.float64([[(0, 0), (1, 0), (1, 1), (0, 1)]]), self.table_to_camera)[0]
        centre = corners.mean(axis=0)
        bezel = np.rint(centre + (corners - centre) * 1.025).astype(np.int32) - (x0, y0)
        cv2.fillConvexPoly(backdrop, bezel, BEZEL_BGR, cv2.LINE_AA)
        to_region = np.float64([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]])
        if table is not None:
            cv2.warpPerspective(table, to_region @ self._canvas_to_camera, (x1 - x0, y1 - y0),
                                dst=backdrop, flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_TRANSPARENT)
            return backdrop
        # The small dark screen is stretched past its edges, then cut to the table's outline:
        # its own edges would fall several pixels inside.
        dark = cv2.warpPerspective(self._dark, to_region @ self._dark_to_camera,
                                   (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REPLICATE)
        outline = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillConvexPoly(outline, np.rint((corners - (x0, y0)) * 16).astype(np.int32), 255,
                           cv2.LINE_8, shift=4)
        cv2.copyTo(dark, outline, backdrop)
        return backdrop

    def _render(self, table: np.ndarray | None, products: tuple[_Product, ...]) -> None:
        """Bring the lit, blurred scene (no noise) up to date, redrawing only where products
        came, went or moved: each such region is made anew from the empty table and every
        product reaching into it, so overlapping products compose without a full-frame copy
        of the unlit scene."""
        if self._base_table is not table:
            self._frame = self._lit(self._backdrop(table))
            self._base_table = table
            self._drawn = []
        before = self._drawn
        present = {id(product) for product in products}
        kept = {id(view.product): view for view in before if id(view.product) in present}
        views = [view for product in products
                 if (view := kept.get(id(product)) or self._view(product)) is not None]
        changed = [view.region for view in (*before, *views)
                   if view not in views or view not in before]
        self._drawn = views
        for region in _merged(changed):
            self._refresh(table, region, views)

    def _refresh(self, table: np.ndarray | None, region: Region,
                 views: list[ProductView]) -> None:
        """Draw ``region`` of ``_frame`` anew, with a pixel of margin for the blur."""
        x0, y0, x1, y1 = region
        width, height = self.size
        padded = (max(x0 - 1, 0), max(y0 - 1, 0), min(x1 + 1, width), min(y1 + 1, height))
        patch = self._backdrop(table, padded)
        for view in views:
            view.compose(patch, padded)
        lit = self._lit(patch, padded[:2])
        self._frame[y0:y1, x0:x1] = lit[y0 - padded[1]:y1 - padded[1],
                                        x0 - padded[0]:x1 - padded[0]]

    def _lit(self, pixels: np.ndarray, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
        """Apply the static light and the lens blur to a region whose top-left is ``origin``."""
        x, y = origin
        height, width = pixels.shape[:2]
        light = cv2.cvtColor(self._light[y:y + height, x:x + width], cv2.COLOR_GRAY2BGR)
        lit = cv2.multiply(pixels, light, scale=1 / 255)
        return cv2.GaussianBlur(lit, (3, 3), 0)

    def _view(self, product: _Product) -> ProductView | None:
        """The product as the camera sees it, with its shadow; None when it is out of view."""
        box = self._box(product)
        box_h, box_w = box.shape[:2]
        canvas_w, canvas_h = self._canvas_size
        turn = cv2.getRotationMatrix2D((0.0, 0.0), product.angle, 1.0)
        place = np.float64([[1, 0, product.x * canvas_w - 0.5],
                            [0, 1, product.y * canvas_h - 0.5], [0, 0, 1]])
        centre = np.float64([[1, 0, -(box_w - 1) / 2], [0, 1, -(box_h - 1) / 2], [0, 0, 1]])
        box_to_canvas = place @ np.vstack((turn, (0, 0, 1))) @ centre
        return ProductView.seen(product, box, self._canvas_to_camera @ box_to_canvas,
                                max(round(0.035 * max(box_w, box_h)), 2), self.size)

    def _box(self, product: _Product) -> np.ndarray:
        """The upright box, cached per label."""
        key = (product.content, product.fmt, product.colour)
        cached = self._boxes.get(key)
        if cached is not None:
            self._boxes.move_to_end(key)
            return cached
        box = self._boxes[key] = upright_box(product.symbol, product.fmt, product.colour,
                                             self._module, self._canvas_size)
        if len(self._boxes) > BOX_CACHE:
            self._boxes.popitem(last=False)
        return box


def _merged(regions: list[Region]) -> list[Region]:
    """``regions`` with those that overlap joined: a product moved a little is redrawn once."""
    merged: list[Region] = []
    for region in regions:
        x0, y0, x1, y1 = region
        for other in [m for m in merged if x0 < m[2] and m[0] < x1 and y0 < m[3] and m[1] < y1]:
            merged.remove(other)
            x0, y0 = min(x0, other[0]), min(y0, other[1])
            x1, y1 = max(x1, other[2]), max(y1, other[3])
        merged.append((x0, y0, x1, y1))
    return merged
