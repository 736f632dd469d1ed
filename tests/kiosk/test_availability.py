"""What the panel says about getting a product: never "out of stock" for want of a figure."""

from __future__ import annotations

import pytest

from kiosk.config import KioskConfig
from kiosk.config.catalog import Product
from kiosk.scenes.panel_sections import availability_lines, in_store_line
from tests.paths import department_products


def shelved(config: KioskConfig, stock: int | None, aisle: str | None) -> Product:
    product = department_products(config, 0)[0]
    shelf = product.availability.in_store.model_copy(update={"stock": stock, "aisle": aisle})
    return product.model_copy(update={"availability": product.availability.model_copy(
        update={"in_store": shelf})})


@pytest.mark.parametrize(("stock", "aisle", "locale", "expected"), [
    (None, None, "fr", None),
    (None, "J3", "fr", ("muted", "Rayon J3")),
    (None, "J3", "en", ("muted", "Aisle J3")),
    (0, "J3", "fr", ("warning", "Épuisé dans ce magasin")),
    (1, None, "fr", ("warning", "Dernier en stock")),
    (2, "J3", "fr", ("warning", "Plus que 2 en stock · rayon J3")),
    (9, "J3", "en", ("ok", "In stock · aisle J3")),
    (9, None, "en", ("ok", "In stock")),
])
def test_the_in_store_line_says_only_what_the_store_knows(
        demo_config: KioskConfig, stock: int | None, aisle: str | None, locale: str,
        expected: tuple[str, str] | None) -> None:
    assert in_store_line(shelved(demo_config, stock, aisle), locale) == expected


def test_without_stock_or_aisle_the_panel_still_says_how_to_get_it_online(
        demo_config: KioskConfig) -> None:
    lines = availability_lines(shelved(demo_config, None, None), "fr")
    assert lines and all("stock" not in text and "Épuisé" not in text for _, text in lines)
    assert lines[0][1].startswith("En ligne")


def test_online_availability_nobody_gave_is_not_made_up(demo_config: KioskConfig) -> None:
    product = shelved(demo_config, 5, "J3")
    unknown = product.availability.online.model_copy(update={"available": None})
    product = product.model_copy(update={"availability": product.availability.model_copy(
        update={"online": unknown})})
    texts = [text for _, text in availability_lines(product, "fr")]
    assert texts[0] == "En stock · rayon J3"
    assert not any("ligne" in text for text in texts), texts
