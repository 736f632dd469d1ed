"""Headlamp, running socks and soft flask (Running department)."""

from __future__ import annotations

from .common import (
    Canvas,
    Color,
    Linear,
    Radial,
    band_pts,
    bez,
    ellipse_pts,
    mix,
    ribbon,
    shade,
)

YELLOW = (250, 192, 28)


def lamp_unit(cv: Canvas, x: float, y: float, s: float = 1.0, rot: float = 0.0) -> None:
    """The headlamp housing centred on (x, y): lens, red LED and button."""
    with cv.at(x, y, s, rot):
        cv.rrect(-88, -58, 176, 116, 30, Linear((0, -58), (0, 58), (70, 72, 80), (26, 26, 30)))
        cv.rrect(-80, -52, 160, 104, 26, Linear((-80, -52), (80, 52), shade(YELLOW, 0.3),
                                                YELLOW, shade(YELLOW, -0.35)))
        cv.circle(-14, 0, 42, (40, 40, 44))
        cv.circle(-14, 0, 36, Radial((-24, -12), 46, (255, 255, 255), (200, 204, 214),
                                     (120, 124, 136), stops=[0, 0.5, 1]))
        for r in (28, 20):
            cv.fill([*ellipse_pts(-14, 0, r, r), *ellipse_pts(-14, 0, r - 1.5, r - 1.5)],
                    (150, 154, 166), 0.7)
        cv.circle(-14, 0, 9, (255, 250, 220))
        cv.rrect(38, -24, 30, 20, 6, (70, 20, 24))
        cv.rrect(42, -21, 22, 14, 5, Radial((52, -16), 16, (255, 90, 90), (150, 20, 30)))
        cv.rrect(38, 10, 30, 16, 6, (40, 40, 44))
        cv.text("450", 53, 18, 10, (230, 230, 230))
        cv.fill(ribbon(bez((-66, -40), (-40, -50), (10, -50), (60, -44)), 5), (255, 255, 255),
                0.5)


def band_loop(cv: Canvas, cx: float, cy: float, rx: float, ry: float, front: bool) -> None:
    """Half of the elastic head strap, patterned (front or back half)."""
    a0, a1 = (0, 180) if front else (180, 360)
    k = ry / rx
    cv.fill(band_pts(cx, cy, rx - 24, rx, a0, a1, k), (30, 30, 34) if front else (20, 20, 22))
    for i in range(10):
        a = a0 + (a1 - a0) * (i + 0.5) / 10
        with cv.at(cx, cy):
            cv.fill(band_pts(0, 0, rx - 18, rx - 6, a - 3, a + 3, k), YELLOW,
                    0.85 if front else 0.4)


def headlamp(cv: Canvas, view: int) -> None:
    """Nocta 450: lamp on its strap; then a night view with the beam on."""
    if view == 1:
        cv.shadow(320, 500, 220, 22, 0.3, 12)
        band_loop(cv, 320, 330, 230, 150, False)
        band_loop(cv, 320, 330, 230, 150, True)
        cv.rrect(276, 440, 88, 52, 10, (30, 30, 34))
        cv.rrect(286, 448, 68, 36, 8, (110, 112, 120))
        lamp_unit(cv, 320, 470, 1.1)
        return
    cv.rect(0, 0, 640, 640, Linear((0, 0), (0, 640), (14, 22, 48), (36, 40, 70), (22, 20, 30),
                                   stops=[0, 0.6, 1]))
    for i in range(40):
        cv.circle((i * 137) % 640, (i * 71) % 300, 1 + (i % 3) * 0.4, (255, 255, 255), 0.6)
    cv.fill([(0, 470), (120, 430), (260, 450), (400, 420), (640, 440), (640, 640), (0, 640)],
            (18, 20, 26))
    lx, ly = 203, 380
    cv.fill([(lx, ly - 20), (640, 170), (640, 640), (520, 640)],
            Linear((lx, 0), (640, 0), (255, 246, 200), (255, 236, 170)), 0.45, blur=20)
    cv.fill([(lx, ly - 8), (640, 300), (640, 560)], (255, 255, 236), 0.35, blur=10)
    cv.ellipse(560, 560, 150, 60, (255, 240, 190), 0.35, blur=30)
    with cv.at(0, 60, 0.7):
        band_loop(cv, 320, 330, 230, 150, False)
        band_loop(cv, 320, 330, 230, 150, True)
        lamp_unit(cv, 320, 470, 1.1)
    cv.circle(lx, ly, 24, (255, 255, 230), 0.9, blur=10)


