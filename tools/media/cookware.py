"""Chef's knife, frying pan and bamboo cutting board (Kitchen department)."""

from __future__ import annotations

import numpy as np

from .common import Canvas, Linear, Radial, bez, ribbon, rrect_pts, shade

WOOD = (92, 56, 36)
BAMBOO = (214, 176, 116)


def knife_shape(cv: Canvas) -> None:
    """A 20 cm chef's knife lying along x: handle left, tip right, edge down (local space)."""
    blade = [(0, -40), *bez((0, -40), (160, -40), (300, -36), (370, 0), 16),
             *bez((370, 0), (330, 24), (260, 44), (180, 48), 12), (0, 48)]
    cv.fill(blade, Linear((0, -40), (0, 48), (236, 238, 242), (196, 200, 208), (150, 154, 164),
                          stops=[0, 0.6, 1]))
    for i in range(6):
        y = -28 + i * 12
        pts = [(10 + j * 14, y + 4 * np.sin(j * 0.7 + i)) for j in range(20)]
        cv.stroke(pts, 1.2, (255, 255, 255), 0.25)
    cv.fill([(0, 36), *bez((0, 36), (120, 38), (240, 36), (340, 12), 12),
             *bez((350, 8), (300, 30), (240, 44), (180, 48), 12), (0, 48)],
            (250, 252, 255), 0.7)
    cv.text("SABRIER", 60, -8, 11, (110, 114, 124), "SemiBold", "l")
    cv.text("20 cm", 60, 8, 8, (120, 124, 134), "SemiBold", "l")
    cv.fill([(-18, -40), (0, -40), (0, 48), (-12, 44), (-22, 30), (-22, -30)],
            Linear((0, -40), (0, 48), (240, 242, 246), (140, 144, 152)))
    handle = [(-22, -30), *bez((-22, -30), (-100, -34), (-170, -34), (-210, -30), 10),
              *bez((-210, -30), (-236, -26), (-240, 30), (-214, 36), 10),
              *bez((-214, 36), (-160, 30), (-90, 30), (-22, 30), 10)]
    cv.fill(handle, Linear((0, -34), (0, 36), shade(WOOD, 0.25), WOOD, shade(WOOD, -0.5)))
    for i in range(5):
        cv.stroke(bez((-200, -20 + i * 10), (-150, -26 + i * 12), (-90, -16 + i * 10),
                      (-30, -22 + i * 11)), 1.2, shade(WOOD, -0.35), 0.6)
    for x in (-60, -120, -180):
        cv.circle(x, 0, 6, Radial((x - 2, -2), 8, (250, 250, 252), (140, 144, 152)))


def knife(cv: Canvas, view: int) -> None:
    """Sabrier Chef 20: diagonal packshot; then in its open gift box."""
    if view == 1:
        cv.shadow(320, 440, 240, 14, 0.3, 10)
        with cv.at(262, 340, 0.95, -18):
            knife_shape(cv)
        return
    cv.shadow(320, 540, 280, 24, 0.35, 12)
    cv.fill([(60, 120), (580, 120), (560, 300), (80, 300)], Linear((0, 120), (0, 300),
                                                                     (40, 40, 44), (20, 20, 22)))
    cv.text("SABRIER", 320, 200, 30, (214, 180, 110))
    cv.text("Atelier · Thiers", 320, 236, 14, (170, 150, 110), "SemiBold")
    cv.fill([(40, 300), (600, 300), (620, 520), (20, 520)], (30, 30, 34))
    cv.fill([(60, 316), (580, 316), (596, 504), (44, 504)], Linear((0, 316), (0, 504),
                                                                     (60, 20, 30), (110, 36, 50)))
    cv.fill([(40, 520), (620, 520), (620, 540), (40, 540)], (14, 14, 16))
    with cv.at(296, 410, 0.82, 0):
        cv.shadow(60, 30, 300, 20, 0.5, 8)
        knife_shape(cv)


