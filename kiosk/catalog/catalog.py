"""The product catalog the kiosk looks products up in, by GTIN-14."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import TypeVar

from hardware.gtin import normalise_code
from kiosk.config import KioskConfig
from kiosk.config.catalog import Department, Product
from kiosk.config.loader import gc_paused

T = TypeVar("T")


@dataclass(frozen=True)
class Catalog:
    """Products by GTIN-14, with their department; immutable so it can be swapped whole."""

    products: dict[str, Product]
    departments: tuple[Department, ...]
    department_of: dict[str, Department]

    @classmethod
    def from_config(cls, config: KioskConfig) -> Catalog:
        """Index the validated catalog files, with every text in every store locale."""
        locales, default = config.store.locales, config.store.default_locale
        products: dict[str, Product] = {}
        department_of: dict[str, Department] = {}
        departments: list[Department] = []
        for loaded in config.catalog_files:
            department = loaded.content.department
            department = department.model_copy(
                update={"name": _filled(department.name, locales, default)})
            departments.append(department)
            for product in loaded.content.products:
                products[product.gtin14] = product.model_copy(update={
                    field: _filled(getattr(product, field), locales, default)
                    for field in ("name", "description", "specs")})
                department_of[product.gtin14] = department
        return cls(products, tuple(departments), department_of)

    @classmethod
    def indexed_aside(cls, config: KioskConfig) -> Catalog:
        """``from_config`` for a thread beside the frame loop: the cyclic collector paused
        while the index is built, and its objects then kept out of the collector's reach, so
        no full collection of 100,000 products pauses the frames."""
        with gc_paused():
            catalog = cls.from_config(config)
        gc.freeze()
        return catalog

    def get(self, code: str) -> Product | None:
        """The product for a GTIN in any of its forms (UPC-A finds the EAN-13), or None."""
        return self.products.get(normalise_code(code))

    def __len__(self) -> int:
        return len(self.products)

    def in_department(self, department_id: str) -> list[Product]:
        """Products of one department, in file order."""
        return [product for gtin, product in self.products.items()
                if self.department_of[gtin].id == department_id]


def _filled(texts: dict[str, T], locales: tuple[str, ...], default: str) -> dict[str, T]:
    """A translation for every locale: the default language's where staff wrote none."""
    return {locale: texts.get(locale, texts[default]) for locale in locales}
