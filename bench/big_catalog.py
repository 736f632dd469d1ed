"""A hypermarket-sized catalog, to measure what the config size limits allow.

Writes a copy of the demo config whose catalog holds ``--products`` products split over
``--departments`` files, each product as a spreadsheet import writes it (two languages, a
description, four specs, stock and aisle, one photo): what a 100,000-product store sends.

Run from the repository root:
    .venv/bin/python -m bench.big_catalog /tmp/big --products 100000 --departments 40
then ``kiosk validate --config /tmp/big/config``.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from hardware.gtin import check_digit

WORDS = ("fresh organic crunchy smooth family pack classic light intense golden natural "
         "roasted creamy spicy sweet salted whole wheat extra premium original").split()


def gtin(number: int) -> str:
    """An EAN-13 with a valid check digit, unique per ``number``."""
    body = f"20{number:010d}"
    return body + str(check_digit(body))


def _words(seed: int, count: int) -> str:
    return " ".join(WORDS[(seed * 7 + index * 13) % len(WORDS)] for index in range(count))


def product_yaml(number: int, image: str) -> str:
    """One product as ``kiosk import-catalog`` writes it (two locales)."""
    name = _words(number, 4).title()
    text = _words(number + 3, 24)
    return f"""- gtin: '{gtin(number)}'
  brand: Brand {number % 997}
  name:
    fr: {name} {number}
    en: {name} {number}
  description:
    fr: {text.capitalize()}.
    en: {text.capitalize()}.
  price: {1 + number % 200}.{number % 100:02d}
  availability:
    in_store:
      stock: {number % 40}
      aisle: A{number % 60}
    online:
      available: true
  specs:
    fr:
      Poids: {100 + number % 900} g
      Origine: France
      Conservation: 12 mois
      Marque: Brand {number % 997}
    en:
      Weight: {100 + number % 900} g
      Origin: France
      Shelf life: 12 months
      Brand: Brand {number % 997}
  images:
  - {image}
"""


def department_yaml(index: int, first: int, count: int, images: list[str]) -> str:
    """One department file holding products ``first`` .. ``first + count - 1``."""
    head = (f"department:\n  id: dept-{index}\n  name:\n    fr: Rayon {index}\n"
            f"    en: Department {index}\nproducts:\n")
    return head + "".join(product_yaml(number, images[number % len(images)])
                          for number in range(first, first + count))


def write(root: Path, products: int, departments: int) -> dict[str, object]:
    """A config and media copy under ``root`` with the big catalog; returns its sizes."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree("config", root / "config")
    shutil.copytree("media", root / "media")
    images = sorted(f"products/{path.name}" for path in (root / "media" / "products").iterdir())
    catalog = root / "config" / "catalog"
    per_file = -(-products // departments)
    sizes = []
    for index in range(departments):
        first = index * per_file
        count = min(per_file, products - first)
        if count <= 0:
            break
        path = catalog / f"dept-{index:03d}.yaml"
        path.write_text(department_yaml(index, first, count, images), encoding="utf-8")
        sizes.append(path.stat().st_size)
    total = sum(path.stat().st_size for path in (root / "config").rglob("*.yaml"))
    return {"products": products, "files": len(sizes), "largest_mb": round(max(sizes) / 1e6, 2),
            "bytes_per_product": round(sum(sizes) / products), "total_mb": round(total / 1e6, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=40)
    args = parser.parse_args()
    print(json.dumps(write(args.root, args.products, args.departments)))


if __name__ == "__main__":
    main()
