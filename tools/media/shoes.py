"""Road and trail running shoes (Running department)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from .common import Canvas, Color, Linear, Point, bez, mix, ribbon, shade


class Style:
    """Colourway and build of a shoe."""

    def __init__(self, upper: Color, accent: Color, midsole: Color, outsole: Color,
                 trail: bool) -> None:
        self.upper, self.accent, self.midsole, self.outsole = upper, accent, midsole, outsole
        self.trail = trail


ROAD = Style((36, 92, 226), (214, 240, 52), (246, 246, 242), (48, 50, 58), False)
ROAD_BLACK = Style((40, 42, 48), (214, 240, 52), (246, 246, 242), (48, 50, 58), False)
"""The Pulse 3's other colourway (Noir / Black)."""
TRAIL = Style((86, 100, 62), (240, 118, 36), (222, 216, 200), (28, 28, 30), True)


def shoe_side(cv: Canvas, st: Style) -> None:
    """Lateral side view of a right shoe, toe pointing right, resting on y = 470."""
    cv.shadow(320, 474, 260, 14, 0.4, 10)
    sole_bottom = [*bez((72, 440), (80, 474), (110, 474), (140, 474), 8),
                   *bez((140, 474), (300, 476), (460, 474), (520, 462), 12),
                   *bez((520, 462), (556, 452), (580, 430), (586, 410), 8)]
    mid_top = bez((588, 414), (420, 414), (200, 398), (66, 390), 16)
    out_top = [(x, y - (9 if st.trail else 7)) for x, y in sole_bottom]
    cv.fill([*sole_bottom, *out_top[::-1]], st.outsole)
    if st.trail:
        for i in range(14):
            x = 96 + i * 33
            y = 474 - (0 if x < 500 else (x - 500) * 0.5)
            cv.fill([(x - 11, y - 4), (x + 11, y - 4), (x + 7, y + 7), (x - 7, y + 7)],
                    st.outsole)
    mid = Linear((0, 390), (0, 470), mix(st.midsole, (255, 255, 255), 0.5), st.midsole,
                 shade(st.midsole, -0.12))
    cv.fill([*mid_top, *out_top], mid)
    cv.stroke(bez((84, 432), (200, 440), (420, 446), (560, 436)), 2, shade(st.midsole, -0.18),
              0.7)
    if st.trail:
        cv.fill([*bez((140, 448), (220, 440), (320, 444), (420, 448)),
                 *bez((420, 458), (320, 456), (220, 452), (140, 460))], st.accent, 0.85)
    upper = [*bez((70, 392), (48, 330), (62, 270), (92, 244), 12),
             *bez((92, 244), (126, 262), (168, 276), (200, 264), 10),
             *bez((200, 264), (204, 230), (214, 212), (240, 208), 8),
             *bez((240, 208), (252, 216), (254, 230), (256, 240), 6),
             *bez((256, 240), (330, 266), (420, 308), (482, 338), 12),
             *bez((482, 338), (548, 350), (592, 384), (588, 414), 10),
             *mid_top]
    body = Linear((0, 220), (0, 400), shade(st.upper, 0.22), st.upper, shade(st.upper, -0.3))
    cv.fill(upper, body)
    for i in range(9):
        for j in range(4):
            x, y = 420 + i * 16 - j * 8, 352 + j * 12 - i * 2
            if x < 570:
                cv.circle(x, y + (x - 420) * 0.35, 2.2, shade(st.upper, -0.35), 0.45)
    cv.fill([*bez((70, 392), (48, 330), (62, 270), (92, 244), 12),
             *bez((92, 244), (110, 254), (130, 262), (150, 268), 6),
             *bez((150, 268), (140, 310), (150, 360), (176, 396), 8)],
            shade(st.upper, -0.35))
    toe = [*bez((500, 344), (552, 356), (592, 384), (588, 414), 10),
           *bez((588, 414), (560, 414), (530, 412), (490, 410), 6)]
    cv.fill(toe, st.accent if st.trail else shade(st.upper, -0.25),
            0.95 if st.trail else 0.7)
    band = [*bez((170, 372), (260, 330), (340, 318), (430, 330), 14),
            *bez((430, 350), (350, 342), (270, 352), (190, 386), 14)]
    cv.fill(band, st.accent)
    cv.stroke(bez((180, 394), (270, 362), (350, 356), (440, 360), 14), 3, st.accent, 0.8)
    cv.fill(ribbon(bez((94, 250), (82, 230), (84, 214), (98, 206), 8), 12, 10), st.accent)
    cv.fill([(204, 262), (214, 216), (238, 210), (252, 236)], shade(st.upper, -0.4), 0.6)
    eyelets = [(262 + i * 40, 246 + i * 17 + i * i * 0.8) for i in range(6)]
    lace = (252, 252, 250) if not st.trail else (40, 40, 44)
    for x, y in eyelets:
        cv.circle(x, y + 8, 4, shade(st.upper, -0.55))
        cv.fill(ribbon([(x - 10, y + 2), (x + 16, y - 12)], 6), lace)
    for loop in (bez((246, 230), (206, 196), (196, 236), (244, 236), 12),
                 bez((246, 232), (270, 196), (290, 226), (248, 236), 12)):
        cv.fill(ribbon(loop, 5), lace)
    cv.fill(ribbon(bez((246, 234), (236, 270), (228, 300), (230, 318), 10), 5, 4), lace)
    cv.fill(ribbon(bez((248, 234), (262, 270), (270, 296), (280, 310), 10), 5, 4), lace)
    cv.fill(ribbon(bez((92, 246), (130, 262), (168, 276), (200, 264), 10), 4),
            shade(st.upper, -0.55))
    cv.fill(ribbon(bez((280, 234), (360, 262), (420, 296), (476, 320), 10), 6),
            (255, 255, 255), 0.22)
    cv.text("TREVIA" if not st.trail else "KAIRN", 130, 318, 13, (255, 255, 255), "Bold",
            alpha=0.85)


