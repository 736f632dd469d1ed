"""Supersampled drawing canvas shared by every media script.

Shapes are described in logical pixels (the size of the final PNG), transformed by an
affine stack, rasterised at ``SS`` times the final resolution and smoothscaled down on
save, which gives clean anti-aliased edges.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import cv2
import numpy as np
import pygame

from .geometry import (
    Color,
    Point,
    Poly,
    band_pts,
    bez,
    ellipse_pts,
    mix,
    ribbon,
    rrect_pts,
    shade,
)

SS = 3
ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "media"
FONTS = MEDIA / "fonts"

__all__ = [
    "MEDIA", "ROOT", "SS", "Canvas", "Color", "Linear", "Paint", "Point", "Poly", "Radial",
    "band_pts", "bez", "ellipse_pts", "mix", "ribbon", "rrect_pts", "shade", "studio",
]


class Paint:
    """A fill evaluated per pixel in the local coordinates of the shape."""

    def __init__(self, colors: Sequence[Color], stops: Sequence[float] | None = None) -> None:
        self.colors = np.array(colors, dtype=np.float32)
        n = len(colors)
        self.stops = np.array(stops if stops else [i / (n - 1) for i in range(n)], np.float32)

    def ramp(self, t: np.ndarray) -> np.ndarray:
        """Map parameter values to colours."""
        t = np.clip(t, 0.0, 1.0)
        return np.stack([np.interp(t, self.stops, self.colors[:, c]) for c in range(3)], -1)

    def param(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Gradient parameter at local coordinates."""
        raise NotImplementedError


