"""The simulator's camera: renders products lying on the table as a camera would see them.

Frames go through the real decoder and tracker (architecture rule 5), so they carry what makes
real frames hard: perspective, uneven light, blur and sensor noise. Rendering is cached so a
steady scene costs one noise pass per frame: the screen's image is warped into the camera only
when ``show`` changes it, and a scene change redraws just the regions around the products.
"""

from __future__ import annotations

import functools
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

DEFAULT_CORNERS = ((0.078, 0.065), (0.922, 0.065), (0.953, 0.935), (0.047, 0.935))
"""Table corners (TL, TR, BR, BL) as fractions of the frame: ~90% of it, farther edge narrower."""
BOX_FRACTION = 0.14
"""A product box's smallest side, as a fraction of the table width (grown to fit its label)."""
MODULE_CAMERA_PX = 2.7
"""Barcode module size in camera pixels at the least magnified spot of the table."""
NOISE_SIGMA = 4.0
NOISE_SLACK = 1 << 16
NOISE_CHUNK = 1 << 20  # samples drawn at a time when the noise pool is made
LIGHT_ROWS = 120  # rows of the light map computed at a time
"""Extra noise samples, so each frame can start the shared noise pool at a random offset."""
BOX_CACHE = 256
LINEAR_ASPECT = 1.15
"""Bar height over symbol width: tall enough for a horizontal scan to cross a box at 45°."""
SURROUNDINGS_BGR = (20, 21, 23)
BEZEL_BGR = (48, 46, 44)
DARK_TABLE_BGR = (30, 28, 27)
LABEL_WHITE = 238
SHADOW_DEPTH = 0.55
INK = 28

Clock = Callable[[], float]


def default_table_to_camera(size: tuple[int, int]) -> np.ndarray:
    """The simulator's known mapping from table fractions to pixels of a ``size`` frame."""
    width, height = size
    source = np.float32([(0, 0), (1, 0), (1, 1), (0, 1)])
    target = np.float32([(x * width, y * height) for x, y in DEFAULT_CORNERS])
    return cv2.getPerspectiveTransform(source, target).astype(np.float64)


