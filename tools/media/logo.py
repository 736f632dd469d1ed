"""The Maison Rivoli store mark: a round monogram badge on a transparent background."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pygame

from .common import Canvas, Linear, band_pts, ellipse_pts

SIZE = 512
BURGUNDY = (118, 26, 46)
GOLD = (214, 178, 112)
CREAM = (250, 242, 226)


def draw_logo(cv: Canvas) -> None:
    """Burgundy disc, gold ring, drawn "MR" monogram and the store name."""
    c = SIZE / 2
    cv.circle(c, c, 250, Linear((0, 0), (SIZE, SIZE), (146, 36, 60), BURGUNDY, (84, 16, 32)))
    cv.fill([*ellipse_pts(c, c, 232, 232), *ellipse_pts(c, c, 226, 226)], GOLD)
    m = [(120, 320), (120, 170), (150, 170), (196, 250), (242, 170), (272, 170), (272, 320),
         (244, 320), (244, 222), (204, 290), (188, 290), (148, 222), (148, 320)]
    cv.fill(m, CREAM)
    bowl = band_pts(330, 210, 22, 50, -90, 90)
    cv.fill([(290, 160), (318, 160), (318, 320), (290, 320)], CREAM)
    cv.fill([*bowl, (318, 260), (318, 160)], CREAM)
    cv.fill([(318, 160), (330, 160), (330, 188), (318, 188)], CREAM)
    cv.fill([(318, 232), (330, 232), (330, 260), (318, 260)], CREAM)
    cv.fill([(330, 252), (362, 252), (398, 320), (366, 320)], CREAM)
    cv.rect(150, 348, 212, 3, GOLD)
    cv.text("MAISON RIVOLI", c, 384, 30, CREAM)
    cv.text("PARIS · DEPUIS 1928", c, 420, 14, GOLD, "SemiBold")


def save_logo(path: Path) -> None:
    """Render on black and on white, recover alpha, and write an RGBA PNG."""
    layers = []
    for bg in ((0, 0, 0), (255, 255, 255)):
        cv = Canvas(SIZE, SIZE, bg)
        draw_logo(cv)
        surf = cv.to_surface()
        layers.append(pygame.surfarray.array3d(surf).transpose(1, 0, 2).astype(np.float32))
    on_black, on_white = layers
    alpha = 1.0 - (on_white - on_black).mean(axis=2) / 255.0
    alpha = np.clip(alpha, 0.0, 1.0)
    rgb = np.where(alpha[..., None] > 0.004, on_black / np.maximum(alpha[..., None], 1e-3), 0)
    rgba = np.dstack([np.clip(rgb, 0, 255), alpha * 255]).round().astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    bgra = cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA)
    if not cv2.imwrite(str(path), bgra, [cv2.IMWRITE_PNG_COMPRESSION, 9]):
        raise OSError(f"could not write {path}")
