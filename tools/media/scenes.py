"""Backgrounds for the shopper photos (480 x 480). Each returns the y where products stand."""

from __future__ import annotations

import numpy as np

from .common import Canvas, Color, Linear, Radial, bez, ellipse_pts, ribbon, shade

OAK = (176, 128, 84)


def plant(cv: Canvas, x: float, y: float, s: float, pot: Color = (196, 110, 76)) -> None:
    """A potted plant standing on y."""
    with cv.at(x, y, s):
        for i, ang in enumerate((-70, -40, -15, 10, 35, 60, -55, 25)):
            ln = 110 + (i % 3) * 24
            with cv.at(0, -70, 1.0, ang - 90):
                cv.fill(ribbon(bez((0, 0), (ln * 0.3, -10), (ln * 0.7, -14), (ln, 0), 12), 2, 0,
                               belly=34), (46 + i * 6, 120 + (i % 3) * 14, 70))
        cv.fill([(-40, -76), (40, -76), (30, 0), (-30, 0)], Linear((-40, 0), (40, 0), pot,
                                                                     shade(pot, -0.3)))
        cv.rect(-44, -84, 88, 12, shade(pot, 0.1))


def living(cv: Canvas) -> float:
    """Living room: window, art, wooden floor and an oak TV cabinet (products at y=332)."""
    cv.rect(0, 0, 480, 480, Linear((0, 0), (0, 360), (234, 224, 208), (210, 196, 178)))
    cv.rect(24, 50, 110, 180, (250, 250, 248))
    cv.rect(32, 58, 94, 164, Linear((0, 58), (0, 222), (170, 206, 236), (236, 236, 226)))
    cv.rect(77, 58, 4, 164, (250, 250, 248))
    cv.fill([(0, 30), (30, 30), (40, 300), (0, 300)], (196, 176, 150))
    cv.rect(340, 70, 110, 80, (60, 60, 64))
    cv.rect(346, 76, 98, 68, (240, 232, 220))
    cv.circle(380, 110, 20, (224, 120, 80))
    cv.fill([(400, 140), (430, 90), (444, 140)], (60, 100, 120))
    cv.rect(0, 360, 480, 120, Linear((0, 360), (0, 480), (158, 112, 74), (120, 80, 50)))
    for i in range(-8, 12):
        cv.stroke([(240 + i * 14, 360), (240 + i * 70, 480)], 1.5, (96, 64, 40), 0.5)
    cv.shadow(240, 430, 200, 14, 0.4, 8)
    cv.rect(50, 336, 380, 84, Linear((0, 336), (0, 420), shade(OAK, 0.05), shade(OAK, -0.25)))
    cv.rect(46, 326, 388, 12, Linear((0, 326), (0, 338), shade(OAK, 0.3), OAK))
    for x in (176, 304):
        cv.stroke([(x, 342), (x, 414)], 1.5, shade(OAK, -0.45), 0.8)
    for x in (70, 400):
        cv.rect(x, 420, 10, 18, (60, 44, 30))
    plant(cv, 456, 440, 0.9)
    return 332.0


def shelf(cv: Canvas) -> float:
    """Teal wall with a floating oak shelf, books and a lamp glow (products at y=302)."""
    cv.rect(0, 0, 480, 480, Linear((0, 0), (0, 480), (70, 100, 108), (44, 66, 74)))
    cv.circle(380, 120, 160, (255, 220, 160), 0.25, blur=60)
    cv.rect(0, 302, 480, 18, Linear((0, 302), (0, 320), shade(OAK, 0.25), shade(OAK, -0.3)))
    cv.shadow(240, 326, 260, 6, 0.4, 6)
    for i, (h, col) in enumerate([(96, (190, 70, 60)), (110, (230, 200, 130)), (88, (60, 90, 140)),
                                  (104, (240, 236, 228)), (92, (120, 150, 90))]):
        cv.rect(8 + i * 17, 302 - h, 15, h, col)
        cv.rect(8 + i * 17, 302 - h + 12, 15, 3, shade(col, 0.4))
    plant(cv, 448, 302, 0.5, (240, 236, 228))
    cv.rrect(60, 380, 360, 120, 30, Linear((0, 380), (0, 480), (150, 156, 166), (110, 114, 124)))
    cv.rrect(20, 420, 150, 80, 24, (130, 136, 146))
    return 302.0


def trail(cv: Canvas) -> float:
    """Mountain trail in the morning with a flat rock in front (products at y=392)."""
    cv.rect(0, 0, 480, 300, Linear((0, 0), (0, 260), (96, 150, 220), (250, 214, 176)))
    cv.circle(380, 170, 120, (255, 236, 190), 0.5, blur=40)
    peaks = [(0, 210), (60, 150), (110, 180), (180, 110), (250, 176), (320, 130), (400, 190),
             (480, 150)]
    cv.fill([*peaks, (480, 260), (0, 260)], (132, 150, 190))
    for px, py in peaks[1::2]:
        cv.fill([(px, py), (px - 16, py + 18), (px - 4, py + 14), (px + 6, py + 20),
                 (px + 16, py + 16)], (250, 250, 255))
    cv.fill([(0, 240), *bez((0, 240), (120, 200), (300, 250), (480, 214), 20), (480, 480),
             (0, 480)], Linear((0, 210), (0, 480), (110, 150, 100), (60, 100, 60)))
    cv.fill([*bez((170, 480), (230, 400), (180, 320), (236, 250), 20),
             *bez((246, 250), (214, 330), (300, 400), (330, 480), 20)],
            Linear((0, 250), (0, 480), (206, 180, 140), (170, 134, 96)))
    rng = np.random.default_rng(3)
    for _ in range(60):
        x, y = rng.uniform(0, 480), rng.uniform(270, 480)
        if abs(x - 240) > 50 + (y - 250) * 0.3:
            cv.stroke([(x, y), (x + rng.uniform(-4, 4), y - rng.uniform(8, 18))], 2,
                      (70, 120, 60), 0.8)
    rock = [*bez((60, 420), (80, 380), (140, 372), (240, 374), 10),
            *bez((240, 374), (350, 372), (410, 384), (430, 420), 10), (440, 480), (50, 480)]
    cv.fill(rock, Linear((0, 370), (0, 480), (176, 170, 160), (110, 106, 100)))
    cv.fill([*bez((70, 398), (100, 380), (160, 376), (240, 378), 10),
             *bez((240, 378), (340, 376), (400, 386), (420, 404), 10)], (200, 196, 188), 0.8)
    return 392.0