def sock(cv: Canvas, x: float, y: float, s: float, rot: float, base: Color,
         accent: Color) -> None:
    """A low running sock, cuff at the top left, toe to the right."""
    with cv.at(x, y, s, rot):
        outline = [*bez((0, 0), (0, 80), (0, 150), (10, 200), 14),
                   *bez((10, 200), (20, 250), (70, 262), (130, 256), 10),
                   *bez((130, 256), (200, 250), (250, 256), (270, 230), 10),
                   *bez((270, 230), (286, 200), (260, 176), (220, 172), 10),
                   *bez((220, 172), (160, 166), (110, 150), (100, 100), 10), (96, 0)]
        cv.fill(outline, Linear((0, 0), (280, 260), shade(base, 0.15), base, shade(base, -0.2)))
        cv.fill([*bez((190, 172), (210, 200), (214, 230), (200, 254), 10),
                 *bez((240, 254), (270, 240), (290, 196), (220, 172), 10)], accent)
        heel = [pt for pt in outline if pt[0] < 95 and pt[1] > 140]
        cv.fill([*heel, *bez((95, 257), (88, 205), (48, 158), (0, 140), 12)], accent)
        cv.rect(-2, 0, 100, 22, shade(base, -0.12))
        for i in range(1, 12):
            cv.stroke([(i * 8.5, 2), (i * 8.5, 20)], 1.5, shade(base, -0.25), 0.6)
        cv.fill(ribbon(bez((100, 120), (120, 180), (140, 210), (150, 250), 10), 16), accent, 0.5)


def socks(cv: Canvas, view: int) -> None:
    """Trevia Run socks, pack of 3; then one sock close-up."""
    white, grey, black = (244, 244, 246), (150, 154, 162), (44, 46, 52)
    if view == 1:
        cv.shadow(330, 500, 250, 16, 0.25, 12)
        sock(cv, 60, 80, 0.82, 0, black, (240, 100, 70))
        sock(cv, 195, 170, 0.82, 0, grey, (40, 140, 230))
        sock(cv, 330, 260, 0.82, 0, white, (184, 226, 40))
        for i, (x, y) in enumerate(((60, 80), (195, 170), (330, 260))):
            cv.text("TREVIA", x + 40, y + 40, 10, (255, 255, 255) if i < 2 else (60, 64, 74))
        cv.circle(470, 200, 50, (30, 34, 44))
        cv.circle(470, 200, 44, (184, 226, 40))
        cv.text("×3", 470, 192, 34, (30, 34, 44))
        cv.text("RUN", 470, 222, 12, (30, 34, 44), "SemiBold")
        return
    cv.shadow(320, 520, 200, 14, 0.25, 12)
    sock(cv, 130, 110, 1.5, 0, white, (184, 226, 40))
    with cv.at(130, 110, 1.5):
        for i in range(4):
            cv.stroke([(112, 130 + i * 10), (192, 160 + i * 6)], 2, (200, 204, 214), 0.9)
        cv.text("R", 236, 214, 18, (30, 34, 44))
        for i in range(5):
            for j in range(3):
                cv.circle(34 + j * 9, 196 + i * 10, 1.6, (200, 204, 214), 0.9)


