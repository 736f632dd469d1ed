"""A code read in a frame, and the geometry every stage shares: where it lies, at which angle,
and whether two reads are one code."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from hardware.decoding.boxes import bars_normal, covers
from hardware.gs1 import gtin_from_content

Point = tuple[float, float]


@dataclass(frozen=True)
class Detection:
    """One code read in a frame; ``gtin`` is set when the content identifies a product."""

    format: str                                 # a key of hardware.symbologies.FORMATS
    text: str                                   # decoded content (untrusted; may be anything)
    gtin: str | None                            # gtin_from_content(text, format, symbology)
    corners: tuple[tuple[float, float], ...]    # 4 corners in full-frame pixels
    center: tuple[float, float]                 # full-frame pixels
    angle: float                                # degrees counter-clockwise in [0, 360)
    symbology: str = ""                         # the decoder's symbology identifier (]C1…)


def make_detection(fmt: str, text: str, quad: Sequence[Point], symbology: str = "") -> Detection:
    """A Detection whose corners run top-left, top-right, bottom-right, bottom-left of the code.

    The angle is the direction from the code's top-left to its top-right corner, counter-
    clockwise on screen (the image's y axis points down).
    """
    corners = tuple((float(x), float(y)) for x, y in quad)
    (ax, ay), (bx, by) = corners[0], corners[1]
    center = (sum(x for x, _ in corners) / 4, sum(y for _, y in corners) / 4)
    return Detection(format=fmt, text=text, gtin=gtin_from_content(text, fmt, symbology),
                     corners=corners, center=center,
                     angle=degrees(math.atan2(ay - by, bx - ax)), symbology=symbology)


def same_code(a: Detection, b: Detection) -> bool:
    """The same content, whatever each decoder calls the symbol (UPC-A is an EAN-13)."""
    return a.gtin == b.gtin if a.gtin or b.gtin else a.text == b.text


def near_axis(angle: float) -> bool:
    """Within 10 degrees of the image axes, where scan lines cross the bars squarely."""
    return min(angle % 90.0, 90.0 - angle % 90.0) <= 10.0


def degrees(radians: float) -> float:
    """An angle in [0, 360), to a hundredth of a degree (359.999... becomes 0)."""
    return round(math.degrees(radians) % 360.0, 2) % 360.0


def fit_to_box(detection: Detection, gray: np.ndarray, box: np.ndarray) -> Detection:
    """A 1D detection placed on its box, at the angle of its bars.

    The bars' normal gives the reading axis; of its two directions, the one nearer the
    decoder's own orientation wins, so upside-down codes keep their 180 degrees.
    """
    (cx, cy), (w, h), theta = cv2.minAreaRect(box)
    axis = bars_normal(gray, box)
    if axis is None:
        axis = -math.radians(theta)
    rough = math.radians(detection.angle)
    angle = rough - ((rough - axis + math.pi / 2) % math.pi - math.pi / 2)
    length, height = (w, h) if abs(math.cos(angle + math.radians(theta))) >= 0.7071 else (h, w)
    rx, ry = math.cos(angle) * length / 2, -math.sin(angle) * length / 2
    ux, uy = -math.sin(angle) * height / 2, -math.cos(angle) * height / 2
    corners = ((cx - rx + ux, cy - ry + uy), (cx + rx + ux, cy + ry + uy),
               (cx + rx - ux, cy + ry - uy), (cx - rx - ux, cy - ry - uy))
    return replace(detection, corners=tuple((float(x), float(y)) for x, y in corners),
                   center=(float(cx), float(cy)), angle=degrees(angle))


def our_name(name: str | None, text: str, enabled: frozenset[str]) -> str | None:
    """Our format name, calling an EAN-13 with a leading 0 a UPC-A when UPC-A is enabled.

    Both are the same symbol; zxing-cpp 3 names it EAN-13 when both formats are enabled.
    """
    if name == "ean13" and "upca" in enabled and len(text) == 13 and text.startswith("0"):
        name = "upca"
    return name if name in enabled else None


def unique(detections: list[Detection]) -> list[Detection]:
    """Drop repeats of a code found by several paths: same text, overlapping position."""
    kept: list[Detection] = []
    for d in detections:
        if not any(k.text == d.text and (covers(k.corners, d.center) or
                                         covers(d.corners, k.center)) for k in kept):
            kept.append(d)
    return kept


def shifted(detection: Detection, dx: int, dy: int) -> Detection:
    """``detection`` moved from region to frame pixels."""
    return replace(detection, corners=tuple((x + dx, y + dy) for x, y in detection.corners),
                   center=(detection.center[0] + dx, detection.center[1] + dy))
