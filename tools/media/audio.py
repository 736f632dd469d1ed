"""Soundbar, headphones, earbuds, speaker and turntable (TV & Audio department)."""

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
    rrect_pts,
    shade,
)
from .tv import box_3d


def driver(cv: Canvas, cx: float, cy: float, r: float, ry_k: float = 1.0) -> None:
    """A loudspeaker cone: surround, cone and dust cap."""
    cv.fill(ellipse_pts(cx, cy, r, r * ry_k), (16, 16, 18))
    cv.fill(ellipse_pts(cx, cy, r * 0.9, r * 0.9 * ry_k),
            Radial((cx - r * 0.3, cy - r * 0.4 * ry_k), r * 1.3, (96, 98, 106), (30, 30, 34)))
    cv.fill(ellipse_pts(cx, cy, r * 0.74, r * 0.74 * ry_k),
            Radial((cx, cy), r * 0.74, (20, 20, 22), (54, 56, 62)))
    cv.fill(ellipse_pts(cx, cy, r * 0.26, r * 0.26 * ry_k),
            Radial((cx - r * 0.08, cy - r * 0.1 * ry_k), r * 0.3, (120, 122, 130), (36, 36, 40)))


def fabric(cv: Canvas, x: float, y: float, w: float, h: float, color: Color,
           step: float = 4.0) -> None:
    """Subtle horizontal weave lines over a speaker grille."""
    n = int(h / step)
    for i in range(1, n):
        cv.rect(x, y + i * step, w, step * 0.35, shade(color, -0.35), 0.25)


def soundbar(cv: Canvas, view: int) -> None:
    """Aurel SB-500: bar in front of its subwoofer; then a three-quarter view."""
    grey = (58, 60, 66)
    if view == 1:
        cv.shadow(510, 478, 100, 12, 0.35, 10)
        box_3d(cv, 430, 200, 150, 276, 64, grey, (84, 86, 94),
               Linear((580, 0), (625, 0), (44, 46, 50), (24, 24, 28)), r=6)
        fabric(cv, 434, 206, 142, 262, grey)
        driver(cv, 505, 330, 56)
        cv.circle(505, 440, 4, (230, 230, 235), 0.8)
        cv.shadow(270, 470, 250, 12, 0.45, 8)
        bar = rrect_pts(40, 396, 460, 68, 28)
        cv.fill(bar, Linear((0, 396), (0, 464), (86, 88, 96), grey, (30, 30, 34),
                            stops=[0, 0.25, 1]))
        fabric(cv, 60, 404, 420, 54, grey)
        cv.stroke([(66, 399), (474, 399)], 2.5, (170, 172, 180), 0.6)
        for i in range(5):
            cv.circle(254 + i * 8, 450, 1.8, (235, 240, 255), 0.9)
        cv.text("AUREL", 270, 428, 11, (190, 190, 196), "SemiBold", alpha=0.85)
        return
    sx, sy = 480, 180
    cv.shadow(540, 420, 80, 12, 0.4, 8)
    box_3d(cv, sx, sy, 80, 240, 90, (34, 34, 38), (92, 94, 100),
           Linear((sx + 80, 0), (sx + 143, 0), (74, 76, 84), (40, 40, 44)))
    with cv.at(sx + 111, sy + 96):
        cv.fill(ellipse_pts(0, 0, 24, 40), (16, 16, 18))
        cv.fill(ellipse_pts(0, 0, 19, 33), Radial((-6, -10), 40, (96, 98, 106), (30, 30, 34)))
        cv.fill(ellipse_pts(0, 0, 7, 11), (60, 62, 68))
    cv.shadow(260, 470, 250, 22, 0.35, 12)
    x, y, w, h, d = 30, 400, 420, 64, 70
    box_3d(cv, x, y, w, h, d, Linear((0, y), (0, y + h), (80, 82, 90), (28, 28, 32)),
           Linear((x, y - 35), (x + w, y), (112, 114, 122), (70, 72, 80)),
           (34, 34, 38))
    fabric(cv, x + 6, y + 4, w - 12, h - 8, grey)
    tx, ty = x + w * 0.5 + 25, y - 18
    for i, sym in enumerate(["−", "+", "o"]):
        px = tx - 40 + i * 40
        cv.fill(ellipse_pts(px, ty, 13, 6.5), (44, 46, 52))
        cv.text(sym, px, ty - 0.5, 9, (200, 200, 206))
    cv.text("AUREL", x + 100, y - 17, 14, (160, 162, 170), "SemiBold")
    cv.stroke([(x, y), (x + 49, y - 35), (x + w + 49, y - 35)], 1.5, (180, 180, 190), 0.5)


