"""Stand mixer and blender (Kitchen department)."""

from __future__ import annotations

from .common import Canvas, Color, Linear, Radial, bez, ellipse_pts, ribbon, shade
from .kitchen import chrome

ICE = (150, 196, 222)
BERRY = (214, 70, 110)


def mixer_shape(cv: Canvas) -> None:
    """Tilt-head stand mixer seen from the side, head pointing left."""
    body = Linear((0, 150), (0, 510), shade(ICE, 0.35), ICE, shade(ICE, -0.35),
                  stops=[0, 0.3, 1])
    cv.rrect(140, 470, 360, 36, 16, body)
    column = [*bez((376, 474), (390, 380), (380, 300), (396, 230), 12), (486, 230),
              *bez((486, 230), (496, 330), (494, 420), (494, 474), 12)]
    cv.fill(column, Linear((376, 0), (496, 0), shade(ICE, 0.1), shade(ICE, 0.3), ICE,
                           shade(ICE, -0.3)))
    head = [*bez((140, 230), (140, 180), (170, 150), (230, 148), 10),
            *bez((230, 148), (340, 140), (470, 140), (500, 180), 14),
            *bez((500, 180), (516, 220), (506, 266), (470, 270), 10),
            *bez((470, 270), (340, 276), (230, 280), (176, 280), 14),
            *bez((176, 280), (150, 278), (140, 262), (140, 230), 8)]
    cv.fill(head, body)
    cv.fill([(180, 150), (196, 150), (196, 279), (180, 280)], chrome(180, 196))
    cv.ellipse(160, 214, 12, 30, chrome(148, 172))
    cv.fill(ribbon(bez((230, 164), (300, 152), (400, 152), (470, 162)), 10), (255, 255, 255),
            0.4)
    cv.rrect(420, 196, 50, 12, 6, (230, 232, 236))
    cv.text("BRUNELLE", 330, 214, 16, (255, 255, 255), alpha=0.9)
    cv.rrect(246, 276, 10, 60, 3, chrome(246, 256))
    cv.fill([(196, 330), (320, 330), (316, 346), (200, 346)], (70, 74, 82))
    bowl = [*ellipse_pts(258, 330, 110, 16, 180, 360, 16),
            *bez((368, 330), (366, 420), (330, 468), (258, 470), 12),
            *bez((258, 470), (186, 468), (150, 420), (148, 330), 12)]
    cv.fill(bowl, chrome(148, 368))
    cv.ellipse(258, 330, 110, 16, (90, 94, 102))
    cv.ellipse(258, 331, 104, 13, Linear((0, 318), (0, 344), (40, 42, 48), (150, 154, 162)))
    cv.fill(ribbon(bez((150, 350), (116, 360), (116, 410), (158, 420)), 10), chrome(110, 160))
    cv.rrect(248, 300, 20, 36, 4, chrome(248, 268))


def mixer(cv: Canvas, view: int) -> None:
    """Brunelle Pâtissier 5 L: side packshot; then whisk and cream close-up."""
    if view == 1:
        cv.shadow(320, 508, 200, 14, 0.35, 12)
        mixer_shape(cv)
        return
    cv.rect(0, 0, 640, 640, Linear((0, 0), (0, 640), (236, 240, 244), (206, 214, 222)))
    cv.shadow(320, 600, 260, 24, 0.35, 14)
    bowl = [*ellipse_pts(320, 330, 260, 80, 180, 360, 24),
            *bez((580, 330), (580, 520), (460, 600), (320, 600), 14),
            *bez((320, 600), (180, 600), (60, 520), (60, 330), 14)]
    cv.fill(bowl, chrome(60, 580))
    cv.ellipse(320, 330, 260, 80, (110, 114, 122))
    cv.ellipse(320, 334, 248, 72, Linear((0, 262), (0, 400), (60, 64, 72), (170, 174, 182)))
    cream_col = Linear((0, 250), (0, 400), (255, 255, 252), (232, 226, 210))
    cv.ellipse(320, 346, 244, 66, cream_col)
    for i in range(9):
        x = 110 + i * 52
        r = 40 + 10 * ((i * 7) % 3)
        top = 352 - r * 1.25
        cv.circle(x, top + r, r, cream_col)
        cv.stroke(bez((x - r * 0.6, top + r * 0.5), (x - r * 0.2, top + r * 0.1),
                      (x + r * 0.3, top + r * 0.2), (x + r * 0.5, top + r * 0.5)), 2.5,
                  (214, 206, 188), 0.6)
        cv.fill(ribbon(bez((x - 4, top + 8), (x, top - 4), (x + 8, top - 10), (x + 16, top - 12)),
                       14, 1), cream_col)
    wires = Linear((250, 0), (390, 0), (150, 154, 162), (250, 250, 252), (130, 134, 142))
    for k in (-1.0, -0.55, -0.15, 0.15, 0.55, 1.0):
        cv.stroke(bez((320 - 16 * k, 60), (320 - 110 * k, 150), (320 - 90 * k, 360),
                      (320, 380)), 4, wires)
    front = [*ellipse_pts(320, 330, 260, 80, 180, 0, 24),
             *bez((580, 330), (580, 520), (460, 600), (320, 600), 14),
             *bez((320, 600), (180, 600), (60, 520), (60, 330), 14)]
    cv.fill(front, chrome(60, 580))
    cv.stroke(ellipse_pts(320, 330, 260, 80, 180, 0, 24), 3, (250, 250, 252), 0.9)
    cv.rrect(296, 0, 48, 70, 8, chrome(296, 344))


