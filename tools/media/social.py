"""Shopper photos: each product placed in two department scenes (480 x 480)."""

from __future__ import annotations

from .common import Canvas
from .products import PRODUCTS, Product, place
from .scenes import SCENES

SIZE = 480


def social_image(product: Product, variant: int) -> Canvas:
    """Render shopper photo `a` (variant 0) or `b` (variant 1) of a product."""
    index = PRODUCTS.index(product)
    cv = Canvas(SIZE, SIZE)
    floor = SCENES[product.department][variant](cv)
    cv.blur_all(1.2)
    shift = 0 if variant == 0 else (40 if index % 2 else -40)
    width = SIZE * product.size[variant]
    place(cv, product.slug, SIZE / 2 + shift, floor + 6, width, product.social_views[variant])
    cv.vignette(0.5, warmth=0.05 + 0.03 * variant)
    cv.tilt((-1.5, 1.0, 2.0, -2.5)[(index + variant) % 4])
    return cv