def headphones(cv: Canvas, view: int) -> None:
    """Halden ANC 90: classic front packshot; then side view of an ear cup."""
    navy, copper, pad = (34, 46, 82), (196, 128, 84), (24, 28, 40)
    shell = Linear((0, 300), (0, 520), shade(navy, 0.25), navy, shade(navy, -0.45))
    if view == 1:
        cv.shadow(320, 530, 250, 14, 0.3, 12)
        cv.fill(band_pts(320, 300, 146, 170, 180, 360, 1.25), shell)
        cv.fill(band_pts(320, 300, 140, 152, 200, 340, 1.25), pad)
        for cx in (160, 480):
            cv.rrect(cx - 7, 290, 14, 52, 4, Linear((cx - 7, 0), (cx + 7, 0), (150, 152, 160),
                                                   (235, 236, 240), (120, 122, 130)))
            cv.fill(band_pts(cx, 424, 80, 90, 198, 342), copper)
        cv.ellipse(160, 424, 74, 98, shell)
        cv.fill([*ellipse_pts(160, 424, 60, 82)], Radial((140, 390), 110, shade(navy, 0.18),
                                                           shade(navy, -0.3)))
        cv.fill([*ellipse_pts(160, 424, 62, 84), *ellipse_pts(160, 424, 58, 80)], copper)
        cv.text("H", 160, 424, 40, (206, 214, 232), "SemiBold", alpha=0.8)
        cv.ellipse(480, 424, 74, 98, shell)
        cv.ellipse(480, 424, 66, 90, Radial((460, 400), 100, (62, 66, 84), pad))
        cv.ellipse(480, 424, 36, 56, (40, 44, 58))
        cv.text("R", 480, 424, 18, (120, 126, 150))
        cv.fill(ribbon(bez((210, 112), (260, 92), (380, 92), (430, 112)), 5),
                (255, 255, 255), 0.18)
        return
    cv.shadow(330, 530, 240, 16, 0.3, 12)
    cv.ellipse(470, 330, 74, 94, shell)
    cv.ellipse(464, 332, 64, 84, Radial((450, 310), 90, (62, 66, 84), pad))
    cv.ellipse(460, 334, 30, 48, (40, 44, 58))
    cv.fill(ribbon(bez((236, 282), (250, 40), (470, 30), (474, 230)), 30), shell)
    cv.fill(ribbon(bez((250, 286), (266, 80), (450, 66), (460, 232)), 9), pad, 0.7)
    cv.fill(ribbon(bez((264, 100), (300, 66), (380, 50), (430, 70)), 6), (255, 255, 255), 0.18)
    cv.rrect(465, 222, 14, 30, 4, Linear((465, 0), (479, 0), (150, 152, 160), (235, 236, 240)))
    cv.rrect(222, 262, 18, 44, 5, Linear((222, 0), (240, 0), (150, 152, 160), (235, 236, 240)))
    cv.fill(band_pts(220, 410, 112, 124, 205, 335), copper)
    cv.ellipse(220, 410, 108, 128, shell)
    cv.ellipse(220, 410, 92, 110, Radial((190, 360), 160, shade(navy, 0.2), shade(navy, -0.35)))
    cv.fill([*ellipse_pts(220, 410, 94, 112), *ellipse_pts(220, 410, 89, 107)], copper)
    cv.text("HALDEN", 220, 410, 22, (214, 220, 236), "SemiBold", alpha=0.85)
    cv.fill(ribbon(bez((150, 340), (170, 310), (220, 300), (260, 302)), 7), (255, 255, 255),
            0.16)


def bud(cv: Canvas, x: float, y: float, s: float, rot: float, tip: Color,
        mirror: bool = False) -> None:
    """One stem earbud, head at (x, y)."""
    white = Linear((-40, -40), (40, 60), (255, 255, 255), (214, 218, 224))
    with cv.at(x, y, s, rot, mirror):
        cv.ellipse(-36, 4, 22, 20, tip)
        cv.ellipse(-30, 4, 10, 16, shade(tip, -0.25))
        cv.fill(ribbon(bez((10, 20), (14, 60), (16, 100), (18, 130)), 26, 22), white)
        cv.ellipse(0, 0, 40, 34, white)
        cv.ellipse(10, -10, 16, 10, (255, 255, 255), 0.9)
        cv.ellipse(18, 131, 11, 5, (170, 174, 182))
        cv.ellipse(-6, 6, 8, 6, (60, 64, 72), 0.8)


