"""GPS watch, running jacket and hydration vest (Running department)."""

from __future__ import annotations

import math

from .common import Canvas, Color, Linear, Point, band_pts, bez, ellipse_pts, ribbon, shade

TEAL = (18, 150, 146)


def strap(cv: Canvas, y0: float, y1: float, color: Color, holes: bool) -> None:
    """A silicone watch strap running vertically from y0 to y1."""
    grad = Linear((262, 0), (378, 0), shade(color, -0.35), color, shade(color, 0.15), color,
                  shade(color, -0.4), stops=[0, 0.2, 0.5, 0.8, 1])
    cv.fill(ribbon([(320, y0), (320, (y0 + y1) / 2), (320, y1)], 112, 104), grad)
    if holes:
        step = 24 if y1 > y0 else -24
        for i in range(5):
            cv.ellipse(320, y0 + step * (i + 3), 5, 4, shade(color, -0.6))


def heart(cv: Canvas, x: float, y: float, s: float, color: Color) -> None:
    """A small heart icon."""
    cv.circle(x - s * 0.5, y, s * 0.55, color)
    cv.circle(x + s * 0.5, y, s * 0.55, color)
    cv.fill([(x - s * 1.02, y + s * 0.15), (x + s * 1.02, y + s * 0.15), (x, y + s * 1.3)], color)


def watch_face(cv: Canvas, screen: str) -> None:
    """Case, bezel, buttons and screen of the GPS watch centred on (320, 330)."""
    cx, cy = 320, 330
    for ang in (-35, 35, 145, 215):
        with cv.at(cx, cy, 1.0, ang):
            cv.rrect(128, -14, 22, 28, 5, Linear((0, -14), (0, 14), (200, 202, 208), (80, 82, 90)))
    cv.rrect(244, 168, 152, 324, 40, (30, 32, 36))
    cv.circle(cx, cy, 140, Linear((180, 190), (460, 470), (150, 152, 160), (40, 42, 48)))
    cv.circle(cx, cy, 130, (22, 22, 26))
    for i in range(12):
        with cv.at(cx, cy, 1.0, i * 30):
            cv.rrect(116, -2, 10 if i % 3 else 12, 4, 1, (220, 222, 228))
    cv.circle(cx, cy, 110, (6, 8, 10))
    if screen == "run":
        cv.fill(band_pts(cx, cy, 100, 107, 150, 390), (60, 62, 70))
        cv.fill(band_pts(cx, cy, 100, 107, 150, 310), Linear((220, 0), (420, 0), (40, 200, 120),
                                                             (250, 200, 40)))
        cv.text("ALLURE", cx, cy - 64, 13, (150, 156, 170), "SemiBold")
        cv.text("5'12\"", cx, cy - 18, 58, (255, 255, 255))
        cv.text("/km", cx + 82, cy - 4, 13, (150, 156, 170), "SemiBold")
        cv.rect(cx - 80, cy + 22, 160, 1.5, (70, 74, 84))
        cv.text("10,42 km", cx, cy + 44, 22, (130, 220, 255), "SemiBold")
        heart(cv, cx - 30, cy + 72, 7, (240, 70, 80))
        cv.text("148", cx + 8, cy + 76, 18, (255, 255, 255), "SemiBold")
    else:
        cv.circle(cx, cy, 108, Linear((0, 230), (0, 430), (28, 44, 40), (18, 26, 30)))
        roads = [bez((220, 260), (300, 300), (340, 240), (420, 280)),
                 bez((240, 400), (300, 360), (360, 420), (430, 380)),
                 [(280, 225), (300, 440)], [(360, 226), (380, 436)]]
        for r in roads:
            cv.stroke(r, 3, (70, 90, 86))
        cv.fill([(330, 330), (360, 320), (380, 350), (346, 362)], (40, 110, 70), 0.7)
        route = [*bez((250, 380), (250, 300), (300, 330), (320, 290)),
                 *bez((320, 290), (340, 250), (390, 260), (386, 320))]
        cv.stroke(route, 5, (255, 120, 40))
        cv.circle(250, 380, 7, (40, 200, 120))
        cv.fill([(386, 308), (396, 334), (386, 328), (376, 334)], (255, 255, 255))
        cv.rrect(262, 396, 116, 28, 14, (0, 0, 0), 0.6)
        cv.text("8,6 km", cx, 410, 16, (255, 255, 255), "SemiBold")
    cv.fill(ribbon(bez((236, 262), (260, 226), (300, 212), (340, 212)), 10), (255, 255, 255),
            0.1)