@functools.lru_cache(maxsize=4)
def _noise_pool(samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Rounded Gaussian noise split into its positive and negative parts (saturating adds)."""
    rng = np.random.default_rng(seed)
    positive, negative = np.empty(samples, np.uint8), np.empty(samples, np.uint8)
    for start in range(0, samples, NOISE_CHUNK):  # the same stream, without 70 MB at once
        noise = np.rint(rng.standard_normal(min(NOISE_CHUNK, samples - start),
                                            dtype=np.float32) * NOISE_SIGMA)
        positive[start:start + len(noise)] = np.clip(noise, 0, 255)
        negative[start:start + len(noise)] = np.clip(-noise, 0, 255)
    positive.flags.writeable = False
    negative.flags.writeable = False
    return positive, negative


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
        self._module = MODULE_CAMERA_PX / self._least_magnification()
        self._dark = self._dark_table()
        self._table = self._dark
        self._surroundings, self._light = self._camera_backdrop()
        width, height = self.size
        self._noise = _noise_pool(width * height * 3 + NOISE_SLACK, seed)
        self._boxes: OrderedDict[tuple[str, str, tuple[int, int, int]], np.ndarray] = \
            OrderedDict()
        self._base_table: np.ndarray | None = None
        self._base = self._base_unlit = self._work = self._frame = self._surroundings
        self._drawn: list[tuple[int, int, int, int]] = []
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
        table = self._dark if image is None else self._screen_image(image)
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
            frame = self._add_noise(self._frame, int(self._rng.integers(0, NOISE_SLACK)))
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

    def _add_noise(self, scene: np.ndarray, offset: int) -> np.ndarray:
        """Sensor noise from the shared pool, starting at ``offset``: two saturating passes."""
        positive, negative = self._noise
        count = scene.size
        shape = scene.shape
        frame = cv2.add(scene, positive[offset:offset + count].reshape(shape))
        cv2.subtract(frame, negative[offset:offset + count].reshape(shape), dst=frame)
        return frame

    def _canvas_geometry(self) -> tuple[tuple[int, int], np.ndarray]:
        """A table-space canvas about as sharp as the camera sees the table, and its warp."""
        corners = cv2.perspectiveTransform(
            np.float64([[(0, 0), (1, 0), (1, 1), (0, 1)]]), self.table_to_camera)[0]
        top, right, bottom, left = (np.linalg.norm(corners[(i + 1) % 4] - corners[i])
                                    for i in range(4))
        width = int(np.clip(round(max(top, bottom)), 64, 4096))
        height = int(np.clip(round(max(left, right)), 64, 4096))
        pixel_to_fraction = np.array([[1 / width, 0, 0.5 / width],
                                      [0, 1 / height, 0.5 / height],
                                      [0, 0, 1]])
        return (width, height), self.table_to_camera @ pixel_to_fraction

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

    def _dark_table(self) -> np.ndarray:
        """The switched-off screen: near black with a faint glossy sheen."""
        width, height = self._canvas_size
        table = np.empty((height, width, 3), np.uint8)
        table[:] = DARK_TABLE_BGR
        sheen = np.linspace(0, 10, width, dtype=np.float32)[None, :] * np.ones((height, 1))
        cv2.add(table, cv2.merge([sheen.astype(np.uint8)] * 3), dst=table)
        return table

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

    def _camera_backdrop(self) -> tuple[np.ndarray, np.ndarray]:
        """The room around the table, and the static uneven light over the whole view."""
        width, height = self.size
        backdrop = np.empty((height, width, 3), np.uint8)
        backdrop[:] = SURROUNDINGS_BGR
        corners = cv2.perspectiveTransform(
            np.float64([[(0, 0), (1, 0), (1, 1), (0, 1)]]), self.table_to_camera)[0]
        centre = corners.mean(axis=0)
        bezel = centre + (corners - centre) * 1.025
        cv2.fillConvexPoly(backdrop, np.rint(bezel).astype(np.int32), BEZEL_BGR, cv2.LINE_AA)
        lamp_x, lamp_y = 0.38 * width, 0.32 * height
        light = np.empty((height, width), np.uint8)
        for top in range(0, height, LIGHT_ROWS):  # a band at a time: no 40 MB of temporaries
            ys, xs = np.mgrid[top:min(top + LIGHT_ROWS, height), 0:width].astype(np.float32)
            distance = np.hypot((xs - lamp_x) / width, (ys - lamp_y) / height) / 0.9
            band = np.clip(1.0 - 0.30 * distance**2 - 0.06 * xs / width, 0.6, 1.0) * 255
            light[top:top + len(band)] = np.rint(band)
        return backdrop, cv2.merge([light] * 3)

    def _render(self, table: np.ndarray, products: tuple[_Product, ...]) -> None:
        """Bring the lit, blurred scene (no noise) up to date, redrawing only around products.

        ``_work`` holds the unlit scene so overlapping products compose; regions drawn last
        time are restored from the empty table first.
        """
        if self._base_table is not table:
            self._base_unlit = self._backdrop_with(table)
            self._base = self._lit(self._base_unlit)
            self._base_table = table
            self._work, self._frame = self._base_unlit.copy(), self._base.copy()
            self._drawn = []
        for x0, y0, x1, y1 in self._drawn:
            self._work[y0:y1, x0:x1] = self._base_unlit[y0:y1, x0:x1]
            self._frame[y0:y1, x0:x1] = self._base[y0:y1, x0:x1]
        self._drawn = [region for product in products
                       if (region := self._draw_product(self._work, product)) is not None]
        height, width = self._work.shape[:2]
        for x0, y0, x1, y1 in self._drawn:
            px0, py0 = max(x0 - 1, 0), max(y0 - 1, 0)
            px1, py1 = min(x1 + 1, width), min(y1 + 1, height)
            patch = self._lit(self._work[py0:py1, px0:px1], (px0, py0))
            self._frame[y0:y1, x0:x1] = patch[y0 - py0:y1 - py0, x0 - px0:x1 - px0]

    def _backdrop_with(self, table: np.ndarray) -> np.ndarray:
        """The room with the table's surface warped into place (unlit)."""
        frame = self._surroundings.copy()
        cv2.warpPerspective(table, self._canvas_to_camera, self.size, dst=frame,
                            flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT)
        return frame

    def _lit(self, pixels: np.ndarray, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
        """Apply the static light and the lens blur to a region whose top-left is ``origin``."""
        x, y = origin
        height, width = pixels.shape[:2]
        lit = cv2.multiply(pixels, self._light[y:y + height, x:x + width], scale=1 / 255)
        return cv2.GaussianBlur(lit, (3, 3), 0)

    def _draw_product(self, work: np.ndarray, product: _Product
                      ) -> tuple[int, int, int, int] | None:
        """Warp the upright box straight into the camera (one resampling keeps bars sharp).

        Returns the camera region that changed, or None when the box is out of view.
        """
        box = self._box(product)
        box_h, box_w = box.shape[:2]
        shadow = max(round(0.035 * max(box_w, box_h)), 2)
        canvas_w, canvas_h = self._canvas_size
        turn = cv2.getRotationMatrix2D((0.0, 0.0), product.angle, 1.0)
        place = np.float64([[1, 0, product.x * canvas_w - 0.5],
                            [0, 1, product.y * canvas_h - 0.5], [0, 0, 1]])
        centre = np.float64([[1, 0, -(box_w - 1) / 2], [0, 1, -(box_h - 1) / 2], [0, 0, 1]])
        box_to_canvas = place @ np.vstack((turn, (0, 0, 1))) @ centre
        reach = 3 * shadow
        outline = np.float64([[(-reach, -reach), (box_w + reach, -reach),
                               (box_w + reach, box_h + reach), (-reach, box_h + reach)]])
        box_to_camera = self._canvas_to_camera @ box_to_canvas
        seen = cv2.perspectiveTransform(outline, box_to_camera)[0]
        height, width = work.shape[:2]
        x0, y0 = (max(int(v), 0) for v in np.floor(seen.min(axis=0)) - 2)
        x1 = min(int(np.ceil(seen[:, 0].max())) + 2, width)
        y1 = min(int(np.ceil(seen[:, 1].max())) + 2, height)
        if x0 >= x1 or y0 >= y1:
            return None
        to_region = np.float64([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]])
        seen_box = cv2.warpPerspective(box, to_region @ box_to_camera, (x1 - x0, y1 - y0),
                                       flags=cv2.INTER_LINEAR)
        top = cv2.cvtColor(seen_box, cv2.COLOR_BGRA2BGR)
        cover = seen_box[:, :, 3]
        offset = min(shadow, cover.shape[0] - 1, cover.shape[1] - 1)
        dark = np.zeros_like(cover)
        dark[offset:, offset:] = cover[:cover.shape[0] - offset, :cover.shape[1] - offset]
        blur = 2 * shadow + 1
        dark = cv2.blur(cv2.blur(dark, (blur, blur)), (blur, blur))
        keep = cv2.multiply(cv2.subtract(255, cover),
                            cv2.subtract(255, cv2.multiply(dark, SHADOW_DEPTH)), scale=1 / 255)
        region = work[y0:y1, x0:x1]
        shaded = cv2.multiply(region, cv2.merge((keep, keep, keep)), scale=1 / 255)
        region[...] = cv2.add(shaded, top)
        return x0, y0, x1, y1

    def _box(self, product: _Product) -> np.ndarray:
        """The upright box (BGRA), cached per label: a coloured top with a white label."""
        key = (product.content, product.fmt, product.colour)
        cached = self._boxes.get(key)
        if cached is not None:
            self._boxes.move_to_end(key)
            return cached
        module = self._module
        symbol = product.symbol
        label_w = round(symbol.shape[1] * module)
        if product.fmt in ("qr", "datamatrix"):
            label_h = round(symbol.shape[0] * module)
        else:
            label_h = min(round(LINEAR_ASPECT * label_w), round(0.42 * self._canvas_size[1]))
            symbol = symbol[:1]
        label = cv2.resize(symbol, (label_w, label_h), interpolation=cv2.INTER_AREA)
        label = cv2.convertScaleAbs(label, alpha=(LABEL_WHITE - INK) / 255, beta=INK)
        smallest = round(BOX_FRACTION * self._canvas_size[0])
        border = max(round(0.06 * smallest), 4)
        box_w = max(smallest, label_w + 2 * border)
        box_h = max(smallest, label_h + 2 * border)
        box = np.empty((box_h, box_w, 4), np.uint8)
        box[:] = (*product.colour, 255)
        edge = tuple(int(c * 0.7) for c in product.colour)
        cv2.rectangle(box, (0, 0), (box_w - 1, box_h - 1), (*edge, 255), max(border // 3, 1))
        top, left = (box_h - label_h) // 2, (box_w - label_w) // 2
        box[top:top + label_h, left:left + label_w, :3] = label[:, :, None]
        self._boxes[key] = box
        if len(self._boxes) > BOX_CACHE:
            self._boxes.popitem(last=False)
        return box
