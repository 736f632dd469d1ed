"""Espresso machine, kettle and coffee grinder (Kitchen department)."""

from __future__ import annotations

import numpy as np

from .common import (
    Canvas,
    Color,
    Linear,
    Radial,
    bez,
    ellipse_pts,
    ribbon,
    shade,
)

RED = (196, 36, 42)
CHROME = ((120, 124, 132), (246, 247, 250), (150, 154, 162), (90, 94, 102))


def chrome(x0: float, x1: float) -> Linear:
    """Horizontal polished-steel gradient between x0 and x1."""
    return Linear((x0, 0), (x1, 0), *CHROME, stops=[0, 0.35, 0.7, 1])


def cup(cv: Canvas, cx: float, base: float, w: float, color: Color = (250, 250, 250),
        fill: Color | None = (120, 70, 40)) -> None:
    """A small espresso cup with handle, bottom centre at (cx, base)."""
    h = w * 0.8
    cv.fill(ribbon(bez((cx + w * 0.42, base - h * 0.8), (cx + w * 0.85, base - h * 0.85),
                       (cx + w * 0.8, base - h * 0.25), (cx + w * 0.36, base - h * 0.3)),
                   w * 0.1), shade(color, -0.1))
    cv.fill([*ellipse_pts(cx, base - h, w / 2, w * 0.12, 180, 360, 16),
             *bez((cx + w / 2, base - h), (cx + w / 2, base - h * 0.3), (cx + w * 0.3, base),
                  (cx, base), 10),
             *bez((cx, base), (cx - w * 0.3, base), (cx - w / 2, base - h * 0.3),
                  (cx - w / 2, base - h), 10)],
            Linear((cx - w / 2, 0), (cx + w / 2, 0), shade(color, -0.15), color,
                   shade(color, -0.25)))
    cv.ellipse(cx, base - h, w / 2, w * 0.12, shade(color, -0.08))
    if fill:
        cv.ellipse(cx, base - h + 1, w * 0.44, w * 0.09, Radial((cx, base - h), w * 0.44,
                                                                 (214, 160, 100), fill))


def espresso(cv: Canvas, view: int) -> None:
    """Tazzina Duo: front packshot; then a pouring close-up."""
    if view == 2:
        cv.rect(0, 0, 640, 640, Linear((0, 0), (0, 640), (240, 236, 230), (214, 206, 196)))
        cv.rrect(-20, -40, 680, 170, 30, Linear((0, 0), (0, 130), RED, shade(RED, -0.4)))
        cv.rrect(170, 110, 300, 60, 12, chrome(170, 470))
        cv.fill([(190, 170), (450, 170), (430, 230), (210, 230)], chrome(190, 450))
        cv.fill(ribbon([(450, 200), (520, 230), (640, 280)], 44, 52), (26, 26, 28))
        cv.fill([(290, 230), (350, 230), (340, 262), (300, 262)], chrome(290, 350))
        for x in (306, 334):
            cv.fill(ribbon([(x, 262), (x - 2, 360), (x - 4, 470)], 7, 5), (92, 50, 24))
        cv.ellipse(320, 560, 190, 40, (244, 244, 246))
        cv.ellipse(320, 552, 150, 26, (226, 226, 230))
        cup(cv, 320, 550, 220)
        return
    cv.shadow(320, 500, 220, 16, 0.35, 12)
    body = Linear((150, 0), (490, 0), shade(RED, -0.35), RED, shade(RED, 0.25), RED,
                  shade(RED, -0.45), stops=[0, 0.15, 0.35, 0.7, 1])
    cv.rrect(150, 130, 340, 360, 26, body)
    cv.rrect(160, 118, 320, 18, 6, chrome(160, 480))
    for x in (230, 300):
        cup(cv, x, 118, 50, fill=None)
    cv.rrect(150, 270, 340, 170, 12, Linear((0, 270), (0, 440), shade(RED, -0.55),
                                             shade(RED, -0.3)))
    cv.rrect(166, 432, 308, 50, 10, chrome(166, 474))
    for i in range(6):
        cv.rect(180, 442 + i * 6, 280, 2.5, (80, 84, 92))
    cv.circle(250, 200, 42, chrome(208, 292))
    cv.circle(250, 200, 34, (250, 248, 242))
    for i in range(9):
        with cv.at(250, 200, 1.0, 150 + i * 30):
            cv.rect(24, -1, 7, 2, (60, 60, 66))
    with cv.at(250, 200, 1.0, -40):
        cv.fill([(-3, 0), (3, 0), (0, -26)], (200, 30, 30))
    cv.circle(250, 200, 4, (40, 40, 44))
    for i, col in enumerate(((240, 240, 240), (240, 240, 240), (80, 220, 120))):
        cv.circle(340 + i * 40, 200, 14, chrome(326 + i * 40, 354 + i * 40))
        cv.circle(340 + i * 40, 200, 8, col)
    cv.rrect(250, 272, 140, 30, 8, chrome(250, 390))
    cv.fill([(270, 302), (370, 302), (362, 330), (278, 330)], chrome(270, 370))
    cv.fill(ribbon([(290, 318), (200, 350), (120, 380)], 26, 30), (26, 26, 28))
    cv.ellipse(120, 380, 15, 15, (40, 40, 44))
    cv.fill([(310, 330), (330, 330), (326, 344), (314, 344)], (120, 124, 132))
    cup(cv, 320, 432, 70)
    cv.fill(ribbon(bez((470, 250), (500, 260), (510, 320), (506, 400)), 9), chrome(496, 514))
    cv.circle(470, 250, 12, (30, 30, 32))
    cv.text("TAZZINA", 320, 248, 18, (255, 232, 226))
    cv.fill(ribbon(bez((162, 150), (164, 200), (166, 240), (168, 262)), 8), (255, 255, 255), 0.35)
    for x in (172, 468):
        cv.rrect(x - 14, 488, 28, 10, 3, (30, 30, 32))