def track(cv: Canvas) -> float:
    """Athletics track at sunrise with trees behind (products at y=400)."""
    cv.rect(0, 0, 480, 260, Linear((0, 0), (0, 240), (130, 170, 220), (255, 200, 160)))
    rng = np.random.default_rng(11)
    for i in range(14):
        x = i * 36 + rng.uniform(-8, 8)
        r = rng.uniform(30, 50)
        cv.circle(x, 230 - r * 0.5, r, (70 + i % 3 * 10, 110, 70))
    cv.rect(0, 220, 480, 30, (90, 130, 80))
    cv.fill([(0, 250), (480, 250), (480, 480), (0, 480)],
            Linear((0, 250), (0, 480), (176, 80, 58), (206, 96, 66)))
    for i in range(-6, 8):
        cv.stroke([(240 + i * 40, 250), (240 + i * 150, 480)], 2.5, (250, 240, 232), 0.85)
    cv.text("3", 300, 300, 30, (250, 240, 232), alpha=0.8)
    return 400.0


def tiles(cv: Canvas, top: float, bottom: float, tile: Color, grout: Color) -> None:
    """Subway tiles between two heights."""
    cv.rect(0, top, 480, bottom - top, Linear((0, top), (0, bottom), shade(tile, 0.3), tile))
    rows = int((bottom - top) / 26) + 1
    for r in range(rows):
        y = top + r * 26
        cv.rect(0, y, 480, 2, grout)
        off = 0 if r % 2 else 26
        for c in range(-1, 10):
            cv.rect(off + c * 52, y, 2, 26, grout)


def counter(cv: Canvas) -> float:
    """Kitchen counter: tiled backsplash, light marble top, sage doors (products at y=382)."""
    tiles(cv, 0, 330, (236, 234, 226), (206, 200, 190))
    cv.fill([(300, 0), (400, 0), (230, 330), (120, 330)], (255, 250, 236), 0.35, blur=20)
    cv.rect(0, 330, 480, 110, Linear((0, 330), (0, 440), (226, 224, 220), (246, 244, 240)))
    for pts in ([(0, 360), (120, 380), (240, 370), (480, 400)],
                [(60, 440), (200, 400), (330, 420), (480, 360)]):
        cv.stroke(bez(*pts), 1.5, (190, 190, 196), 0.6, blur=1)
    cv.rect(0, 436, 480, 10, (200, 198, 194))
    cv.rect(0, 446, 480, 34, (130, 156, 134))
    cv.stroke([(240, 446), (240, 480)], 2, (100, 120, 104))
    plant(cv, 40, 372, 0.45, (240, 240, 236))
    return 382.0


def table(cv: Canvas) -> float:
    """Oak dining table under a window, linen runner and a vase (products at y=404)."""
    cv.rect(0, 0, 480, 320, Linear((0, 0), (0, 320), (240, 230, 214), (220, 206, 186)))
    cv.rect(280, 20, 170, 230, (252, 250, 246))
    cv.rect(290, 30, 150, 210, Linear((0, 30), (0, 240), (190, 220, 240), (246, 240, 226)))
    cv.rect(362, 30, 6, 210, (252, 250, 246))
    cv.fill([(290, 30), (440, 30), (330, 320), (120, 320)], (255, 250, 236), 0.2, blur=16)
    cv.rect(0, 300, 480, 180, Linear((0, 300), (0, 480), shade(OAK, 0.15), shade(OAK, -0.2)))
    for i in range(1, 7):
        y = 300 + i * i * 4.5
        cv.stroke([(0, y), (480, y)], 1.5, shade(OAK, -0.35), 0.5)
    cv.fill([(150, 300), (330, 300), (400, 480), (80, 480)], (236, 230, 218), 0.9)
    cv.fill([(150, 300), (160, 300), (92, 480), (80, 480)], (200, 190, 176), 0.7)
    with cv.at(60, 300):
        cv.fill([*ellipse_pts(0, -40, 22, 36, 200, 520, 24)], Radial((-8, -50), 40,
                (250, 250, 250), (190, 200, 210)))
        for dx, dy, col in [(-14, -110, (240, 120, 140)), (6, -124, (250, 200, 90)),
                            (18, -100, (240, 140, 160)), (-2, -96, (255, 255, 255))]:
            cv.stroke([(0, -70), (dx, dy)], 2, (80, 130, 70))
            cv.circle(dx, dy, 9, col)
    return 404.0


SCENES = {"tv-audio": (living, shelf), "running": (trail, track), "kitchen": (counter, table)}