def pan_shape(cv: Canvas, cx: float, cy: float, rx: float, ry: float) -> None:
    """A 28 cm non-stick pan seen from above at an angle, handle to the right."""
    cv.fill(ribbon([(cx + rx * 0.9, cy), (cx + rx * 1.2, cy + ry * 0.22)], 22, 18),
            (150, 154, 162))
    grip = ribbon(bez((cx + rx * 1.18, cy + ry * 0.2), (cx + rx * 1.45, cy + ry * 0.36),
                      (cx + rx * 1.7, cy + ry * 0.5), (cx + rx * 1.95, cy + ry * 0.66)),
                  30, 36)
    cv.fill(grip, Linear((0, cy), (0, cy + ry * 0.7), shade(BAMBOO, 0.2), shade(BAMBOO, -0.3)))
    hx, hy = cx + rx * 1.86, cy + ry * 0.61
    cv.ellipse(hx, hy, 7, 5, (60, 44, 30))
    cv.ellipse(cx, cy + ry * 0.12, rx, ry * 1.04, (34, 36, 40))
    cv.ellipse(cx, cy, rx, ry, Linear((cx - rx, 0), (cx + rx, 0), (170, 174, 182),
                                      (230, 232, 236), (110, 114, 122)))
    cv.ellipse(cx, cy + 2, rx * 0.95, ry * 0.93, Linear((0, cy - ry), (0, cy + ry),
                                                        (30, 32, 36), (70, 72, 80)))
    cv.ellipse(cx, cy + ry * 0.1, rx * 0.8, ry * 0.74, Radial((cx - rx * 0.3, cy - ry * 0.2),
                                                              rx, (86, 88, 96), (44, 46, 52)))
    rng = np.random.default_rng(28)
    for _ in range(260):
        a, r = rng.uniform(0, 2 * np.pi), np.sqrt(rng.uniform(0, 1))
        cv.circle(cx + np.cos(a) * r * rx * 0.78, cy + ry * 0.1 + np.sin(a) * r * ry * 0.72,
                  rng.uniform(0.6, 1.4), (170, 172, 180), 0.5)
    cv.fill(ribbon(bez((cx - rx * 0.6, cy - ry * 0.2), (cx - rx * 0.3, cy - ry * 0.5),
                       (cx + rx * 0.1, cy - ry * 0.52), (cx + rx * 0.4, cy - ry * 0.4)), 10),
            (255, 255, 255), 0.12)


def egg(cv: Canvas, x: float, y: float, s: float) -> None:
    """A fried egg."""
    with cv.at(x, y, s):
        cv.fill([*bez((-60, 0), (-60, -40), (-10, -44), (20, -36)), *bez((20, -36), (70, -30),
                 (66, 30), (30, 36)), *bez((30, 36), (0, 44), (-62, 40), (-60, 0))],
                (252, 252, 248))
        cv.ellipse(0, 0, 22, 20, Radial((-6, -6), 26, (255, 210, 80), (246, 160, 20)))
        cv.ellipse(-6, -7, 6, 4, (255, 255, 230), 0.9)


def pan(cv: Canvas, view: int) -> None:
    """Ferrat Ardoise 28: three-quarter packshot; then cooking two eggs."""
    if view == 1:
        cv.shadow(300, 420, 250, 40, 0.35, 14)
        pan_shape(cv, 230, 320, 190, 112)
        return
    cv.shadow(290, 420, 260, 90, 0.3, 16)
    pan_shape(cv, 230, 300, 200, 172)
    egg(cv, 200, 300, 1.1)
    egg(cv, 320, 350, 1.0)
    for x, y in [(160, 380), (340, 250), (260, 420), (280, 300)]:
        cv.ellipse(x, y, 5, 3, (60, 140, 60))


