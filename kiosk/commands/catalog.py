"""``kiosk catalog``: the products, one per line (or as JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from kiosk.commands.common import EXIT_FAILED, EXIT_OK, Subparsers
from kiosk.config import KioskConfig

if TYPE_CHECKING:
    from kiosk.catalog.catalog import Catalog


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("catalog", parents=[common], help="list the products")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--gtin", help="only this product (any form of its GTIN), in full")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """Print every product of the catalog, each line as soon as it is made; with ``--gtin``,
    that one product with all its content (exit 1 when the catalog does not have it)."""
    from kiosk.catalog.catalog import Catalog

    catalog = Catalog.from_config(config)
    locale = config.store.default_locale
    if args.gtin is not None:
        product = catalog.get(args.gtin) if args.gtin.isdigit() else None
        if product is None:
            print(f"kiosk catalog: no product {args.gtin!r} in the catalog", file=sys.stderr)
            return EXIT_FAILED
        record = {**product.model_dump(mode="json"), "gtin14": product.gtin14,
                  "department": _department_id(catalog, product.gtin14),
                  "currency": config.store.store.currency}
        print(json.dumps(record, ensure_ascii=False) if args.json
              else json.dumps(record, ensure_ascii=False, indent=2))
        return EXIT_OK
    for gtin, product in catalog.items():
        department = _department_id(catalog, gtin)
        if args.json:
            line = json.dumps({
                "gtin": product.gtin, "gtin14": gtin, "name": product.name[locale],
                "names": product.name, "brand": product.brand, "department": department,
                "price": float(product.price), "currency": config.store.store.currency,
                "promo": None if product.promo is None else {
                    "price": float(product.promo.price),
                    "until": product.promo.until.isoformat()},
                "in_store_stock": product.availability.in_store.stock,
                "family": product.family, "options": product.options.get(locale, {}),
            }, ensure_ascii=False)
        else:
            line = (f"{product.gtin:>14}  {department:<10}  {product.price:>9}  "
                    f"{product.brand} — {product.name[locale]}")
        print(line, flush=True)
    return EXIT_OK


def _department_id(catalog: Catalog, gtin14: str) -> str:
    department = catalog.department_of(gtin14)
    return department.id if department is not None else ""