SAGE = (134, 164, 136)


def power_base(cv: Canvas) -> None:
    """The kettle's power base, centred at (320, 500)."""
    cv.ellipse(320, 500, 150, 22, (30, 30, 34))
    cv.rrect(176, 476, 288, 22, 10, Linear((0, 476), (0, 498), (60, 62, 68), (24, 24, 26)))


def kettle_shape(cv: Canvas) -> None:
    """Sage electric kettle facing left, base centre at (320, 480)."""
    body = Linear((170, 0), (450, 0), shade(SAGE, -0.3), shade(SAGE, 0.2), SAGE,
                  shade(SAGE, -0.4), stops=[0, 0.3, 0.6, 1])
    spout = [*bez((200, 330), (170, 300), (150, 250), (118, 216), 10), (132, 206),
             *bez((132, 206), (170, 236), (210, 270), (226, 280), 10)]
    cv.fill(spout, Linear((118, 0), (230, 0), shade(SAGE, 0.1), shade(SAGE, -0.3)))
    shape = [*bez((186, 478), (176, 380), (214, 260), (240, 190), 14), (400, 190),
             *bez((400, 190), (426, 260), (464, 380), (454, 478), 14)]
    cv.fill(shape, body)
    cv.fill([(184, 440), (456, 440), (458, 480), (182, 480)], chrome(182, 458))
    cv.fill(ribbon(bez((410, 210), (520, 190), (540, 330), (456, 420)), 34, 30),
            Linear((400, 0), (540, 0), (150, 100, 60), (196, 142, 92), (120, 76, 44)))
    cv.fill(ribbon(bez((410, 210), (520, 190), (540, 330), (456, 420)), 8), (255, 230, 200),
            0.2)
    cv.ellipse(320, 190, 82, 14, shade(SAGE, -0.25))
    cv.fill([*ellipse_pts(320, 188, 74, 12, 180, 360, 20), (394, 188), (246, 188)],
            Linear((0, 170), (0, 190), shade(SAGE, 0.15), SAGE))
    cv.rrect(300, 160, 40, 20, 8, (150, 100, 60))
    cv.rrect(390, 300, 22, 120, 10, (40, 44, 50), 0.85)
    cv.rrect(394, 350, 14, 66, 7, (120, 190, 240))
    for i in range(4):
        cv.rect(393, 316 + i * 24, 8, 2, (230, 230, 236))
    cv.fill(ribbon(bez((222, 430), (212, 360), (236, 270), (256, 210)), 12, 6),
            (255, 255, 255), 0.25)
    cv.text("BRUNELLE", 300, 460, 12, (70, 74, 80))
    cv.circle(470, 424, 5, (255, 150, 40))


