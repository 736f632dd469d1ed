"""Sanity check of the demo catalog and its images: ``python -m tools.media.check_catalog``.

Checks the rules the content follows (schema keys, GTIN check digits, cross-sell links,
dates, bilingual texts) and that every referenced image exists, loads and has the expected
size, and that media/products and media/social hold nothing unreferenced.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import cv2
import yaml

from .common import MEDIA, ROOT

CATALOG = ROOT / "config" / "catalog"
PRODUCT_KEYS = {"gtin", "brand", "name", "description", "price", "promo", "availability",
                "specs", "reviews", "social", "cross_sell", "images"}
REQUIRED = PRODUCT_KEYS - {"promo"}
AISLE_LETTER = {"tv-audio": "B", "running": "D", "kitchen": "F"}
SIZES = {"products": (640, 640), "social": (480, 480)}


def ean13_ok(code: str) -> bool:
    """True if code is 13 digits with a valid EAN-13 check digit."""
    if len(code) != 13 or not code.isdigit():
        return False
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(code[:12]))
    return (10 - total % 10) % 10 == int(code[12])


def bilingual(value: Any) -> bool:
    """True if value is a {fr, en} mapping of non-empty texts."""
    return (isinstance(value, dict) and set(value) == {"fr", "en"}
            and all(isinstance(v, str) and v.strip() for v in value.values()))


def check_product(p: dict[str, Any], dept: str, errors: list[str]) -> None:
    """Append the problems of one product to errors."""
    tag = p.get("gtin", "?")

    def err(msg: str) -> None:
        errors.append(f"{dept}/{tag}: {msg}")

    if set(p) - PRODUCT_KEYS:
        err(f"unknown keys {sorted(set(p) - PRODUCT_KEYS)}")
    if REQUIRED - set(p):
        err(f"missing keys {sorted(REQUIRED - set(p))}")
        return
    if not isinstance(p["gtin"], str) or not ean13_ok(p["gtin"]):
        err("GTIN is not a quoted, valid EAN-13")
    for key in ("name", "description"):
        if not bilingual(p[key]):
            err(f"{key} must have exactly fr and en")
    price = p["price"]
    if not isinstance(price, (int, float)) or price <= 0:
        err("bad price")
    promo = p.get("promo")
    if promo is not None:
        if set(promo) != {"price", "until"} or not promo["price"] < price:
            err("promo needs price < price and until")
        elif not dt.date(2026, 12, 1) <= promo["until"] <= dt.date(2027, 2, 28):
            err("promo.until out of range")
    av = p["availability"]
    store = av["in_store"]
    if not (isinstance(store["stock"], int) and store["stock"] >= 0):
        err("in_store.stock must be an int >= 0")
    aisle = store["aisle"]
    if not (isinstance(aisle, str) and aisle[0] == AISLE_LETTER[dept] and aisle[1:].isdigit()):
        err(f"aisle {aisle!r} does not match department letter")
    if not (isinstance(av["online"]["delivery_days"], int) and av["online"]["delivery_days"] >= 0):
        err("online.delivery_days must be an int >= 0")
    if len(av.get("other_stores", [])) > 3:
        err("more than 3 other stores")
    specs = p["specs"]
    if set(specs) != {"fr", "en"}:
        err("specs must have exactly fr and en")
    elif len(specs["fr"]) < 6 or len(specs["fr"]) != len(specs["en"]):
        err(f"specs count fr={len(specs['fr'])} en={len(specs['en'])}")
    if len(p["reviews"]) < 3:
        err("fewer than 3 reviews")
    for r in p["reviews"]:
        if set(r) != {"rating", "author", "date", "locale", "helpful", "text"}:
            err(f"review keys {sorted(r)}")
        elif not (r["rating"] in range(1, 6) and r["locale"] in ("fr", "en")
                  and isinstance(r["helpful"], int) and r["helpful"] >= 0
                  and dt.date(2025, 6, 1) <= r["date"] <= dt.date(2026, 11, 20)):
            err(f"bad review by {r['author']}")
    if len(p["social"]) < 2:
        err("fewer than 2 social posts")
    if len(p["images"]) != 2:
        err("needs exactly 2 images")


def check_image(rel: str, errors: list[str]) -> None:
    """The image must exist, load and have its folder's size."""
    path = MEDIA / rel
    img = cv2.imread(str(path)) if path.is_file() else None
    if img is None:
        errors.append(f"image missing or unreadable: {rel}")
        return
    want = SIZES.get(rel.split("/")[0])
    if want and (img.shape[1], img.shape[0]) != want:
        errors.append(f"{rel} is {img.shape[1]}x{img.shape[0]}, expected {want[0]}x{want[1]}")


def main() -> int:
    """Run every check, print a summary and return the exit code."""
    errors: list[str] = []
    products: list[dict[str, Any]] = []
    files = sorted(CATALOG.glob("*.yaml"))
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        dept = data["department"]["id"]
        if f.stem != dept or not bilingual(data["department"]["name"]):
            errors.append(f"{f.name}: department id/name mismatch")
        if dept == "tv-audio" and data["products"][0]["gtin"] != "3760000000017":
            errors.append("the flagship 3760000000017 must be the first TV & Audio product")
        if len(data["products"]) != 8:
            errors.append(f"{f.name}: {len(data['products'])} products, expected 8")
        for p in data["products"]:
            check_product(p, dept, errors)
            products.append(p)
    gtins = [p["gtin"] for p in products]
    if len(set(gtins)) != len(gtins):
        errors.append("duplicate GTINs")
    referenced: set[str] = set()
    for p in products:
        links = p["cross_sell"]
        if not 2 <= len(links) <= 4 or p["gtin"] in links or not set(links) <= set(gtins):
            errors.append(f"{p['gtin']}: bad cross_sell {links}")
        for rel in [*p["images"], *(s["image"] for s in p["social"])]:
            referenced.add(rel)
            check_image(rel, errors)
    for folder in SIZES:
        for path in sorted((MEDIA / folder).glob("*.png")):
            if f"{folder}/{path.name}" not in referenced:
                errors.append(f"unreferenced image {folder}/{path.name}")
    size = sum(f.stat().st_size for f in MEDIA.rglob("*") if f.is_file())
    print(f"{len(files)} departments, {len(products)} products, {len(referenced)} images, "
          f"media/ = {size / 1e6:.1f} MB")
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