def gps_watch(cv: Canvas, view: int) -> None:
    """Meridia Pace 2: running screen; then tilted map screen close-up."""
    if view == 1:
        cv.shadow(320, 600, 120, 10, 0.2, 10)
        strap(cv, 200, -10, TEAL, False)
        cv.rrect(252, 20, 136, 40, 8, Linear((0, 20), (0, 60), (230, 232, 236), (130, 132, 140)))
        cv.rrect(264, 30, 112, 20, 4, shade(TEAL, -0.2))
        strap(cv, 460, 650, TEAL, True)
        cv.rrect(262, 510, 116, 16, 4, shade(TEAL, -0.2))
        watch_face(cv, "run")
        return
    with cv.at(330, 330, 1.05, -18):
        with cv.at(-320, -330):
            strap(cv, 200, -120, TEAL, False)
            strap(cv, 460, 760, TEAL, True)
            watch_face(cv, "map")


def torso(side: int) -> list[Point]:
    """Half outline of a jacket body (side -1 left, 1 right) in 640 space."""
    def m(x: float, y: float) -> Point:
        return (320 + side * (320 - x), y)
    return [m(262, 138), m(200, 170), m(214, 270), m(212, 520), m(320, 524)]


def jacket(cv: Canvas, view: int) -> None:
    """Trevia Windlite jacket: front with zip; then back with vent and reflective print."""
    pink = (222, 48, 104)
    dark = shade(pink, -0.35)
    cv.shadow(320, 560, 200, 12, 0.2, 14)
    if view == 1:
        cv.fill([*bez((248, 156), (240, 90), (400, 90), (392, 156))], dark)
        cv.fill([*bez((262, 150), (262, 110), (378, 110), (378, 150))], shade(pink, -0.6))
    body = Linear((200, 0), (440, 0), shade(pink, -0.25), pink, shade(pink, 0.12), pink,
                  shade(pink, -0.3), stops=[0, 0.25, 0.5, 0.75, 1])
    for side in (-1, 1):
        def m(x: float, y: float, s: int = side) -> Point:
            return (320 + s * (320 - x), y)
        sleeve = [m(202, 166), m(150, 230), m(112, 460), m(120, 488), m(172, 484),
                  m(224, 300), m(216, 220)]
        cv.fill(sleeve, Linear(m(202, 166), m(112, 470), shade(pink, 0.08), shade(pink, -0.3)))
        cv.fill([m(112, 452), m(172, 462), m(172, 484), m(120, 488)], dark)
        cv.stroke([m(138, 380), m(188, 392)], 4, (226, 228, 234), 0.9)
        cv.stroke(bez(m(190, 260), m(170, 300), m(160, 360), m(150, 420)), 3, dark, 0.35)
    cv.fill([*torso(-1), *torso(1)[::-1]], body)
    cv.fill([(212, 496), (428, 496), (430, 524), (210, 524)], dark)
    if view == 1:
        cv.fill(ribbon(bez((260, 140), (280, 100), (360, 100), (380, 140)), 26), pink)
        cv.fill(ribbon(bez((266, 130), (290, 96), (350, 96), (374, 130)), 6), dark)
        cv.stroke([(320, 112), (320, 522)], 6, (44, 44, 50))
        cv.stroke([(320, 112), (320, 522)], 2, (130, 130, 140))
        cv.rrect(314, 124, 12, 26, 4, (60, 60, 66))
        for s in (-1, 1):
            cv.stroke([(320 + s * 84, 390), (320 + s * 58, 470)], 3.5, (44, 44, 50))
            cv.stroke(bez((320 + s * 40, 200), (320 + s * 70, 260), (320 + s * 60, 320),
                          (320 + s * 80, 380)), 3, dark, 0.3)
        cv.text("TREVIA", 376, 200, 12, (240, 240, 244), "SemiBold")
    else:
        cv.fill([*bez((244, 140), (250, 200), (300, 250), (320, 256)),
                 *bez((320, 256), (340, 250), (390, 200), (396, 140)),
                 *bez((396, 140), (380, 110), (260, 110), (244, 140))],
                Linear((0, 120), (0, 256), shade(pink, 0.05), shade(pink, -0.3)))
        cv.stroke([(320, 118), (320, 254)], 2, dark, 0.7)
        cv.fill([*bez((214, 270), (260, 290), (380, 290), (426, 270)),
                 (426, 300), *bez((426, 300), (380, 318), (260, 318), (214, 300))], dark, 0.8)
        for i in range(18):
            cv.circle(232 + i * 10.5, 300 + math.sin(i / 17 * math.pi) * 8, 1.6,
                      shade(pink, -0.7), 0.8)
        cv.rrect(250, 420, 140, 8, 4, (226, 228, 234))
        cv.text("TREVIA", 320, 396, 20, (236, 238, 242))


