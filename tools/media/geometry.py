"""Colour helpers and polygon builders (ellipses, rounded rectangles, curves, ribbons)."""

from __future__ import annotations

import math
from collections.abc import Sequence

Color = tuple[int, int, int]
Point = tuple[float, float]
Poly = Sequence[Point]


def mix(a: Color, b: Color, t: float) -> Color:
    """Linear interpolation between two colours."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def shade(c: Color, k: float) -> Color:
    """Darken (k < 0) towards black or lighten (k > 0) towards white."""
    return mix(c, (0, 0, 0), -k) if k < 0 else mix(c, (255, 255, 255), k)


def ellipse_pts(
    cx: float, cy: float, rx: float, ry: float, a0: float = 0.0, a1: float = 360.0, n: int = 0
) -> list[Point]:
    """Points along an ellipse arc, angles in degrees (0 = east, 90 = south)."""
    n = n or max(12, int(abs(a1 - a0) / 360 * 96))
    out = []
    for i in range(n + 1):
        a = math.radians(a0 + (a1 - a0) * i / n)
        out.append((cx + rx * math.cos(a), cy + ry * math.sin(a)))
    return out


def rrect_pts(x: float, y: float, w: float, h: float, r: float | Sequence[float]) -> list[Point]:
    """Rounded rectangle outline; r is one radius or (tl, tr, br, bl)."""
    rs = [r] * 4 if isinstance(r, (int, float)) else list(r)
    rs = [min(v, w / 2, h / 2) for v in rs]
    pts: list[Point] = []
    corners = [(x + rs[0], y + rs[0], 180), (x + w - rs[1], y + rs[1], 270),
               (x + w - rs[2], y + h - rs[2], 0), (x + rs[3], y + h - rs[3], 90)]
    for (cx, cy, a), rad in zip(corners, rs, strict=True):
        pts += ellipse_pts(cx, cy, rad, rad, a, a + 90, 10) if rad > 0 else [(cx, cy)]
    return pts


def bez(p0: Point, p1: Point, p2: Point, p3: Point, n: int = 24) -> list[Point]:
    """Cubic Bézier curve sampled in n segments."""
    out = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def band_pts(cx: float, cy: float, r0: float, r1: float, a0: float, a1: float,
             ry_k: float = 1.0) -> list[Point]:
    """Thick arc (annulus sector) between radii r0 < r1."""
    outer = ellipse_pts(cx, cy, r1, r1 * ry_k, a0, a1)
    inner = ellipse_pts(cx, cy, r0, r0 * ry_k, a1, a0)
    return outer + inner


def ribbon(pts: Poly, w0: float, w1: float | None = None, belly: float = 0.0) -> list[Point]:
    """Polygon around a polyline, width going w0 -> w1, plus belly * sin(pi t) in the middle."""
    w1 = w0 if w1 is None else w1
    n = len(pts)
    left: list[Point] = []
    right: list[Point] = []
    for i, (x, y) in enumerate(pts):
        ax, ay = pts[max(i - 1, 0)]
        bx, by = pts[min(i + 1, n - 1)]
        dx, dy = bx - ax, by - ay
        ln = math.hypot(dx, dy) or 1.0
        t = i / (n - 1)
        half = (w0 + (w1 - w0) * t + belly * math.sin(math.pi * t)) / 2
        nx, ny = -dy / ln * half, dx / ln * half
        left.append((x + nx, y + ny))
        right.append((x - nx, y - ny))
    return left + right[::-1]
