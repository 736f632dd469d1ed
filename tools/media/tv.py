"""Televisions and the streaming box (TV & Audio department)."""

from __future__ import annotations

import numpy as np

from . import screens
from .common import Canvas, Color, Linear, Point, bez, ellipse_pts, mix, rrect_pts, shade

METAL = ((92, 94, 100), (190, 192, 198), (70, 72, 78))


def glass(cv: Canvas, quad: list[Point]) -> None:
    """Diagonal glossy reflection over a screen quad (tl, tr, br, bl)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad

    def lerp(a: Point, b: Point, t: float) -> Point:
        return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

    tl, tr, br, bl = (x0, y0), (x1, y1), (x2, y2), (x3, y3)
    cv.fill([lerp(tl, tr, 0.08), lerp(tl, tr, 0.42), lerp(bl, br, 0.16), lerp(bl, br, -0.0)],
            (255, 255, 255), 0.07)
    cv.fill([lerp(tl, tr, 0.46), lerp(tl, tr, 0.52), lerp(bl, br, 0.28), lerp(bl, br, 0.22)],
            (255, 255, 255), 0.05)


def tv_front(cv: Canvas, pic: np.ndarray, x: float, y: float, w: float,
             frame: Color = (22, 22, 26), stand: str = "pedestal", logo: str = "LUMINA") -> None:
    """A flat TV seen from the front, standing on the floor line below it."""
    h = w * 9 / 16
    b = max(3.0, w * 0.011)
    floor = y + h + w * (0.1 if stand == "pedestal" else 0.16)
    if stand == "pedestal":
        cv.shadow(x + w / 2, floor, w * 0.3, w * 0.025, 0.35, w * 0.02)
        cv.fill([(x + w * 0.46, y + h), (x + w * 0.54, y + h), (x + w * 0.53, floor - w * 0.03),
                 (x + w * 0.47, floor - w * 0.03)], Linear((x + w * 0.46, 0), (x + w * 0.54, 0),
                                                           *METAL))
        cv.rrect(x + w * 0.28, floor - w * 0.035, w * 0.44, w * 0.03, w * 0.012,
                 Linear((0, floor - w * 0.035), (0, floor), (200, 202, 208), (64, 66, 72)))
    else:
        for fx in (x + w * 0.1, x + w * 0.9):
            cv.shadow(fx, floor, w * 0.08, w * 0.012, 0.35, w * 0.01)
            cv.fill([(fx - w * 0.012, y + h - 4), (fx + w * 0.012, y + h - 4),
                     (fx + w * 0.07, floor), (fx + w * 0.055, floor + 1), (fx, y + h + w * 0.04),
                     (fx - w * 0.055, floor + 1), (fx - w * 0.07, floor)],
                    Linear((0, y + h), (0, floor), *METAL))
    cv.rrect(x, y, w, h, b * 0.8, Linear((x, y), (x + w, y + h), shade(frame, 0.25), frame))
    cv.rrect(x + 1, y + 1, w - 2, h - 2, b * 0.6, shade(frame, -0.3))
    quad = [(x + b, y + b), (x + w - b, y + b), (x + w - b, y + h - b * 1.4),
            (x + b, y + h - b * 1.4)]
    cv.image(pic, quad)
    glass(cv, quad)
    cv.text(logo, x + w / 2, y + h - b * 0.7, max(3.0, b * 0.9), (170, 172, 180), "SemiBold")


def tv_angle(cv: Canvas, pic: np.ndarray, frame: Color = (22, 22, 26)) -> None:
    """A slim TV in three-quarter view showing its thin edge."""
    tl, tr, br, bl = (150, 96), (560, 150), (560, 392), (150, 440)
    cv.shadow(360, 482, 160, 14, 0.35, 10)
    cv.fill([(345, 408), (375, 405), (372, 470), (348, 472)], Linear((345, 0), (375, 0), *METAL))
    cv.fill(ellipse_pts(360, 472, 140, 16), Linear((0, 456), (0, 488), (206, 208, 214),
                                                    (70, 72, 78)))
    cv.fill([(136, 102), tl, bl, (136, 434)], Linear((136, 0), (150, 0), (40, 40, 46),
                                                      (120, 122, 130)))
    cv.fill([tl, tr, br, bl], frame)
    inner = [(156, 103), (555, 155), (555, 386), (156, 431)]
    cv.image(pic, inner)
    glass(cv, inner)
    cv.stroke([(136, 102), tl, tr], 1.5, (170, 172, 180), 0.8)


def tv55(cv: Canvas, view: int) -> None:
    """Lumina Vista 55 OLED: front, then three-quarter view."""
    if view == 1:
        tv_front(cv, screens.sunset(), 40, 130, 560)
    else:
        tv_angle(cv, screens.sunset())


def remote(cv: Canvas, x: float, y: float, s: float, body: Color = (28, 28, 32),
           rot: float = 0.0) -> None:
    """A TV remote control seen from above (top at x, y)."""
    with cv.at(x, y, s, rot):
        cv.shadow(4, 130, 26, 118, 0.3, 6)
        cv.rrect(-22, 0, 44, 250, 20, Linear((-22, 0), (22, 0), shade(body, 0.2), body,
                                              shade(body, -0.3)))
        cv.circle(0, 26, 6, (220, 60, 60))
        cv.circle(0, 72, 22, shade(body, 0.25))
        cv.circle(0, 72, 10, shade(body, 0.45))
        for i, (dx, dy) in enumerate([(-12, 112), (12, 112), (-12, 136), (12, 136)]):
            cv.circle(dx, dy, 6.5, shade(body, 0.35 if i % 2 else 0.3))
        cv.rrect(-7, 156, 14, 46, 7, shade(body, 0.3))
        cv.stroke([(-5, 179), (5, 179)], 1.5, shade(body, -0.4))


def tv43(cv: Canvas, view: int) -> None:
    """Lumina Clara 43 LED: beach picture on feet; smart home screen with remote."""
    frame = (178, 180, 186)
    if view == 1:
        tv_front(cv, screens.lagoon(), 70, 150, 500, frame, "feet")
    else:
        tv_front(cv, screens.smart_home(), 40, 110, 470, frame, "feet")
        remote(cv, 560, 330, 0.78, (236, 236, 240), rot=18)


def box_3d(cv: Canvas, x: float, y: float, w: float, h: float, d: float, front: Color,
           top: Color, side: Color, r: float = 0.0) -> None:
    """An oblique box: front face at (x, y, w, h), depth d going up-right."""
    dx, dy = d * 0.7, -d * 0.5
    cv.fill([(x, y), (x + dx, y + dy), (x + w + dx, y + dy), (x + w, y)], top)
    cv.fill([(x + w, y), (x + w + dx, y + dy), (x + w + dx, y + h + dy), (x + w, y + h)], side)
    cv.fill(rrect_pts(x, y, w, h, r) if r else [(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            front)


def stream_box(cv: Canvas, view: int) -> None:
    """Lumina Stream 4K: puck and remote; then the retail box."""
    if view == 1:
        cv.shadow(280, 392, 170, 22, 0.35, 12)
        cv.rrect(120, 280, 300, 104, 44, Linear((0, 330), (0, 384), (46, 48, 56), (12, 12, 16)))
        top = rrect_pts(120, 250, 300, 96, 44)
        cv.fill(top, Linear((120, 250), (420, 346), (84, 86, 98), (30, 30, 38)))
        cv.fill([*bez((150, 264), (230, 252), (330, 254), (396, 268), 12),
                 *bez((396, 280), (300, 272), (220, 272), (150, 294), 12)], (255, 255, 255), 0.12)
        cv.text("LUMINA", 270, 300, 20, (150, 152, 162), "SemiBold")
        cv.circle(270, 368, 3, (90, 220, 140))
        remote(cv, 490, 230, 0.9, (40, 40, 46), rot=-12)
        return
    cv.shadow(300, 520, 200, 18, 0.35, 12)
    face = Canvas(300, 360)
    face.rect(0, 0, 300, 360, Linear((0, 0), (300, 360), (20, 22, 36), (60, 30, 90)))
    face.circle(230, 80, 120, (120, 60, 200), 0.35, blur=40)
    with face.at(-46, 96, 0.6):
        stream_box(face, 1)
    face.text("LUMINA", 30, 40, 24, (255, 255, 255), anchor="l")
    face.text("Stream 4K", 30, 72, 30, (255, 255, 255), "SemiBold", anchor="l")
    face.rrect(30, 102, 92, 26, 6, (255, 255, 255))
    face.text("4K HDR", 76, 115, 14, (30, 24, 60))
    x, y, w, h, d = 170, 150, 260, 340, 120
    box_3d(cv, x, y, w, h, d, (0, 0, 0), mix((120, 60, 200), (20, 20, 30), 0.55),
           Linear((x + w, 0), (x + w + 84, 0), (50, 40, 80), (26, 20, 44)))
    cv.image(face.texture(), [(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
    cv.stroke([(x, y), (x + d * 0.7, y - d * 0.5), (x + w + d * 0.7, y - d * 0.5)], 1.2,
              (255, 255, 255), 0.25)
    remote(cv, 84, 440, 0.6, (40, 40, 46), rot=-70)