def vest(cv: Canvas, view: int) -> None:
    """Kairn Flow 8 hydration vest: front with soft flasks; then back pocket."""
    char, lime = (52, 56, 64), (184, 226, 40)
    grad = Linear((170, 0), (470, 0), shade(char, -0.3), shade(char, 0.15), shade(char, -0.3))
    cv.shadow(320, 520, 190, 14, 0.25, 12)
    if view == 2:
        for s in (-1, 1):
            loop = bez((320 + s * 60, 112), (320 + s * 70, 40), (320 + s * 150, 50),
                       (320 + s * 128, 200), 16)
            cv.fill(ribbon(loop, 34, 30), shade(char, -0.25))
            cv.stroke(ribbon(loop, 34, 30), 2, lime, 0.7, closed=True)
        back = [*bez((206, 130), (240, 100), (400, 100), (434, 130)), (452, 300),
                *bez((452, 300), (460, 420), (420, 480), (320, 486)),
                *bez((320, 486), (220, 480), (180, 420), (188, 300))]
        cv.fill(back, grad)
        cv.stroke(back, 3, lime, 0.9, closed=True)
        pocket = [*bez((214, 300), (280, 286), (360, 286), (426, 300)), (436, 420),
                  *bez((436, 420), (380, 470), (260, 470), (204, 420))]
        cv.fill(pocket, (98, 104, 114))
        for i in range(9):
            for j in range(14):
                cv.circle(230 + j * 14 + (i % 2) * 7, 310 + i * 16, 2.2, (60, 64, 72), 0.8)
        cv.stroke(pocket[:25], 4, (40, 42, 48))
        cords = [(230, 160), (290, 250), (350, 160), (410, 250)]
        cv.stroke([(224, 250), *cords, (416, 160)], 3.5, lime)
        cv.rrect(300, 104, 40, 20, 8, (30, 30, 34))
        cv.text("KAIRN  FLOW 8", 320, 140, 14, (230, 232, 236), "SemiBold")
        return
    cv.fill([*bez((250, 96), (280, 240), (360, 240), (390, 96))], (30, 32, 36))
    for s in (-1, 1):
        def m(x: float, y: float, k: int = s) -> Point:
            return (320 + k * (320 - x), y)
        panel = [m(246, 92), m(292, 94), *bez(m(292, 94), m(296, 200), m(302, 300), m(300, 470)),
                 m(186, 462), *bez(m(186, 462), m(160, 380), m(190, 220), m(246, 92))]
        cv.fill(panel, grad)
        cv.stroke(panel, 3, lime, 0.9, closed=True)
        fx = 250 if s < 0 else 390
        cv.rrect(fx - 30, 166, 60, 160, 24, Linear((fx - 30, 0), (fx + 30, 0), (150, 200, 240),
                                                   (210, 236, 255), (120, 170, 220)), 0.9)
        cv.rrect(fx - 26, 200, 52, 122, 20, (70, 140, 210), 0.55)
        cv.rrect(fx - 14, 140, 28, 30, 6, (40, 40, 44))
        cv.rrect(fx - 9, 120, 18, 24, 8, lime)
        cv.rrect(fx - 34, 250, 68, 84, 10, (44, 48, 54), 0.85)
        for i in range(4):
            cv.stroke([(fx - 30, 262 + i * 18), (fx + 30, 262 + i * 18)], 1.5, (90, 96, 106), 0.7)
        zx = 240 if s < 0 else 400
        cv.rrect(zx - 44, 364, 88, 80, 10, shade(char, -0.2))
        cv.stroke([(zx - 38, 372), (zx + 38, 372)], 3, (20, 20, 22))
    for y in (262, 316):
        cv.stroke([(298, y), (342, y)], 6, (30, 30, 34))
        cv.rrect(312, y - 8, 16, 16, 4, lime)
    cv.text("KAIRN", 226, 456, 11, (230, 232, 236), "SemiBold")
    cv.fill(ellipse_pts(320, 96, 70, 10, 180, 360), (24, 24, 28))
