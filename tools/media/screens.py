"""Pictures shown on the screens of TVs (rendered as textures)."""

from __future__ import annotations

import math

import numpy as np

from .common import Canvas, Linear, Radial, bez, ellipse_pts, ribbon

W, H = 480, 270


def sunset() -> np.ndarray:
    """Mountain lake at sunset."""
    cv = Canvas(W, H)
    cv.rect(0, 0, W, H, Linear((0, 0), (0, H * 0.62), (46, 30, 92), (190, 70, 110),
                               (255, 150, 80), (255, 214, 130), stops=[0, 0.45, 0.8, 1]))
    cv.circle(300, 110, 90, (255, 190, 120), 0.6, blur=40)
    cv.circle(300, 106, 24, (255, 244, 210))
    ranges = [
        ((120, 80, 140), [(0, 150), (60, 112), (110, 130), (170, 86), (230, 128), (300, 104),
                          (360, 122), (420, 90), (480, 118)], 0.9),
        ((74, 44, 98), [(0, 168), (50, 140), (120, 150), (190, 118), (250, 150), (330, 132),
                        (400, 156), (480, 136)], 1.0),
    ]
    for col, ridge, a in ranges:
        cv.fill([*ridge, (W, H * 0.62), (0, H * 0.62)], col, a)
    sea = H * 0.62
    cv.rect(0, sea, W, H - sea, Linear((0, sea), (0, H), (238, 130, 96), (58, 34, 84)))
    for i in range(7):
        y = sea + 6 + i * 9
        cv.rect(300 - 40 + i * 3, y, 80 - i * 6, 2.2, (255, 226, 170), 0.7 - i * 0.08)
    cv.fill([(0, 204), *bez((0, 204), (70, 188), (150, 200), (230, H), 16), (0, H)],
            (40, 24, 52))
    for x, hgt in [(22, 60), (44, 80), (70, 52), (104, 70)]:
        cv.fill([(x, 200 - hgt), (x + 13, 208), (x - 13, 208)], (26, 16, 36))
    return cv.texture()


def lagoon() -> np.ndarray:
    """Tropical beach with a palm tree."""
    cv = Canvas(W, H)
    cv.rect(0, 0, W, H * 0.5, Linear((0, 0), (0, H * 0.5), (40, 132, 220), (150, 214, 246)))
    for cx, cy, s in [(90, 50, 1.0), (330, 36, 0.8), (420, 80, 0.6)]:
        for dx, dy, r in [(-22, 6, 18), (0, -4, 24), (24, 6, 17), (8, 10, 18)]:
            cv.circle(cx + dx * s, cy + dy * s, r * s, (255, 255, 255), 0.95)
    sea0 = H * 0.5
    cv.rect(0, sea0, W, 70, Linear((0, sea0), (0, sea0 + 70), (20, 120, 170), (40, 206, 200)))
    cv.fill([(0, 205), *bez((0, 205), (160, 186), (320, 200), (480, 190)), (480, H), (0, H)],
            Linear((0, 190), (0, H), (246, 226, 180), (226, 196, 140)))
    cv.fill([*bez((0, 206), (160, 188), (320, 202), (480, 191)),
             *bez((480, 197), (320, 208), (160, 196), (0, 212))], (255, 255, 255), 0.7)
    trunk = bez((380, 250), (372, 190), (350, 130), (330, 84))
    cv.stroke(trunk, 10, (120, 86, 52))
    for ang, ln in [(-160, 90), (-120, 80), (-60, 85), (-20, 90), (20, 70), (160, 70)]:
        a = math.radians(ang)
        tip = (330 + math.cos(a) * ln, 84 + math.sin(a) * ln * 0.5 + 30)
        mid = (330 + math.cos(a) * ln * 0.5, 84 + math.sin(a) * ln * 0.4 - 6)
        leaf = bez((330, 84), mid, mid, tip, 16)
        cv.fill(ribbon(leaf, 3, 0, belly=22), Linear((330, 60), (330, 150), (40, 140, 70),
                                                     (18, 90, 48)))
        cv.stroke(leaf, 1.5, (120, 190, 110), 0.8)
    cv.circle(334, 92, 6, (90, 60, 30))
    return cv.texture()


def smart_home() -> np.ndarray:
    """Smart-TV home screen: hero banner and rows of app tiles."""
    cv = Canvas(W, H)
    cv.rect(0, 0, W, H, Linear((0, 0), (W, H), (16, 20, 40), (30, 22, 54)))
    cv.rrect(20, 18, 440, 140, 10, Linear((20, 0), (460, 0), (14, 30, 70), (120, 40, 120)))
    cv.circle(360, 88, 52, Radial((345, 72), 60, (255, 200, 140), (230, 90, 80), (90, 30, 80)))
    cv.fill(ellipse_pts(360, 88, 86, 14), (255, 220, 180), 0.6)
    for i in range(40):
        x, y = (i * 97) % 440 + 20, (i * 53) % 130 + 20
        cv.circle(x, y, 0.9 + (i % 3) * 0.4, (255, 255, 255), 0.8)
    cv.rrect(36, 40, 130, 14, 3, (255, 255, 255))
    cv.rrect(36, 62, 90, 8, 3, (200, 200, 230))
    cv.rrect(36, 124, 64, 20, 10, (255, 255, 255))
    tiles = [(229, 57, 53), (30, 136, 229), (67, 160, 71), (251, 140, 0), (142, 36, 170),
             (0, 172, 193)]
    for i, col in enumerate(tiles):
        x = 20 + i * 75
        cv.rrect(x, 172, 66, 40, 6, Linear((x, 172), (x + 66, 212), col, (20, 20, 40)))
        cv.circle(x + 33, 192, 9, (255, 255, 255), 0.9)
    for i in range(5):
        cv.rrect(20 + i * 90, 222, 82, 36, 6, (46, 52, 80))
    cv.stroke([(17, 169), (89, 169), (89, 215), (17, 215)], 2.5, (255, 255, 255), closed=True)
    return cv.texture()