def board_shape(cv: Canvas) -> None:
    """Bamboo board in three-quarter view (top face, edge, groove and handle hole)."""
    top = [(90, 240), (500, 200), (580, 360), (140, 420)]
    edge = [(140, 420), (580, 360), (580, 384), (140, 446)]
    cv.fill(edge, shade(BAMBOO, -0.25))
    for i in range(1, 16):
        t = i / 16
        x = 140 + 440 * t
        cv.stroke([(x, 420 - 60 * t), (x, 444 - 62 * t)], 2, shade(BAMBOO, -0.4), 0.5)
    cv.fill(top, Linear((90, 240), (580, 360), shade(BAMBOO, 0.15), BAMBOO,
                        shade(BAMBOO, -0.1)))
    for i in range(1, 12):
        t = i / 12
        a = (90 + 50 * t, 240 + 180 * t)
        b = (500 + 80 * t, 200 + 160 * t)
        cv.stroke([a, b], 2.5 if i % 3 else 1.2, shade(BAMBOO, -0.18 if i % 2 else -0.1), 0.7)
    def lerp4(u: float, v: float) -> tuple[float, float]:
        p = [mix_pt(top[0], top[1], u), mix_pt(top[3], top[2], u)]
        return mix_pt(p[0], p[1], v)
    groove = [lerp4(u, 0.1) for u in np.linspace(0.1, 0.82, 12)]
    groove += [lerp4(0.85, v) for v in np.linspace(0.13, 0.87, 8)]
    groove += [lerp4(u, 0.9) for u in np.linspace(0.82, 0.1, 12)]
    groove += [lerp4(0.07, v) for v in np.linspace(0.87, 0.13, 8)]
    cv.stroke(groove, 6, shade(BAMBOO, -0.3), 0.8, closed=True)
    cv.stroke(groove, 2, shade(BAMBOO, 0.3), 0.6, closed=True)
    hx, hy = lerp4(0.93, 0.5)
    cv.fill(ribbon([(hx, hy - 22), (hx + 4, hy + 22)], 16), (60, 40, 24))
    cv.fill(ribbon([(hx + 2, hy - 16), (hx + 5, hy + 22)], 10), shade(BAMBOO, -0.45))
    cv.text("SABRIER", *lerp4(0.5, 0.5), 12, shade(BAMBOO, -0.3), alpha=0.7)


def mix_pt(a: tuple[float, float], b: tuple[float, float], t: float) -> tuple[float, float]:
    """Point between a and b."""
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def board(cv: Canvas, view: int) -> None:
    """Sabrier bamboo board: three-quarter packshot; then with sliced vegetables."""
    if view == 1:
        cv.shadow(340, 430, 260, 30, 0.3, 14)
        board_shape(cv)
        return
    cv.shadow(330, 470, 280, 40, 0.3, 14)
    cv.rrect(60, 150, 540, 330, 26, shade(BAMBOO, -0.3))
    cv.rrect(60, 140, 540, 330, 26, Linear((60, 0), (600, 0), shade(BAMBOO, 0.15), BAMBOO))
    for i in range(1, 11):
        cv.stroke([(60 + i * 49, 146), (60 + i * 49, 464)], 2, shade(BAMBOO, -0.15), 0.6)
    cv.stroke(rrect_pts(84, 164, 492, 282, 18), 5, shade(BAMBOO, -0.3), 0.7, closed=True)
    cv.ellipse(556, 305, 10, 30, (60, 40, 24))
    for i in range(4):
        x = 150 + i * 56
        cv.circle(x, 250, 34, (214, 40, 40))
        cv.circle(x, 250, 30, (240, 80, 70))
        for a in range(0, 360, 90):
            with cv.at(x, 250, 1.0, a + 45):
                cv.ellipse(16, 0, 9, 6, (250, 200, 120))
    for i in range(5):
        x = 180 + i * 46
        cv.circle(x, 370, 26, (60, 130, 50))
        cv.circle(x, 370, 22, (210, 236, 180))
        cv.circle(x, 370, 9, (236, 246, 210))
    cv.circle(470, 250, 50, (250, 210, 40))
    cv.circle(470, 250, 44, (255, 240, 150))
    for a in range(0, 360, 45):
        with cv.at(470, 250, 1.0, a):
            cv.fill([(4, 0), (38, -12), (38, 12)], (255, 226, 90), 0.9)
    for x, y, r in [(450, 380, 20), (500, 360, -30), (470, 410, 60), (520, 400, 10)]:
        with cv.at(x, y, 1.0, r):
            cv.ellipse(0, 0, 16, 8, (50, 140, 60))
            cv.stroke([(-14, 0), (14, 0)], 1.2, (120, 190, 110))
