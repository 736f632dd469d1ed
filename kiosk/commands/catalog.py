"""``kiosk catalog``: the products, one per line (or as JSON)."""

from __future__ import annotations

import argparse
import json

from kiosk.commands.common import EXIT_OK, Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("catalog", parents=[common], help="list the products")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """Print every product of the catalog."""
    from kiosk.catalog.catalog import Catalog

    catalog = Catalog.from_config(config)
    locale = config.store.default_locale
    for gtin, product in catalog.products.items():
        department = catalog.department_of[gtin]
        if args.json:
            print(json.dumps({
                "gtin": product.gtin, "gtin14": gtin, "name": product.name[locale],
                "names": product.name, "brand": product.brand, "department": department.id,
                "price": float(product.price), "currency": config.store.store.currency,
                "promo": None if product.promo is None else {
                    "price": float(product.promo.price),
                    "until": product.promo.until.isoformat()},
                "in_store_stock": product.availability.in_store.stock,
            }, ensure_ascii=False))
        else:
            print(f"{product.gtin:>14}  {department.id:<10}  {product.price:>9}  "
                  f"{product.brand} — {product.name[locale]}")
    return EXIT_OK
