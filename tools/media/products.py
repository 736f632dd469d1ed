"""Registry of the demo products: image slug, department and drawing function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from . import appliances, audio, cookware, kitchen, running, running_gear, shoes, tv
from .common import Canvas

Draw = Callable[[Canvas, int], None]


@dataclass(frozen=True)
class Product:
    """One catalog product as far as images are concerned."""

    slug: str
    department: str
    draw: Draw
    size: tuple[float, float] = (0.62, 0.56)
    """Share of the width of shopper photos a and b that the product takes."""
    social_views: tuple[int, int] = (1, 1)
    """Which product view appears in shopper photos a and b."""


PRODUCTS: list[Product] = [
    Product("lumina-vista-55", "tv-audio", tv.tv55, (0.8, 0.58), (1, 2)),
    Product("lumina-clara-43", "tv-audio", tv.tv43, (0.72, 0.7), (1, 2)),
    Product("aurel-sb500", "tv-audio", audio.soundbar, (0.78, 0.72), (1, 2)),
    Product("halden-anc90", "tv-audio", audio.headphones, (0.5, 0.46), (1, 2)),
    Product("halden-buds-air", "tv-audio", audio.earbuds, (0.4, 0.38)),
    Product("galet-go", "tv-audio", audio.speaker, (0.5, 0.4), (1, 2)),
    Product("sillon-t2", "tv-audio", audio.turntable, (0.66, 0.6)),
    Product("lumina-stream-4k", "tv-audio", tv.stream_box, (0.46, 0.46), (1, 2)),
    Product("trevia-pulse-3", "running", shoes.road_shoe, (0.62, 0.56)),
    Product("trevia-pulse-3-black", "running", shoes.road_shoe_black, (0.62, 0.56)),
    Product("kairn-summit", "running", shoes.trail_shoe, (0.62, 0.56)),
    Product("meridia-pace-2", "running", running.gps_watch, (0.3, 0.27)),
    Product("trevia-windlite", "running", running.jacket, (0.52, 0.48)),
    Product("kairn-flow-8", "running", running.vest, (0.42, 0.4)),
    Product("nocta-450", "running", running_gear.headlamp, (0.46, 0.42)),
    Product("trevia-run-socks", "running", running_gear.socks, (0.5, 0.46)),
    Product("kairn-softflask-500", "running", running_gear.soft_flask, (0.15, 0.5), (1, 2)),
    Product("tazzina-duo", "kitchen", kitchen.espresso, (0.5, 0.46)),
    Product("brunelle-thermo", "kitchen", kitchen.kettle, (0.42, 0.7), (1, 2)),
    Product("sabrier-chef-20", "kitchen", cookware.knife, (0.66, 0.66), (1, 2)),
    Product("ferrat-ardoise-28", "kitchen", cookware.pan, (0.7, 0.6), (1, 2)),
    Product("brunelle-patissier", "kitchen", appliances.mixer, (0.5, 0.46)),
    Product("brunelle-vortex", "kitchen", appliances.blender, (0.34, 0.72), (1, 2)),
    Product("tazzina-macina", "kitchen", kitchen.grinder, (0.22, 0.2)),
    Product("sabrier-bambou", "kitchen", cookware.board, (0.62, 0.6), (1, 2)),
]

BY_SLUG = {p.slug: p for p in PRODUCTS}


@cache
def footprint(slug: str, view: int) -> tuple[float, float, float]:
    """(centre x, floor y, width) of a view, measured on a quick low-res render."""
    key = (255, 0, 255)
    cv = Canvas(640, 640, key, ss=1)
    BY_SLUG[slug].draw(cv, view)
    diff = np.abs(cv.img - np.array(key, np.float32)).max(axis=2)
    ys, xs = np.nonzero(diff > 120)
    x0, x1 = float(xs.min()), float(xs.max())
    return (x0 + x1) / 2, float(ys.max()), x1 - x0


def place(cv: Canvas, slug: str, x: float, floor: float, width: float,
          view: int = 1) -> None:
    """Draw a product so that its footprint is centred on x, standing on floor, width wide."""
    cx, fy, w = footprint(slug, view)
    s = width / w
    with cv.at(x - cx * s, floor - fy * s, s):
        BY_SLUG[slug].draw(cv, view)
