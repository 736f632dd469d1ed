"""Regenerate every demo image and video: ``python -m tools.media [--only SLUG ... | --videos]``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .attract import BANNERS, VIDEOS, write_video
from .common import MEDIA, Canvas, studio
from .logo import save_logo
from .products import PRODUCTS, Product
from .social import social_image

BACKDROPS = {
    "tv-audio": ((245, 246, 250), (218, 221, 229)),
    "running": ((246, 248, 246), (219, 225, 221)),
    "kitchen": ((250, 248, 244), (228, 222, 213)),
}


def product_paths(p: Product) -> list[Path]:
    """Packshot files of a product (views 1 and 2)."""
    return [MEDIA / "products" / f"{p.slug}-{v}.png" for v in (1, 2)]


def social_paths(p: Product) -> list[Path]:
    """Shopper photo files of a product (a and b)."""
    return [MEDIA / "social" / f"{p.slug}-{k}.png" for k in "ab"]


def render_product(p: Product) -> None:
    """Write the two packshots and two shopper photos of one product."""
    for view, path in enumerate(product_paths(p), start=1):
        cv = Canvas(640, 640)
        studio(cv, *BACKDROPS[p.department])
        p.draw(cv, view)
        cv.save(path)
    for variant, path in enumerate(social_paths(p)):
        social_image(p, variant).save(path)


def banner_path(name: str) -> Path:
    """File of an attract banner."""
    return MEDIA / "attract" / f"{name}.png"


def video_path(name: str) -> Path:
    """File of an attract video."""
    return MEDIA / "attract" / f"{name}.mp4"


def render_videos() -> None:
    """Write the attract videos."""
    for name, scene in VIDEOS.items():
        write_video(scene(), video_path(name))
        print(f"attract video {name}")


def remove_stale() -> None:
    """Delete generated PNGs and videos that nothing produces any more."""
    wanted = {path for p in PRODUCTS for path in product_paths(p) + social_paths(p)}
    wanted |= {banner_path(name) for name in BANNERS}
    wanted |= {video_path(name) for name in VIDEOS}
    for folder in ("products", "social", "attract"):
        found = [*(MEDIA / folder).glob("*.png"), *(MEDIA / folder).glob("*.mp4")]
        for path in sorted(found):
            if path not in wanted:
                print(f"removing stale {path.relative_to(MEDIA)}")
                path.unlink()


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", metavar="SLUG",
                        help="render only these products (skips banners, logo and cleanup)")
    parser.add_argument("--videos", action="store_true",
                        help="render only the attract videos")
    args = parser.parse_args()
    start = time.time()
    if args.videos:
        render_videos()
        print(f"done in {time.time() - start:.0f} s")
        return
    chosen = [p for p in PRODUCTS if not args.only or p.slug in args.only]
    if args.only and len(chosen) != len(args.only):
        known = ", ".join(p.slug for p in PRODUCTS)
        parser.error(f"unknown slug in {args.only}; known: {known}")
    for p in chosen:
        render_product(p)
        print(f"product {p.slug}")
    if not args.only:
        for name, banner in BANNERS.items():
            banner().save(banner_path(name))
            print(f"attract {name}")
        render_videos()
        save_logo(MEDIA / "brand" / "logo.png")
        print("brand logo")
        remove_stale()
    print(f"done in {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