def outline_top(length: float, cx: float, cy: float) -> list[Point]:
    """Top-view outline of a right shoe lying along the x axis (heel left)."""
    ts = [0.0, 0.15, 0.4, 0.55, 0.72, 0.85, 1.0]
    ws = [64.0, 68.0, 60.0, 70.0, 84.0, 82.0, 70.0]
    top: list[Point] = []
    bottom: list[Point] = []
    n = 120
    x0 = cx - length / 2
    raw = np.interp(np.linspace(0, 1, n + 1), ts, ws)
    smooth = np.convolve(np.pad(raw, 12, mode="edge"), np.ones(25) / 25, mode="valid")
    for i in range(n + 1):
        t = i / n
        w = float(smooth[i])
        if t < 0.12:
            w *= math.sqrt(max(0.0, 1 - ((0.12 - t) / 0.12) ** 2))
        if t > 0.78:
            w *= math.sqrt(max(0.0, 1 - ((t - 0.78) / 0.22) ** 2))
        bend = 16 * math.sin(math.pi * t)
        top.append((x0 + t * length, cy - w - bend * 0.3))
        bottom.append((x0 + t * length, cy + w * 0.9 - bend))
    return [*top, *bottom[::-1]]


def shoe_top(cv: Canvas, st: Style) -> None:
    """Top view of the shoe: collar, tongue and laces."""
    cv.shadow(330, 350, 250, 110, 0.25, 14)
    cv.fill(outline_top(460, 330, 330), st.midsole)
    with cv.at(330, 330, 0.93):
        cv.fill(outline_top(460, 0, 0), Linear((0, -80), (0, 80), shade(st.upper, 0.2),
                                              st.upper, shade(st.upper, -0.25)))
        cv.ellipse(-164, -4, 64, 50, (40, 40, 46))
        cv.ellipse(-164, -4, 56, 42, Linear((-220, 0), (-120, 0), (60, 62, 70), (24, 24, 28)))
        cv.rrect(-124, -40, 150, 72, 30, shade(st.upper, -0.2))
        cv.rrect(-232, -14, 22, 20, 8, st.accent)
        for i in range(6):
            x = -100 + i * 34
            w = 42 + i * 3
            cv.circle(x, -w, 4, shade(st.upper, -0.5))
            cv.circle(x, w - 6, 4, shade(st.upper, -0.5))
            lace = (250, 250, 248) if not st.trail else st.accent
            cv.fill(ribbon([(x, -w), (x + 17, w - 6)], 7), lace)
            cv.fill(ribbon([(x, w - 6), (x + 17, -w)], 7), shade(lace, -0.08))
        cv.ellipse(-114, 12, 20, 9, (250, 250, 248) if not st.trail else st.accent)
        cv.fill(ribbon(bez((-100, 10), (-140, 50), (-160, 40), (-170, 60)), 5),
                (250, 250, 248) if not st.trail else st.accent)
        cv.fill(ribbon(bez((70, -72), (120, -80), (170, -74), (212, -56)), 16), st.accent, 0.9)
        for i in range(24):
            cv.circle(112 + (i % 5) * 22, -40 + (i // 5) * 18, 2.4, shade(st.upper, -0.3), 0.5)


def outsole(cv: Canvas, st: Style) -> None:
    """Bottom view of the trail shoe with chevron lugs."""
    cv.shadow(330, 350, 250, 110, 0.25, 14)
    cv.fill(outline_top(460, 330, 330), st.accent)
    with cv.at(330, 330, 0.94):
        sole = outline_top(460, 0, 0)
        cv.fill(sole, (52, 54, 58))
        contour = np.array(sole, np.float32)
        for i in range(11):
            x = -196 + i * 38
            for j, y in enumerate((-54, -18, 18, 50)):
                if (i < 1 or i > 9) and j in (0, 3):
                    continue
                if i in (4, 5) and j in (1, 2):
                    continue
                inside = [cv2.pointPolygonTest(contour, (px, py), True) for px, py in
                          ((x - 9, y - 12), (x - 9, y + 12), (x + 18, y))]
                if min(inside) < 6:
                    continue
                chev = [(x - 9, y - 12), (x + 4, y), (x - 9, y + 12), (x + 5, y + 12),
                        (x + 18, y), (x + 5, y - 12)]
                cv.fill(chev, (20, 20, 22))
                cv.stroke(chev[3:], 1.5, (90, 92, 98), 0.8)
        cv.rrect(-60, -12, 90, 24, 12, st.accent)
        cv.text("KAIRN", -15, 0, 13, (30, 30, 30))


def road_shoe(cv: Canvas, view: int) -> None:
    """Trevia Pulse 3: side view; then from above."""
    if view == 1:
        shoe_side(cv, ROAD)
    else:
        shoe_top(cv, ROAD)


def road_shoe_black(cv: Canvas, view: int) -> None:
    """Trevia Pulse 3 in black: side view; then from above."""
    if view == 1:
        shoe_side(cv, ROAD_BLACK)
    else:
        shoe_top(cv, ROAD_BLACK)


def trail_shoe(cv: Canvas, view: int) -> None:
    """Kairn Summit: side view with lugs; then the outsole."""
    if view == 1:
        shoe_side(cv, TRAIL)
    else:
        outsole(cv, TRAIL)