def earbuds(cv: Canvas, view: int) -> None:
    """Halden Buds Air: charging case with both buds; then a close-up of the buds."""
    mint = (120, 214, 190)
    if view == 2:
        cv.shadow(320, 520, 220, 16, 0.25, 12)
        bud(cv, 220, 230, 1.9, -14, mint)
        bud(cv, 430, 230, 1.9, -14, mint, mirror=True)
        return
    cv.shadow(320, 420, 170, 18, 0.3, 12)
    white = Linear((190, 190), (450, 420), (255, 255, 255), (212, 216, 224))
    cv.fill(rrect_pts(190, 190, 260, 224, (110, 110, 80, 80)), white)
    cv.fill(ribbon(bez((196, 280), (270, 292), (370, 292), (444, 280)), 2.5), (150, 156, 166))
    cv.fill(ribbon(bez((220, 240), (240, 212), (300, 198), (350, 198)), 8), (255, 255, 255), 0.9)
    cv.rrect(312, 360, 16, 6, 3, (120, 220, 150))
    cv.text("HALDEN", 320, 322, 12, (190, 194, 204), "SemiBold")
    for bx, by in ((190, 468), (380, 478)):
        cv.shadow(bx + 60, by + 30, 80, 9, 0.25, 6)
        bud(cv, bx, by, 0.8, -72, mint)


def speaker(cv: Canvas, view: int) -> None:
    """Galet Go: coral fabric cylinder; then standing on end with splashes."""
    coral = (238, 98, 78)
    rubber = (46, 48, 54)
    if view == 1:
        cv.shadow(320, 470, 230, 16, 0.35, 12)
        body = Linear((0, 290), (0, 450), shade(coral, 0.25), coral, shade(coral, -0.45),
                      stops=[0, 0.3, 1])
        cv.fill(ribbon(bez((112, 320), (60, 300), (40, 380), (112, 414)), 12), rubber)
        cv.rect(130, 290, 380, 160, body)
        fabric(cv, 130, 290, 380, 160, coral, 5)
        cv.ellipse(130, 370, 30, 80, Linear((0, 290), (0, 450), (86, 88, 96), (30, 30, 34)))
        cv.ellipse(510, 370, 30, 80, Linear((0, 290), (0, 450), (86, 88, 96), (30, 30, 34)))
        cv.ellipse(516, 370, 20, 62, (22, 22, 26))
        cv.ellipse(516, 370, 12, 40, Radial((512, 360), 40, (90, 92, 100), (30, 30, 34)))
        cv.rrect(250, 342, 140, 50, 25, (38, 40, 46))
        cv.text("galet", 320, 366, 26, (255, 255, 255), "SemiBold")
        for i, sym in enumerate(["−", "o", "+"]):
            cv.fill(ellipse_pts(280 + i * 40, 296, 14, 5), shade(coral, -0.3))
            cv.text(sym, 280 + i * 40, 294, 8, (255, 230, 226))
        return
    cv.shadow(320, 540, 120, 14, 0.35, 10)
    body = Linear((220, 0), (420, 0), shade(coral, -0.35), shade(coral, 0.2), coral,
                  shade(coral, -0.5), stops=[0, 0.35, 0.6, 1])
    cv.ellipse(320, 520, 100, 30, rubber)
    cv.rect(220, 150, 200, 370, body)
    fabric(cv, 220, 150, 200, 370, coral, 6)
    cv.ellipse(320, 150, 100, 30, Linear((0, 120), (0, 180), (90, 92, 100), (36, 36, 40)))
    cv.ellipse(320, 150, 76, 22, (24, 24, 28))
    cv.ellipse(320, 150, 50, 14, Radial((310, 144), 60, (110, 112, 120), (36, 36, 40)))
    cv.rrect(290, 310, 60, 120, 30, (38, 40, 46))
    cv.text("g", 320, 366, 36, (255, 255, 255), "SemiBold")
    drops = [(180, 200, 1.0), (460, 160, 0.8), (470, 300, 1.1), (166, 360, 0.7),
             (300, 90, 0.9), (380, 70, 0.6), (150, 110, 0.6), (496, 420, 0.7)]
    for dx, dy, k in drops:
        with cv.at(dx, dy, k, 20):
            cv.fill([*bez((0, -22), (4, -10), (12, 0), (12, 6), 8),
                     *ellipse_pts(0, 6, 12, 12, 0, 180, 12), *bez((-12, 6), (-12, 0), (-4, -10),
                                                                  (0, -22), 8)],
                    Linear((0, -22), (0, 18), (200, 232, 255), (90, 160, 230)), 0.85)
            cv.ellipse(-4, 4, 3, 5, (255, 255, 255), 0.9)


