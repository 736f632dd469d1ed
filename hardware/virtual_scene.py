"""What the simulator's camera draws, apart from its geometry and timing: the products' boxes
and shadows, the switched-off screen, the room's light and the sensor noise.

Everything here is sized for memory as much as for looks: the camera keeps one lit frame and
makes the rest when a region changes (``virtual_camera``), so these pieces are small or made
on demand.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

NOISE_SIGMA = 4.0
NOISE_CHUNK = 1 << 20  # samples drawn at a time when the noise pool is made
LIGHT_ROWS = 120  # rows of the light map computed at a time
BOX_FRACTION = 0.14
"""A product box's smallest side, as a fraction of the table width (grown to fit its label)."""
LINEAR_ASPECT = 1.15
"""Bar height over symbol width: tall enough for a horizontal scan to cross a box at 45°."""
DARK_TABLE_BGR = (30, 28, 27)
LABEL_WHITE = 238
SHADOW_DEPTH = 0.55
INK = 28

Region = tuple[int, int, int, int]
"""x0, y0, x1, y1 in camera pixels."""


@functools.lru_cache(maxsize=4)
def noise_pool(samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
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


def light_map(size: tuple[int, int]) -> np.ndarray:
    """The static uneven light over a ``size`` view, one channel (0–255 for 0–1)."""
    width, height = size
    lamp_x, lamp_y = 0.38 * width, 0.32 * height
    light = np.empty((height, width), np.uint8)
    for top in range(0, height, LIGHT_ROWS):  # a band at a time: no 40 MB of temporaries
        ys, xs = np.mgrid[top:min(top + LIGHT_ROWS, height), 0:width].astype(np.float32)
        distance = np.hypot((xs - lamp_x) / width, (ys - lamp_y) / height) / 0.9
        band = np.clip(1.0 - 0.30 * distance**2 - 0.06 * xs / width, 0.6, 1.0) * 255
        light[top:top + len(band)] = np.rint(band)
    return light


def dark_table(size: tuple[int, int]) -> np.ndarray:
    """The switched-off screen: near black with a faint glossy sheen. Nothing on it needs
    detail, so the camera keeps it small and stretches it when warped."""
    width, height = size
    sheen = np.linspace(0, 10, width, dtype=np.float32).astype(np.uint8)
    row = np.asarray(DARK_TABLE_BGR, np.uint8)[None, :] + sheen[:, None]
    table = np.empty((height, width, 3), np.uint8)
    table[:] = row
    return table


def upright_box(symbol: np.ndarray, fmt: str, colour: tuple[int, int, int], module: float,
                canvas_size: tuple[int, int]) -> np.ndarray:
    """A product's box seen from above (BGRA): a coloured top with a white label bearing
    ``symbol`` (its modules, 0 for ink) at ``module`` canvas pixels per module."""
    label_w = round(symbol.shape[1] * module)
    if fmt in ("qr", "datamatrix"):
        label_h = round(symbol.shape[0] * module)
    else:
        label_h = min(round(LINEAR_ASPECT * label_w), round(0.42 * canvas_size[1]))
        symbol = symbol[:1]
    label = cv2.resize(symbol, (label_w, label_h), interpolation=cv2.INTER_AREA)
    label = cv2.convertScaleAbs(label, alpha=(LABEL_WHITE - INK) / 255, beta=INK)
    smallest = round(BOX_FRACTION * canvas_size[0])
    border = max(round(0.06 * smallest), 4)
    box_w = max(smallest, label_w + 2 * border)
    box_h = max(smallest, label_h + 2 * border)
    box = np.empty((box_h, box_w, 4), np.uint8)
    box[:] = (*colour, 255)
    edge = tuple(int(c * 0.7) for c in colour)
    cv2.rectangle(box, (0, 0), (box_w - 1, box_h - 1), (*edge, 255), max(border // 3, 1))
    top, left = (box_h - label_h) // 2, (box_w - label_w) // 2
    box[top:top + label_h, left:left + label_w, :3] = label[:, :, None]
    return box


@dataclass(frozen=True, eq=False)
class ProductView:
    """A product as the camera sees it over ``region``: the box's pixels (``top``, black where
    it is not) and how much of what lies under it shows (``keep``, its shadow included)."""

    product: object
    region: Region
    top: np.ndarray
    keep: np.ndarray

    @classmethod
    def seen(cls, product: object, box: np.ndarray, box_to_camera: np.ndarray, shadow: int,
             size: tuple[int, int]) -> ProductView | None:
        """``box`` warped straight into a ``size`` camera (one resampling keeps bars sharp),
        with a soft shadow ``shadow`` pixels long; None when it is out of view."""
        box_h, box_w = box.shape[:2]
        reach = 3 * shadow
        outline = np.float64([[(-reach, -reach), (box_w + reach, -reach),
                               (box_w + reach, box_h + reach), (-reach, box_h + reach)]])
        seen = cv2.perspectiveTransform(outline, box_to_camera)[0]
        width, height = size
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
        return cls(product, (x0, y0, x1, y1), top, keep)

    def compose(self, patch: np.ndarray, area: Region) -> None:
        """Lay the product over ``patch``, the camera's ``area``, where they overlap."""
        x0, y0 = max(self.region[0], area[0]), max(self.region[1], area[1])
        x1, y1 = min(self.region[2], area[2]), min(self.region[3], area[3])
        if x0 >= x1 or y0 >= y1:
            return
        under = patch[y0 - area[1]:y1 - area[1], x0 - area[0]:x1 - area[0]]
        inside = (slice(y0 - self.region[1], y1 - self.region[1]),
                  slice(x0 - self.region[0], x1 - self.region[0]))
        keep = self.keep[inside]
        shaded = cv2.multiply(under, cv2.merge((keep, keep, keep)), scale=1 / 255)
        under[...] = cv2.add(shaded, self.top[inside])
