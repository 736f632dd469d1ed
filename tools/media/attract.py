"""Wide store-mood banners for the attract loop (1280 x 720, no text)."""

from __future__ import annotations

import numpy as np

from .common import Canvas, Linear, bez, ellipse_pts, ribbon, shade
from .products import place
from .scenes import OAK, plant

W, H = 1280, 720


def living_room() -> Canvas:
    """Evening living room: TV on an oak cabinet, window at dusk, lamp and sofa."""
    cv = Canvas(W, H, ss=2)
    cv.rect(0, 0, W, H, Linear((0, 0), (0, 560), (84, 92, 108), (58, 62, 76)))
    cv.circle(1110, 300, 300, (255, 200, 130), 0.3, blur=90)
    cv.rect(70, 90, 250, 400, (40, 42, 52))
    cv.rect(80, 100, 230, 380, Linear((0, 100), (0, 480), (60, 50, 110), (230, 120, 110),
                                      (255, 190, 120), stops=[0, 0.6, 1]))
    rng = np.random.default_rng(5)
    x = 80.0
    while x < 306:
        w, h = min(rng.uniform(18, 36), 310 - x), rng.uniform(40, 150)
        cv.rect(x, 480 - h, w, h, (40, 34, 60))
        x += w + 2
    cv.rect(192, 100, 6, 380, (40, 42, 52))
    cv.rect(0, 560, W, 160, Linear((0, 560), (0, 720), (120, 84, 58), (80, 54, 36)))
    for i in range(-12, 14):
        cv.stroke([(640 + i * 40, 560), (640 + i * 130, 720)], 2, (70, 46, 30), 0.5)
    cv.shadow(640, 632, 340, 16, 0.5, 12)
    cv.rect(330, 520, 620, 110, Linear((0, 520), (0, 630), shade(OAK, 0.0), shade(OAK, -0.35)))
    cv.rect(324, 506, 632, 16, Linear((0, 506), (0, 522), shade(OAK, 0.3), OAK))
    for xx in (537, 743):
        cv.stroke([(xx, 528), (xx, 622)], 2, shade(OAK, -0.5), 0.8)
    cv.circle(640, 300, 300, (255, 150, 120), 0.18, blur=80)
    place(cv, "lumina-vista-55", 640, 512, 560)
    place(cv, "galet-go", 860, 512, 120)
    place(cv, "sillon-t2", 430, 512, 170)
    cv.stroke([(1070, 250), (1070, 640)], 6, (30, 30, 34))
    cv.fill([(1010, 250), (1130, 250), (1110, 170), (1030, 170)], (250, 226, 190))
    cv.circle(1070, 280, 120, (255, 210, 150), 0.35, blur=50)
    cv.ellipse(1070, 642, 50, 10, (30, 30, 34))
    plant(cv, 1210, 660, 1.3)
    sofa = Linear((0, 600), (0, 720), (96, 106, 126), (62, 68, 84))
    cv.rrect(-60, 600, 520, 200, 50, sofa)
    cv.rrect(-60, 640, 560, 160, 40, shade((96, 106, 126), -0.15))
    cv.rrect(60, 560, 160, 120, 30, (210, 170, 110))
    cv.vignette(0.35, warmth=0.03)
    return cv


def runner(cv: Canvas, x: float, y: float, s: float) -> None:
    """A runner silhouette mid-stride, feet on y."""
    ink = (34, 20, 44)
    with cv.at(x, y, s):
        cv.stroke([(-6, -92), (-28, -52), (-64, -66)], 20, ink)
        cv.stroke([(-64, -66), (-74, -54)], 12, ink)
        cv.stroke([(-8, -92), (26, -58), (46, -18)], 22, ink)
        cv.stroke([(46, -18), (66, -14)], 12, ink)
        cv.stroke([(4, -150), (-22, -126), (-32, -102)], 13, ink)
        cv.stroke([(10, -160), (2, -130), (-6, -96)], 28, ink)
        cv.stroke([(6, -150), (26, -122), (46, -138)], 13, ink)
        cv.circle(14, -180, 15, ink)
        cv.fill(ribbon(bez((4, -188), (-12, -190), (-22, -180), (-30, -172)), 10, 3), ink)


