"""Store-mood media for the attract loop, no text: wide banners (1280 x 720) and a short
looping video (960 x 540, 24 fps)."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pygame

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



def showroom() -> Canvas:
    """The store's showroom wall: oak shelves of products from every department, warm spots."""
    cv = Canvas(1920, 1080, ss=2)
    cv.rect(0, 0, 1920, 900, Linear((0, 0), (0, 900), (226, 214, 196), (196, 180, 160)))
    for x in (420, 960, 1500):
        cv.fill([(x - 60, 0), (x + 60, 0), (x + 300, 900), (x - 300, 900)], (255, 236, 200),
                0.22, blur=40)
        cv.circle(x, 0, 70, (255, 246, 226), 0.8, blur=14)
    cv.rect(0, 900, 1920, 180, Linear((0, 900), (0, 1080), (150, 106, 70), (104, 70, 44)))
    for i in range(-14, 16):
        cv.stroke([(960 + i * 70, 900), (960 + i * 200, 1080)], 2, (84, 56, 36), 0.45)
    for y in (430, 720):
        cv.shadow(960, y + 22, 860, 10, 0.35, 10)
        cv.rect(110, y, 1700, 22, Linear((0, y), (0, y + 22), shade(OAK, 0.3), shade(OAK, -0.3)))
    for slug, x, width in (("halden-anc90", 250, 190), ("galet-go", 500, 200),
                           ("sillon-t2", 820, 300), ("lumina-stream-4k", 1090, 150),
                           ("brunelle-thermo", 1300, 140), ("tazzina-duo", 1580, 230)):
        place(cv, slug, x, 430, width)
    for slug, x, width in (("trevia-pulse-3", 290, 250), ("kairn-summit", 580, 250),
                           ("meridia-pace-2", 820, 100), ("nocta-450", 1000, 150),
                           ("brunelle-vortex", 1220, 120), ("brunelle-patissier", 1480, 230),
                           ("halden-buds-air", 1720, 110)):
        place(cv, slug, x, 720, width)
    cv.shadow(960, 1000, 330, 18, 0.45, 14)
    cv.rrect(660, 880, 600, 120, 14, Linear((0, 880), (0, 1000), (244, 240, 232),
                                            (214, 208, 198)))
    place(cv, "aurel-sb500", 800, 884, 240)
    place(cv, "ferrat-ardoise-28", 1110, 884, 230)
    plant(cv, 70, 1010, 1.5)
    plant(cv, 1850, 1010, 1.5, (240, 236, 228))
    cv.vignette(0.3, warmth=0.03)
    return cv


def write_video(cv: Canvas, path: Path, seconds: float = 7.0, fps: int = 24,
                size: tuple[int, int] = (960, 540)) -> None:
    """A slow push-in and pan over ``cv`` that returns to its start, so the clip loops seamlessly.

    MPEG-4 Part 2 (``mp4v``) in MP4: OpenCV's bundled FFmpeg both writes and reads it.
    """
    rgb = pygame.surfarray.array3d(cv.to_surface()).transpose(1, 0, 2)
    source = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
    height, width = source.shape[:2]
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    if not writer.isOpened():
        raise OSError(f"could not write {path}")
    try:
        frames = round(seconds * fps)
        for index in range(frames):
            swing = (1 - math.cos(2 * math.pi * index / frames)) / 2
            zoom = 1.08 + 0.14 * swing
            cx = width * (0.5 + 0.05 * math.sin(2 * math.pi * index / frames))
            cy = height * (0.5 - 0.03 * swing)
            matrix = np.float32([[zoom, 0, width / 2 - zoom * cx],
                                 [0, zoom, height / 2 - zoom * cy]])
            moved = cv2.warpAffine(source, matrix, (width, height), flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REFLECT)
            writer.write(cv2.resize(moved, size, interpolation=cv2.INTER_AREA))
    finally:
        writer.release()


VIDEOS = {"showroom": showroom}