def record(cv: Canvas, cx: float, cy: float, rx: float, ry: float, label: Color) -> None:
    """A vinyl record with grooves, sheen and label."""
    cv.fill(ellipse_pts(cx, cy, rx, ry), (18, 18, 20))
    for k in (0.95, 0.86, 0.78, 0.66, 0.56, 0.46):
        cv.fill([*ellipse_pts(cx, cy, rx * k, ry * k),
                 *ellipse_pts(cx, cy, rx * (k - 0.012), ry * (k - 0.012))], (60, 60, 66), 0.6)
    for a in (200, 20):
        cv.fill([(cx, cy), *ellipse_pts(cx, cy, rx * 0.97, ry * 0.97, a, a + 28, 10)],
                (210, 214, 226), 0.13)
    cv.fill(ellipse_pts(cx, cy, rx * 0.3, ry * 0.3), label)
    cv.fill(ellipse_pts(cx, cy - ry * 0.06, rx * 0.2, ry * 0.06), mix(label, (255, 255, 255), 0.5))
    cv.fill(ellipse_pts(cx, cy, rx * 0.025, ry * 0.025 + 1), (220, 222, 228))


def turntable(cv: Canvas, view: int) -> None:
    """Sillon T2: walnut turntable in three-quarter view; then a stylus close-up."""
    walnut = (120, 74, 44)
    red = (200, 40, 48)
    chrome = Linear((0, 0), (30, 30), (120, 122, 130), (240, 242, 246), (130, 132, 140))
    if view == 1:
        cv.shadow(320, 470, 260, 18, 0.4, 12)
        top = [(70, 410), (570, 410), (520, 230), (120, 230)]
        cv.fill([(70, 410), (570, 410), (570, 450), (70, 450)],
                Linear((0, 410), (0, 450), shade(walnut, -0.2), shade(walnut, -0.5)))
        cv.fill(top, Linear((120, 230), (570, 410), shade(walnut, 0.25), walnut,
                            shade(walnut, 0.1)))
        for i in range(7):
            y = 246 + i * 24
            cv.stroke(bez((110 - i * 5, y), (250, y - 8), (380, y + 8), (530 + i * 5, y)),
                      1.5, shade(walnut, -0.3), 0.35)
        cv.ellipse(292, 330, 166, 66, (30, 30, 32))
        cv.ellipse(292, 322, 166, 66, Linear((126, 0), (458, 0), (150, 152, 160),
                                             (230, 232, 236), (120, 122, 130)))
        record(cv, 292, 318, 156, 60, red)
        cv.circle(490, 270, 24, Radial((484, 262), 30, (230, 232, 238), (110, 112, 120)))
        cv.rrect(494, 226, 22, 28, 6, (50, 52, 58))
        cv.stroke([(490, 270), (496, 300), *bez((496, 300), (500, 350), (470, 370), (430, 372))],
                  5, chrome)
        with cv.at(430, 372, 1.0, 20):
            cv.rrect(-26, -8, 30, 16, 3, (40, 40, 44))
            cv.rrect(-30, -10, 14, 5, 2, (210, 212, 220))
        cv.circle(110, 425, 9, (210, 212, 220))
        cv.circle(140, 425, 6, (40, 40, 44))
        cv.text("SILLON", 470, 430, 12, (238, 220, 200), "SemiBold")
        return
    cv.rect(0, 0, 640, 640, Linear((0, 0), (0, 640), (236, 232, 226), (206, 200, 192)))
    cv.ellipse(240, 560, 520, 400, (30, 30, 32))
    record(cv, 240, 540, 500, 380, red)
    cv.stroke([(660, 40), *bez((640, 60), (560, 200), (470, 300), (420, 360))], 16, chrome)
    with cv.at(420, 360, 1.0, 35):
        cv.shadow(-20, 60, 60, 14, 0.5, 10)
        cv.rrect(-70, -26, 110, 52, 8, (36, 36, 40))
        cv.rrect(-60, 20, 70, 40, 6, Linear((0, 20), (0, 60), (220, 40, 48), (140, 20, 30)))
        cv.fill([(-30, 60), (-22, 60), (-26, 84)], (220, 222, 228))
        cv.rrect(-90, -20, 30, 10, 4, (220, 222, 228))
