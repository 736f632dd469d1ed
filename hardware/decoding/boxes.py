"""Geometry of located barcode boxes: the bars' direction, and the box turned upright.

OpenCV's locator gives a box around a 1D code at any angle; zxing-cpp and zbar read bars that
stand upright, so each box is straightened first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

Point = tuple[float, float]

STRAIGHTEN_SCALE = 1.5   # straightened crops are resampled at this scale, or less when
MAX_CROP_LENGTH = 900    # the crop would be longer than this (its modules are large anyway)
BAND_SHARE = 0.35        # a crop across upright bars keeps at most this height per length
NORMAL_SIDE = 256        # the bars' direction is measured on patches at most this size


def bars_normal(gray: np.ndarray, box: np.ndarray) -> float | None:
    """Direction across the bars in ``box`` (radians, counter-clockwise, modulo pi), found by
    the structure tensor of the image gradient; None where no direction dominates."""
    x, y, w, h = cv2.boundingRect(box)
    x0, y0, x1, y1 = max(0, x), max(0, y), min(gray.shape[1], x + w), min(gray.shape[0], y + h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    patch = gray[y0:y1, x0:x1]
    shrink = min(1.0, NORMAL_SIDE / max(patch.shape))   # the direction survives shrinking
    if shrink < 1.0:
        patch = cv2.resize(patch, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    patch = patch.astype(np.float32)
    mask = np.zeros(patch.shape, dtype=np.uint8)
    cv2.fillConvexPoly(mask, np.round((box - (x0, y0)) * shrink).astype(np.int32), 1)
    gx = cv2.Sobel(patch, cv2.CV_32F, 1, 0, ksize=3) * mask
    gy = cv2.Sobel(patch, cv2.CV_32F, 0, 1, ksize=3) * mask
    jxx, jyy, jxy = float((gx * gx).sum()), float((gy * gy).sum()), float((gx * gy).sum())
    if jxx + jyy <= 0 or math.hypot(jxx - jyy, 2 * jxy) < 0.3 * (jxx + jyy):
        return None
    return -0.5 * math.atan2(2 * jxy, jxx - jyy)


@dataclass(frozen=True)
class Straightened:
    """A box resampled upright; ``back`` maps its pixels to the image's."""

    crop: np.ndarray
    back: np.ndarray
    along_x: bool        # the bars' normal is known and runs along x: no rotation to try
    length: float        # of the box along the bars' normal, in image pixels

    def band(self) -> tuple[np.ndarray, np.ndarray]:
        """Every other row of the middle half, for zbar, whose cost grows with the pixels."""
        if not self.along_x:
            return self.crop, self.back
        top = self.crop.shape[0] // 4
        band = np.ascontiguousarray(self.crop[top:self.crop.shape[0] - top:2])
        return band, self.back @ np.array([[1, 0, 0], [0, 2, top], [0, 0, 1]], dtype=np.float64)



def straighten(gray: np.ndarray, box: np.ndarray) -> Straightened | None:
    """The box's content turned so its bars stand vertical, with a margin.

    The margin restores the quiet zone a tight locator box cuts off. Without a clear bar
    direction the box's own sides are used, and the bars may end up horizontal. Resampling at
    1.5x with cubic interpolation keeps 2 px modules apart after the turn (zxing-cpp read 469
    of 471 such crops, 444 at 1x); long boxes, whose modules are wide, are resampled less.
    Across upright bars a band of the box's middle is enough to read: tall boxes (a label
    photographed close) are cut to ``BAND_SHARE`` of their length, which halves the cost of
    the crops in cluttered frames.
    """
    (cx, cy), (w, h), theta = cv2.minAreaRect(box)
    if min(w, h) < 2:
        return None
    axis = bars_normal(gray, box)
    along_x = axis is not None
    axis = -math.radians(theta) if axis is None else axis
    u = np.array([math.cos(axis), -math.sin(axis)])
    v, c = np.array([-u[1], u[0]]), np.array([cx, cy])
    length, height = float(np.ptp((box - c) @ u)), float(np.ptp((box - c) @ v))
    width = length + 2 * (0.2 * length + 12)
    height += 2 * (0.1 * height + 6 if along_x else 0.2 * length + 12)
    if width * height > 4 * gray.size + 250_000:   # a box out of all proportion to the image
        return None
    if along_x:
        height = min(height, max(48.0, BAND_SHARE * width))
    scale = min(STRAIGHTEN_SCALE, max(1.0, MAX_CROP_LENGTH / width))
    src = np.float32([c - u * width / 2 - v * height / 2, c + u * width / 2 - v * height / 2,
                      c - u * width / 2 + v * height / 2])
    size = (int(width * scale), int(height * scale))
    forward = cv2.getAffineTransform(src, np.float32([[0, 0], [size[0], 0], [0, size[1]]]))
    crop = cv2.warpAffine(gray, forward, size, flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)
    return Straightened(crop, cv2.invertAffineTransform(forward), along_x, length)


def apply_affine(affine: np.ndarray, points: Sequence[Point]) -> list[Point]:
    """``points`` through a 2x3 affine map."""
    mapped = cv2.transform(np.asarray(points, dtype=np.float64).reshape(-1, 1, 2), affine)
    return [(float(x), float(y)) for x, y in mapped.reshape(-1, 2)]


def covers(quad: Sequence[Point] | np.ndarray, point: Sequence[float]) -> bool:
    """True when ``point`` lies inside ``quad`` or on its border."""
    contour = np.asarray(quad, dtype=np.float32).reshape(-1, 1, 2)
    return cv2.pointPolygonTest(contour, (float(point[0]), float(point[1])), False) >= 0