def flask(cv: Canvas, x: float, y: float, s: float, level: float) -> None:
    """A collapsible soft flask, base centre at (x, y), filled to level (0-1)."""
    w, top = 120, -330
    with cv.at(x, y, s):
        body = [*bez((-w / 2, 0), (-w / 2 - 6, top * 0.5), (-w / 2, top * 0.8), (-22, top), 12),
                (22, top),
                *bez((22, top), (w / 2, top * 0.8), (w / 2 + 6, top * 0.5), (w / 2, 0), 12)]
        body_pts = [*body, *ellipse_pts(0, 0, w / 2, 10, 0, 180, 12)]
        cv.fill(body_pts, Linear((-w / 2, 0), (w / 2, 0), (190, 222, 246), (236, 246, 255),
                                 (170, 206, 236)), 0.92)
        if level > 0:
            ly = top * level
            liquid = [(px, max(py, ly)) for px, py in body_pts]
            cv.fill(liquid, Linear((0, ly), (0, 0), (110, 180, 240), (50, 120, 210)), 0.75)
            cv.fill(ellipse_pts(0, ly, w / 2 - 4, 5), (200, 230, 255), 0.6)
        for i in range(1, 5):
            gy = top * 0.18 * i
            cv.stroke([(-w / 2 + 14, gy), (-w / 2 + 30, gy)], 2, (40, 80, 140), 0.7)
            cv.text(str(i * 100), -w / 2 + 44, gy, 9, (40, 80, 140), "SemiBold", "l", 0.8)
        cv.text("KAIRN", 12, top * 0.86, 12, (30, 60, 110), alpha=0.7)
        cv.fill(ribbon(bez((w / 2 - 18, -20), (w / 2 - 10, top * 0.4), (w / 2 - 14, top * 0.7),
                           (22, top + 10)), 7, 3), (255, 255, 255), 0.7)
        cv.rrect(-26, top - 24, 52, 28, 6, (36, 38, 44))
        cv.rrect(-15, top - 64, 30, 44, 12, Linear((-15, 0), (15, 0), (255, 146, 60),
                                                   (220, 90, 30)))
        cv.rrect(-6, top - 68, 12, 8, 3, shade((220, 90, 30), -0.3))


def flat_flask(cv: Canvas, x: float, y: float, s: float) -> None:
    """An empty flask, flattened and lying down to show it packs small."""
    with cv.at(x, y, s):
        top = [(-150 + i * 12, -30 + 5 * ((i * 7) % 3 - 1)) for i in range(23)]
        bottom = [(114 - i * 12, 30 + 5 * ((i * 5) % 3 - 1)) for i in range(23)]
        pouch = [*top, (150, -12), (150, 12), *bottom]
        cv.shadow(0, 34, 170, 10, 0.3, 8)
        cv.fill(pouch, Linear((0, -30), (0, 30), (214, 234, 252), (170, 204, 236)), 0.92)
        for i in range(5):
            cx = -120 + i * 55
            cv.stroke([(cx, -26), (cx + 14, 0), (cx + 4, 26)], 2, (140, 180, 220), 0.8)
        cv.fill(ellipse_pts(-60, 10, 60, 12), (70, 140, 210), 0.35)
        cv.rrect(150, -16, 26, 32, 6, (36, 38, 44))
        cv.rrect(174, -11, 40, 22, 9, Linear((0, -11), (0, 11), (255, 146, 60), (220, 90, 30)))
        cv.text("KAIRN", -20, -6, 13, (30, 60, 110), alpha=0.7)


def soft_flask(cv: Canvas, view: int) -> None:
    """Kairn SoftFlask 500: full flask; then full and squashed side by side."""
    if view == 1:
        cv.shadow(320, 520, 90, 12, 0.25, 10)
        flask(cv, 320, 520, 1.2, 0.82)
        return
    cv.shadow(320, 520, 230, 14, 0.25, 10)
    flask(cv, 190, 520, 1.05, 0.82)
    flat_flask(cv, 430, 486, 0.8)
    cv.text("500 ml", 190, 566, 16, mix((60, 70, 90), (255, 255, 255), 0.2), "SemiBold")