def blender_shape(cv: Canvas, fill: float, color: Color) -> None:
    """Blender: black base, clear jar filled to `fill` (0-1), base centre at (320, 510)."""
    black = Linear((200, 0), (440, 0), (20, 20, 22), (70, 72, 78), (16, 16, 18))
    cv.fill([(230, 400), (410, 400), (430, 506), (210, 506)], black)
    cv.circle(320, 452, 30, (30, 30, 34))
    cv.circle(320, 452, 26, Radial((312, 444), 30, (240, 242, 246), (130, 134, 142)))
    for i in range(5):
        with cv.at(320, 452, 1.0, 200 + i * 35):
            cv.circle(36, 0, 2.5, (90, 220, 140) if i < 3 else (90, 94, 100))
    cv.rrect(254, 380, 132, 24, 6, (30, 30, 34))
    jar = [(236, 120), (404, 120), (380, 384), (260, 384)]
    if fill > 0:
        top = 384 - 264 * fill
        k = (top - 120) / 264
        cv.fill([(236 + 24 * k, top), (404 - 24 * k, top), (380, 384), (260, 384)],
                Linear((0, top), (0, 384), shade(color, 0.2), color, shade(color, -0.2)), 0.92)
        cv.ellipse(320, top, 82 - 24 * k, 8, shade(color, 0.3), 0.9)
        for i in range(6):
            cv.circle(270 + i * 18, top + 30 + (i % 3) * 40, 5, shade(color, 0.4), 0.6)
    else:
        for a in range(0, 360, 60):
            with cv.at(320, 370, 1.0, a):
                cv.fill([(0, -3), (40, -8), (44, 0), (0, 3)], chrome(0, 44))
        cv.circle(320, 370, 7, (60, 62, 68))
    cv.fill(jar, Linear((236, 0), (404, 0), (200, 214, 226), (250, 252, 255), (190, 204, 220),
                        stops=[0, 0.3, 1]), 0.3)
    cv.stroke([*jar, jar[0]], 3, (180, 196, 210), 0.9)
    cv.fill(ribbon([(404, 150), (460, 160), (470, 300), (392, 330)], 22),
            (200, 214, 226), 0.55)
    cv.stroke([(404, 150), (460, 160), (470, 300), (392, 330)], 2, (170, 186, 200), 0.8)
    for i in range(5):
        y = 360 - i * 46
        cv.rect(250 + i * 4, y, 22, 2, (60, 70, 84), 0.8)
    cv.fill(ribbon([(252, 140), (272, 370)], 8), (255, 255, 255), 0.6)
    cv.rrect(228, 100, 184, 26, 8, (26, 26, 28))
    cv.rrect(296, 84, 48, 20, 6, (40, 40, 44))


def strawberry(cv: Canvas, x: float, y: float, s: float, rot: float) -> None:
    """A strawberry with seeds and leaves."""
    with cv.at(x, y, s, rot):
        cv.fill([*bez((-20, -10), (-24, 20), (-6, 36), (0, 38), 10),
                 *bez((0, 38), (6, 36), (24, 20), (20, -10), 10),
                 *bez((20, -10), (10, -18), (-10, -18), (-20, -10), 8)],
                Radial((-6, -4), 40, (250, 80, 80), (190, 20, 40)))
        for sx, sy in [(-10, 0), (0, 6), (10, 0), (-6, 16), (6, 18), (0, 28), (-12, 10)]:
            cv.ellipse(sx, sy, 1.6, 2.4, (255, 220, 120))
        for a in (-60, -20, 20, 60):
            with cv.at(0, -14, 1.0, a):
                cv.fill(ribbon([(0, 0), (0, -14)], 8, 0), (60, 150, 60))


def blender(cv: Canvas, view: int) -> None:
    """Brunelle Vortex: jar full of smoothie; then empty jar with a glass and fruit."""
    if view == 1:
        cv.shadow(320, 508, 130, 14, 0.35, 12)
        blender_shape(cv, 0.68, BERRY)
        return
    cv.shadow(300, 540, 220, 16, 0.35, 12)
    with cv.at(40, 40, 0.92):
        blender_shape(cv, 0.0, BERRY)
    glass = [(450, 380), (560, 380), (550, 540), (460, 540)]
    cv.fill([(454, 410), (556, 410), (550, 536), (460, 536)], Linear((0, 410), (0, 540),
                                                                      BERRY, shade(BERRY, -0.2)))
    cv.fill(glass, (230, 240, 250), 0.3)
    cv.stroke([*glass, glass[0]], 2.5, (190, 204, 218))
    cv.fill(ribbon([(520, 300), (500, 520)], 9), (255, 255, 255))
    cv.fill(ribbon([(520, 300), (512, 380)], 9), (250, 200, 60), 0.9)
    for x, y, s, r in [(410, 575, 1.3, -30), (600, 575, 1.2, 40), (90, 575, 1.2, 10)]:
        cv.shadow(x, y + 40 * s, 24 * s, 5, 0.3, 4)
        strawberry(cv, x, y, s, r)
    for x, y in [(470, 585), (492, 596), (150, 596), (168, 584)]:
        cv.circle(x, y, 9, Radial((x - 3, y - 3), 12, (90, 100, 170), (40, 40, 90)))