def trail_sunset() -> Canvas:
    """Runner on a mountain ridge at sunset."""
    cv = Canvas(W, H, ss=2)
    cv.rect(0, 0, W, H, Linear((0, 0), (0, 470), (40, 40, 100), (170, 70, 120), (250, 140, 80),
                               (255, 210, 130), stops=[0, 0.45, 0.8, 1]))
    cv.circle(900, 380, 260, (255, 190, 120), 0.45, blur=80)
    cv.circle(900, 372, 56, (255, 236, 190))
    ranges = [((150, 80, 130), 440, 1.0), ((110, 56, 110), 490, 1.0), ((70, 36, 84), 540, 1.0)]
    rng = np.random.default_rng(9)
    for col, base, a in ranges:
        pts = [(0.0, base)]
        xx, up = 0.0, True
        while xx < W:
            xx += rng.uniform(70, 170)
            pts.append((xx, base - (rng.uniform(70, 140) if up else rng.uniform(0, 40))))
            up = not up
        cv.fill([*pts, (W, H), (0, H)], col, a)
    ridge = [(0, 600), *bez((0, 600), (300, 560), (500, 560), (640, 566), 20),
             *bez((640, 566), (800, 572), (1000, 620), (1280, 600), 20), (1280, 720), (0, 720)]
    cv.fill(ridge, (36, 22, 46))
    cv.stroke(bez((0, 640), (300, 600), (500, 572), (660, 570)), 3, (120, 70, 90), 0.5)
    runner(cv, 560, 566, 1.0)
    cv.vignette(0.3, warmth=0.0)
    return cv


def kitchen_morning() -> Canvas:
    """Morning kitchen: tiles, window light, espresso machine, kettle and board."""
    cv = Canvas(W, H, ss=2)
    cv.rect(0, 0, W, 480, (236, 234, 226))
    for r in range(20):
        y = r * 26
        cv.rect(0, y, W, 2, (208, 202, 192))
        for c in range(-1, 26):
            cv.rect((0 if r % 2 else 26) + c * 52, y, 2, 26, (208, 202, 192))
    cv.rect(60, 60, 300, 300, (252, 252, 250))
    cv.rect(72, 72, 276, 276, Linear((0, 72), (0, 348), (170, 210, 240), (250, 236, 210)))
    cv.rect(207, 72, 6, 276, (252, 252, 250))
    cv.fill([(70, 60), (360, 60), (760, 480), (300, 480)], (255, 246, 220), 0.25, blur=30)
    cv.rect(700, 150, 520, 14, Linear((0, 150), (0, 164), shade(OAK, 0.3), OAK))
    for i in range(3):
        cv.circle(750 + i * 40, 118, 30, (214, 218, 222))
        cv.circle(750 + i * 40, 118, 28, (250, 250, 250))
        cv.fill([*ellipse_pts(750 + i * 40, 118, 20, 20), *ellipse_pts(750 + i * 40, 118, 18, 18)],
                (120, 160, 200), 0.8)
    for i, (h, col) in enumerate(((70, (236, 200, 150)), (90, (170, 120, 80)),
                                  (60, (240, 236, 228)))):
        cv.rrect(900 + i * 70, 150 - h, 54, h, 8, col, 0.9)
        cv.rect(900 + i * 70, 150 - h - 8, 54, 10, (120, 90, 60))
    plant(cv, 1160, 150, 0.6, (240, 240, 236))
    cv.rect(0, 470, W, 130, Linear((0, 470), (0, 600), (226, 224, 220), (246, 244, 240)))
    cv.rect(0, 596, W, 12, (200, 198, 194))
    cv.rect(0, 608, W, 112, Linear((0, 608), (0, 720), (130, 156, 134), (104, 126, 108)))
    for xx in range(0, W, 320):
        cv.stroke([(xx, 612), (xx, 720)], 2, (96, 116, 100))
    place(cv, "tazzina-duo", 420, 520, 320)
    place(cv, "brunelle-thermo", 760, 520, 220)
    place(cv, "sabrier-bambou", 1060, 540, 320)
    place(cv, "tazzina-macina", 170, 520, 110)
    cv.circle(640, 300, 500, (255, 240, 210), 0.12, blur=100)
    cv.vignette(0.25, warmth=0.04)
    return cv


BANNERS = {"living-room": living_room, "trail": trail_sunset, "kitchen": kitchen_morning}