def kettle(cv: Canvas, view: int) -> None:
    """Brunelle Thermo 1.7 L: packshot; then pouring into a mug."""
    if view == 1:
        cv.shadow(320, 504, 180, 16, 0.35, 12)
        power_base(cv)
        kettle_shape(cv)
        return
    cv.shadow(480, 560, 110, 12, 0.35, 10)
    with cv.at(160, 60, 1.0):
        power_base(cv)
    cv.shadow(170, 572, 80, 8, 0.35, 6)
    cv.fill(ribbon(bez((236, 490), (282, 490), (282, 550), (234, 550)), 12), (232, 232, 236))
    mug = [(100, 470), (242, 470), (234, 570), (108, 570)]
    cv.fill(mug, Linear((100, 0), (242, 0), (210, 210, 216), (252, 252, 252), (200, 200, 206)))
    cv.ellipse(171, 470, 71, 12, (150, 100, 60))
    cv.fill(ribbon(bez((180, 236), (168, 300), (166, 400), (168, 472)), 8, 14),
            Linear((0, 236), (0, 472), (170, 210, 240), (110, 170, 230)), 0.85)
    for i in range(3):
        cv.stroke(bez((110 + i * 40, 450), (90 + i * 40, 420), (130 + i * 40, 400),
                      (110 + i * 40, 360)), 6, (255, 255, 255), 0.5, blur=3)
    with cv.at(186, 230, 0.82, -32), cv.at(-118, -216):
        kettle_shape(cv)


def bean(cv: Canvas, x: float, y: float, s: float, rot: float) -> None:
    """A roasted coffee bean."""
    with cv.at(x, y, s, rot):
        cv.ellipse(0, 0, 10, 7, Radial((-3, -3), 12, (150, 90, 50), (70, 38, 20)))
        cv.stroke(bez((-8, 0), (-3, -2), (3, 2), (8, 0), 8), 1.4, (40, 20, 10))


def grinder(cv: Canvas, view: int) -> None:
    """Tazzina Macina: front packshot with hopper; then grounds close-up."""
    matte = (40, 42, 46)
    copper = (198, 124, 78)
    if view == 2:
        cv.rect(0, 0, 640, 640, Linear((0, 0), (0, 640), (238, 232, 224), (206, 196, 184)))
        cv.shadow(330, 470, 210, 26, 0.4, 12)
        cv.fill([*ellipse_pts(330, 330, 200, 56, 180, 360), *bez((530, 330), (530, 440),
                (460, 470), (330, 470)), *bez((330, 470), (200, 470), (130, 440), (130, 330))],
                Linear((130, 0), (530, 0), (200, 206, 214), (250, 252, 255), (180, 186, 196)),
                0.75)
        cv.fill(ellipse_pts(330, 340, 186, 48), Radial((300, 320), 200, (130, 84, 52),
                                                        (76, 46, 26)))
        rng = np.random.default_rng(7)
        for i in range(220):
            x, y = rng.uniform(-1, 1) * 170 + 330, rng.uniform(-1, 1) * 40 + 340
            if ((x - 330) / 176) ** 2 + ((y - 340) / 44) ** 2 < 1:
                cv.circle(x, y, 1.4, (170, 120, 76) if i % 2 else (56, 32, 16), 0.8)
        for i, (x, y, r) in enumerate([(110, 520, 20), (190, 560, -30), (520, 540, 60),
                                       (580, 500, 10), (460, 590, -50), (90, 600, 80),
                                       (300, 580, 35), (560, 600, -15)]):
            bean(cv, x, y, 2.2 + (i % 2) * 0.3, r)
        return
    cv.shadow(320, 500, 140, 14, 0.35, 10)
    hopper = [(246, 110), (394, 110), (370, 250), (270, 250)]
    cv.fill(hopper, Linear((246, 0), (394, 0), (200, 206, 214), (246, 248, 252),
                           (180, 186, 196)), 0.55)
    for i in range(60):
        bx = 262 + (i * 37) % 112
        by = 160 + (i * 23) % 86
        if 268 + (by - 110) * 0.05 < bx < 370 - (by - 110) * 0.15:
            bean(cv, bx, by, 1.0, i * 47)
    cv.rrect(238, 96, 164, 22, 8, (30, 30, 32))
    cv.fill(ribbon([(258, 124), (276, 240)], 6), (255, 255, 255), 0.5)
    body = Linear((240, 0), (400, 0), shade(matte, 0.3), matte, shade(matte, -0.4))
    cv.rrect(256, 244, 128, 28, 6, Linear((256, 0), (384, 0), *[shade(copper, k) for k in
                                                                 (-0.3, 0.3, -0.3)]))
    for i in range(9):
        cv.rect(264 + i * 14, 250, 1.5, 10, (70, 40, 20))
    cv.fill([(250, 272), (390, 272), (404, 490), (236, 490)], body)
    cv.rrect(268, 380, 104, 96, 10, (24, 24, 26))
    cv.rrect(274, 410, 92, 60, 8, Linear((0, 410), (0, 470), (150, 110, 80), (90, 56, 32)), 0.9)
    cv.rrect(274, 386, 92, 84, 8, (220, 226, 236), 0.25)
    cv.circle(320, 318, 16, chrome(304, 336))
    cv.circle(320, 318, 9, (30, 30, 32))
    cv.text("TAZZINA", 320, 356, 11, (200, 200, 206), "SemiBold")
