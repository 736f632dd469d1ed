"""Synthetic scenes for the decoder benchmark: a table-top (plain or cluttered), a code laid on
it at any angle, the camera's blur and noise, and random valid contents per format."""

from __future__ import annotations

import cv2
import numpy as np

from hardware.gs1 import expand_upce
from hardware.gtin import check_digit, to_gtin14


def rotate_bound(image: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """``image`` turned ``angle`` degrees counter-clockwise on a grown canvas, and its mask."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    turned = cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)
    mask = cv2.warpAffine(np.full_like(image, 255), m, (nw, nh), flags=cv2.INTER_NEAREST)
    return turned, mask


def background(size: tuple[int, int], rng: np.random.Generator, clutter: bool) -> np.ndarray:
    """A smooth table-top; with ``clutter``, shapes, stripes and text-like marks on it."""
    h, w = size
    base = rng.integers(110, 190, (h // 16 + 1, w // 16 + 1)).astype(np.uint8)
    image = cv2.resize(base, (w, h), interpolation=cv2.INTER_CUBIC)
    if clutter:
        for _ in range(60):
            x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
            shade = int(rng.integers(0, 255))
            kind = rng.integers(0, 4)
            if kind == 0:
                cv2.rectangle(image, (x, y), (x + int(rng.integers(20, 300)),
                                              y + int(rng.integers(20, 200))), shade, -1)
            elif kind == 1:
                cv2.circle(image, (x, y), int(rng.integers(10, 120)), shade, -1)
            elif kind == 2:
                for i in range(int(rng.integers(3, 12))):
                    cv2.line(image, (x + 8 * i, y), (x + 8 * i, y + 60), shade, 3)
            else:
                words = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(5, 20))))
                cv2.putText(image, words, (x, y), cv2.FONT_HERSHEY_SIMPLEX,
                            float(rng.uniform(0.5, 2.0)), shade, int(rng.integers(1, 4)))
    return image


def place(frame: np.ndarray, code: np.ndarray, angle: float, center: tuple[int, int]) -> None:
    """Lay ``code`` on ``frame`` at ``center``, turned ``angle`` degrees counter-clockwise."""
    turned, mask = rotate_bound(code, angle)
    h, w = turned.shape
    x, y = int(center[0] - w / 2), int(center[1] - h / 2)
    region = frame[y:y + h, x:x + w]
    region[mask > 0] = turned[mask > 0]


def camera(frame: np.ndarray, rng: np.random.Generator, blur: float = 0.6,
           noise: float = 4.0) -> np.ndarray:
    """Light optical blur and sensor noise."""
    soft = cv2.GaussianBlur(frame.astype(np.float32), (0, 0), blur)
    return np.clip(soft + rng.normal(0, noise, soft.shape), 0, 255).astype(np.uint8)


def random_content(fmt: str, rng: np.random.Generator) -> str:
    """A valid random value for ``fmt``, as the writer takes it."""
    digits = "".join(str(int(d)) for d in rng.integers(0, 10, 12))
    if fmt == "ean13":
        body = str(int(rng.integers(1, 10))) + digits[:11]
    elif fmt in ("ean8", "upca"):
        body = digits[:7] if fmt == "ean8" else digits[:11]
    elif fmt == "upce":   # last digit 5-9 after a non-zero: every suppression rule accepts it
        body = digits[:4] + str(int(rng.integers(1, 10))) + str(int(rng.integers(5, 10)))
        return "0" + body + (expand_upce(body) or "")[-1]
    elif fmt == "code128":
        return "SKU-" + digits[:8]
    else:
        return "https://id.gs1.org/01/" + to_gtin14("3760000000017")
    return body + str(check_digit(body))
