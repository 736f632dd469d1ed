"""Where the demo store lives, for tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from kiosk.config.catalog import Product

REPO = Path(__file__).resolve().parent.parent
DEMO_CONFIG = REPO / "config"
DEMO_MEDIA = REPO / "media"


def department_products(config: KioskConfig, index: int) -> list[Product]:
    """The products of the config's ``index``-th department (in the store's order)."""
    from kiosk.catalog.catalog import Catalog

    catalog = Catalog.from_config(config)
    return catalog.in_department(catalog.departments[index].id)
