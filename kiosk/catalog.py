"""The product catalog the kiosk looks products up in, by GTIN-14."""

from __future__ import annotations

from dataclasses import dataclass

from hardware.gtin import normalise_code
from kiosk.config import KioskConfig
from kiosk.config.catalog import Department, Product


@dataclass(frozen=True)
class Catalog:
    """Products by GTIN-14, with their department; immutable so it can be swapped whole."""

    products: dict[str, Product]
    departments: tuple[Department, ...]
    department_of: dict[str, Department]

    @classmethod
    def from_config(cls, config: KioskConfig) -> Catalog:
        """Index the validated catalog files."""
        products: dict[str, Product] = {}
        department_of: dict[str, Department] = {}
        for loaded in config.catalog_files:
            for product in loaded.content.products:
                products[product.gtin14] = product
                department_of[product.gtin14] = loaded.content.department
        departments = tuple(loaded.content.department for loaded in config.catalog_files)
        return cls(products, departments, department_of)

    def get(self, code: str) -> Product | None:
        """The product for a GTIN in any of its forms (UPC-A finds the EAN-13), or None."""
        return self.products.get(normalise_code(code))

    def __len__(self) -> int:
        return len(self.products)

    def in_department(self, department_id: str) -> list[Product]:
        """Products of one department, in file order."""
        return [product for gtin, product in self.products.items()
                if self.department_of[gtin].id == department_id]