class Linear(Paint):
    """Linear gradient from p0 to p1."""

    def __init__(
        self, p0: Point, p1: Point, *colors: Color, stops: Sequence[float] | None = None
    ) -> None:
        super().__init__(colors, stops)
        self.p0, self.p1 = p0, p1

    def param(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Projection of each point on the gradient axis."""
        dx, dy = self.p1[0] - self.p0[0], self.p1[1] - self.p0[1]
        return ((x - self.p0[0]) * dx + (y - self.p0[1]) * dy) / (dx * dx + dy * dy + 1e-9)


class Radial(Paint):
    """Radial (optionally elliptical) gradient."""

    def __init__(
        self,
        center: Point,
        rx: float,
        *colors: Color,
        ry: float | None = None,
        stops: Sequence[float] | None = None,
    ) -> None:
        super().__init__(colors, stops)
        self.center, self.rx, self.ry = center, rx, ry or rx

    def param(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Normalised distance to the centre."""
        return np.hypot((x - self.center[0]) / self.rx, (y - self.center[1]) / self.ry)


Fill = Color | Paint


class Canvas:
    """An RGB float image drawn at SS times its logical size."""

    _fonts: ClassVar[dict[tuple[str, int], pygame.font.Font]] = {}

    def __init__(self, w: int, h: int, bg: Color = (255, 255, 255), ss: int = SS) -> None:
        self.w, self.h, self.ss = w, h, ss
        self.img = np.empty((h * ss, w * ss, 3), np.float32)
        self.img[:] = bg
        self.m = np.array([[ss, 0, 0], [0, ss, 0]], np.float64)

    @contextmanager
    def at(self, ox: float, oy: float, s: float = 1.0, rot: float = 0.0,
           mirror: bool = False) -> Iterator[None]:
        """Temporarily map local (x, y) to parent (ox, oy) + s * R(rot) * (±x, y)."""
        a = math.radians(rot)
        k = -s if mirror else s
        local = np.array([[k * math.cos(a), -s * math.sin(a), ox],
                          [k * math.sin(a), s * math.cos(a), oy], [0, 0, 1]])
        saved = self.m
        self.m = saved @ local
        try:
            yield
        finally:
            self.m = saved

    @property
    def scale(self) -> float:
        """Device pixels per local unit."""
        return math.sqrt(abs(np.linalg.det(self.m[:, :2])))

    def dev(self, pts: Poly) -> np.ndarray:
        """Local points to device coordinates."""
        p = np.asarray(pts, np.float64).reshape(-1, 2)
        return p @ self.m[:, :2].T + self.m[:, 2]

    def _bbox(self, d: np.ndarray, pad: float) -> tuple[int, int, int, int] | None:
        hh, ww = self.img.shape[:2]
        x0 = max(int(d[:, 0].min() - pad), 0)
        y0 = max(int(d[:, 1].min() - pad), 0)
        x1 = min(int(d[:, 0].max() + pad) + 2, ww)
        y1 = min(int(d[:, 1].max() + pad) + 2, hh)
        return None if x1 <= x0 or y1 <= y0 else (x0, y0, x1, y1)

    def _blend(self, box: tuple[int, int, int, int], mask: np.ndarray, fill: Fill) -> None:
        x0, y0, x1, y1 = box
        region = self.img[y0:y1, x0:x1]
        if isinstance(fill, Paint):
            ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64) + 0.5
            inv = np.linalg.inv(np.vstack([self.m, [0, 0, 1]]))
            lx = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]
            ly = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]
            color = fill.ramp(fill.param(lx, ly)).astype(np.float32)
        else:
            color = np.array(fill, np.float32)
        region += (color - region) * mask[..., None]

    @staticmethod
    def _soften(mask: np.ndarray, sigma: float) -> np.ndarray:
        if sigma <= 0.5:
            return mask
        h, w = mask.shape
        k = max(1, int(sigma / 3))
        if k > 1 and w // k > 2 and h // k > 2:
            small = cv2.resize(mask, (w // k, h // k), interpolation=cv2.INTER_AREA)
            small = cv2.GaussianBlur(small, (0, 0), sigma / k)
            return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
        return cv2.GaussianBlur(mask, (0, 0), sigma)

    def _paint_mask(
        self, d_list: list[np.ndarray], fill: Fill, alpha: float, blur: float,
        draw: str = "fill", width: float = 0.0, closed: bool = False,
    ) -> None:
        sigma = blur * self.scale
        allpts = np.vstack(d_list)
        box = self._bbox(allpts, 3 * sigma + width / 2 + 2)
        if box is None:
            return
        x0, y0, x1, y1 = box
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        pts = [np.round((d - (x0, y0)) * 16).astype(np.int32) for d in d_list]
        if draw == "fill":
            cv2.fillPoly(mask, pts, 255, cv2.LINE_8, 4)
        else:
            cv2.polylines(mask, pts, closed, 255, max(1, round(width)), cv2.LINE_8, 4)
        m = self._soften(mask.astype(np.float32) / 255.0, sigma) * alpha
        self._blend(box, m, fill)

    def fill(self, pts: Poly | Sequence[Poly], fill: Fill, alpha: float = 1.0,
             blur: float = 0.0) -> None:
        """Fill a polygon (or several contours, even-odd) with a colour or gradient."""
        polys = [pts] if isinstance(pts[0][0], (int, float)) else pts
        self._paint_mask([self.dev(p) for p in polys], fill, alpha, blur)

    def stroke(self, pts: Poly, width: float, fill: Fill, alpha: float = 1.0,
               closed: bool = False, blur: float = 0.0) -> None:
        """Draw a thick polyline with round joints."""
        self._paint_mask([self.dev(pts)], fill, alpha, blur, "line",
                         width * self.scale, closed)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: Fill,
                alpha: float = 1.0, blur: float = 0.0) -> None:
        """Filled ellipse."""
        self.fill(ellipse_pts(cx, cy, rx, ry), fill, alpha, blur)

    def circle(self, cx: float, cy: float, r: float, fill: Fill, alpha: float = 1.0,
               blur: float = 0.0) -> None:
        """Filled circle."""
        self.fill(ellipse_pts(cx, cy, r, r), fill, alpha, blur)

    def rrect(self, x: float, y: float, w: float, h: float, r: float | Sequence[float],
              fill: Fill, alpha: float = 1.0, blur: float = 0.0) -> None:
        """Filled rounded rectangle."""
        self.fill(rrect_pts(x, y, w, h, r), fill, alpha, blur)

    def rect(self, x: float, y: float, w: float, h: float, fill: Fill,
             alpha: float = 1.0) -> None:
        """Filled rectangle."""
        self.fill([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], fill, alpha)

    def shadow(self, cx: float, cy: float, rx: float, ry: float, alpha: float = 0.3,
               blur: float = 10.0) -> None:
        """Soft contact shadow on the floor."""
        self.ellipse(cx, cy, rx, ry, (20, 22, 28), alpha, blur)

    @classmethod
    def font(cls, px: int, weight: str = "Bold") -> pygame.font.Font:
        """Inter font at a device pixel size (cached)."""
        key = (weight, px)
        if key not in cls._fonts:
            if not pygame.font.get_init():
                pygame.font.init()
            cls._fonts[key] = pygame.font.Font(str(FONTS / f"Inter-{weight}.otf"), px)
        return cls._fonts[key]

    def text(self, s: str, x: float, y: float, size: float, color: Color,
             weight: str = "Bold", anchor: str = "c", alpha: float = 1.0) -> float:
        """Draw text; anchor is l, c or r (vertically centred). Returns the local width."""
        px = max(4, round(size * self.scale))
        surf = self.font(px, weight).render(s, True, (255, 255, 255))
        a = pygame.surfarray.array_alpha(surf).T.astype(np.float32) / 255.0
        k = size / px
        tw, th = a.shape[1] * k, a.shape[0] * k
        left = {"l": x, "c": x - tw / 2, "r": x - tw}[anchor]
        quad = [(left, y - th / 2), (left + tw, y - th / 2),
                (left + tw, y + th / 2), (left, y + th / 2)]
        self._warp(None, a, quad, color, alpha)
        return tw

    def image(self, rgb: np.ndarray, quad: Poly, alpha: float = 1.0) -> None:
        """Map an RGB float image onto a local quad (tl, tr, br, bl)."""
        a = np.ones(rgb.shape[:2], np.float32)
        self._warp(rgb, a, quad, (0, 0, 0), alpha)

    def _warp(self, rgb: np.ndarray | None, a: np.ndarray, quad: Poly, color: Color,
              alpha: float) -> None:
        d = self.dev(quad)
        box = self._bbox(d, 2)
        if box is None:
            return
        x0, y0, x1, y1 = box
        h, w = a.shape
        src = np.float32([(0, 0), (w, 0), (w, h), (0, h)])
        mat = cv2.getPerspectiveTransform(src, np.float32(d - (x0, y0)))
        size = (x1 - x0, y1 - y0)
        flags = cv2.INTER_LINEAR
        ma = cv2.warpPerspective(np.pad(a, 1), mat @ _shift(), size, flags=flags)
        fill: Fill | _Img = color
        if rgb is not None:
            fill = _Img(cv2.warpPerspective(np.pad(rgb, ((1, 1), (1, 1), (0, 0))),
                                            mat @ _shift(), size, flags=flags))
        self._blend_img(box, ma * alpha, fill)

    def _blend_img(self, box: tuple[int, int, int, int], mask: np.ndarray,
                   fill: Fill | _Img) -> None:
        if isinstance(fill, _Img):
            x0, y0, x1, y1 = box
            region = self.img[y0:y1, x0:x1]
            region += (fill.arr - region) * mask[..., None]
        else:
            self._blend(box, mask, fill)

    def blur_all(self, sigma: float) -> None:
        """Blur the whole picture (depth of field for scene backgrounds)."""
        self.img[:] = cv2.GaussianBlur(self.img, (0, 0), sigma * self.ss)

    def tilt(self, degrees: float) -> None:
        """Rotate the whole picture slightly, zooming to hide the corners (hand-held look)."""
        h, w = self.img.shape[:2]
        a = math.radians(abs(degrees))
        zoom = math.cos(a) + math.sin(a)
        mat = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, zoom)
        self.img[:] = cv2.warpAffine(self.img, mat, (w, h), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_REFLECT)

    def vignette(self, strength: float = 0.35, tint: Color = (255, 244, 228),
                 warmth: float = 0.06) -> None:
        """Photo look: darker corners and a slight colour cast."""
        h, w = self.img.shape[:2]
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        r = np.hypot((xs / w - 0.5) * 1.6, (ys / h - 0.5) * 1.6)
        k = 1.0 - strength * np.clip(r - 0.35, 0, None) ** 1.6
        self.img *= k[..., None]
        self.img += (np.array(tint, np.float32) - self.img) * warmth

    def to_surface(self) -> pygame.Surface:
        """Downscaled pygame surface at the logical size."""
        arr = np.clip(self.img, 0, 255).astype(np.uint8)
        big = pygame.surfarray.make_surface(arr.transpose(1, 0, 2))
        return pygame.transform.smoothscale(big, (self.w, self.h))

    def texture(self) -> np.ndarray:
        """The full-resolution image, for mapping onto another canvas."""
        return np.clip(self.img, 0, 255)

    def save(self, path: Path) -> None:
        """Smoothscale down and write a compressed PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        rgb = pygame.surfarray.array3d(self.to_surface()).transpose(1, 0, 2)
        ok = cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                         [cv2.IMWRITE_PNG_COMPRESSION, 9])
        if not ok:
            raise OSError(f"could not write {path}")


class _Img:
    """A pre-warped image used as a fill."""

    def __init__(self, arr: np.ndarray) -> None:
        self.arr = arr


def _shift() -> np.ndarray:
    """Compensate for the one-pixel padding added before warping."""
    return np.array([[1, 0, -1], [0, 1, -1], [0, 0, 1]], np.float64)


def studio(cv: Canvas, top: Color = (247, 247, 249), bottom: Color = (222, 224, 229),
           glow: Color = (255, 255, 255)) -> None:
    """Packshot background: soft vertical gradient with a light glow behind the product."""
    w, h = cv.w, cv.h
    cv.rect(0, 0, w, h, Linear((0, 0), (0, h), top, bottom))
    cv.ellipse(w / 2, h * 0.42, w * 0.48, h * 0.4, glow, 0.55, blur=w * 0.12)
