"""Laying patches over the catalog's product: order, prices and promotions, availability, and
Open Food Facts rows in every store locale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.catalog.sources.openfoodfacts import ATTRIBUTION
from kiosk.catalog.sources.patch import NO_IMAGE, ProductPatch, apply_patches, product_from_patches
from kiosk.config.catalog import InStore, Product

LOCALES = ("fr", "en")
UNTIL = dt.date(2026, 12, 31)


def product(**overrides: Any) -> Product:
    data: dict[str, Any] = {
        "gtin": "3017620422003", "brand": "Nutella",
        "name": {"fr": "Nutella 400 g", "en": "Nutella 400 g"},
        "description": {"fr": "La pâte à tartiner.", "en": "The spread."},
        "price": "4.20", "promo": {"price": "3.90", "until": "2026-10-31"},
        "availability": {"in_store": {"stock": 5, "aisle": "A1"},
                         "online": {"available": False}},
        "specs": {"fr": {"Poids": "400 g"}, "en": {"Weight": "400 g"}},
        "images": ["products/nutella.png"],
    }
    data.update(overrides)
    return Product.model_validate(data)


def rest(**fields: Any) -> ProductPatch:
    return ProductPatch(source="rest", fetched_at=1000.0, **fields)


def off(**fields: Any) -> ProductPatch:
    base: dict[str, Any] = {
        "names": {"fr": "Nutella pâte à tartiner", "en": "Nutella"}, "brand": "Nutella",
        "ingredients": {"fr": "Sucre, huile de palme, NOISETTES 13%",
                        "en": "Sugar, palm oil, hazelnuts 13%"},
        "nutriscore": "e", "allergens": ("milk", "nuts", "soybeans"),
        "image_url": "https://images.openfoodfacts.org/front.jpg", "attribution": ATTRIBUTION}
    base.update(fields)
    return ProductPatch(source="openfoodfacts", fetched_at=1000.0, **base)


def test_no_patches_changes_nothing() -> None:
    original = product()
    assert apply_patches(original, (), LOCALES) is original


def test_rest_fields_are_applied() -> None:
    result = apply_patches(product(), [rest(
        price=Decimal("4.50"), promo_price=Decimal("3.99"), promo_until=UNTIL, stock=12,
        aisle="B4", online=True, delivery_days=2)], LOCALES)
    assert result.price == Decimal("4.50")
    assert result.promo is not None and (result.promo.price, result.promo.until) == (
        Decimal("3.99"), UNTIL)
    assert result.availability.in_store.stock == 12
    assert result.availability.in_store.aisle == "B4"
    assert result.availability.online.available is True
    assert result.availability.online.delivery_days == 2
    assert result.name == product().name and result.images == product().images
    assert result.specs == product().specs  # the web shop adds no rows
    Product.model_validate(result.model_dump())  # still a valid product


def test_a_source_overrides_only_what_it_gives() -> None:
    result = apply_patches(product(), [rest(stock=0)], LOCALES)
    assert result.availability.in_store.stock == 0  # zero is an answer, not "unknown"
    assert result.availability.in_store.aisle == "A1"
    assert result.price == Decimal("4.20") and result.promo == product().promo


def test_later_patches_win() -> None:
    result = apply_patches(product(), [rest(stock=3, aisle="C2"), rest(stock=8)], LOCALES)
    assert (result.availability.in_store.stock, result.availability.in_store.aisle) == (8, "C2")


def test_a_promo_not_below_the_price_is_ignored() -> None:
    result = apply_patches(product(), [rest(price=Decimal("4.50"), promo_price=Decimal("4.80"),
                                            promo_until=UNTIL)], LOCALES)
    assert result.price == Decimal("4.50")
    assert result.promo is not None and result.promo.price == Decimal("3.90")  # the catalog's


def test_a_price_below_the_catalog_promo_ends_that_promo() -> None:
    result = apply_patches(product(), [rest(price=Decimal("3.50"))], LOCALES)
    assert result.price == Decimal("3.50") and result.promo is None


def test_a_promo_without_an_end_date_is_ignored() -> None:
    result = apply_patches(product(promo=None), [rest(promo_price=Decimal("3.00"))], LOCALES)
    assert result.promo is None


def test_open_food_facts_rows_in_both_locales() -> None:
    result = apply_patches(product(), [off()], LOCALES)
    assert result.specs["fr"] == {
        "Poids": "400 g", "Nutri-Score": "E", "Allergènes": "lait, fruits à coque, soja",
        "Ingrédients": "Sucre, huile de palme, NOISETTES 13%",
        "Source des données": "Open Food Facts — ODbL"}
    assert result.specs["en"] == {
        "Weight": "400 g", "Nutri-Score": "E", "Allergens": "milk, nuts, soybeans",
        "Ingredients": "Sugar, palm oil, hazelnuts 13%", "Data source": "Open Food Facts — ODbL"}
    assert result.name == product().name and result.brand == "Nutella"  # the store's own
    Product.model_validate(result.model_dump())  # same number of specs in each locale


def test_rows_fall_back_to_english_labels_and_another_locale_s_text() -> None:
    base = product(name={"fr": "N", "de": "N"}, description={"fr": "D", "de": "D"},
                   specs={"fr": {}, "de": {}})
    result = apply_patches(base, [off(ingredients={"fr": "Sucre"}, nutriscore=None,
                                      allergens=None)], ("fr", "de"))
    assert result.specs["de"] == {"Ingredients": "Sucre", "Data source": ATTRIBUTION}


def test_no_attribution_row_without_open_food_facts_rows() -> None:
    result = apply_patches(product(), [off(ingredients=None, nutriscore=None,
                                           allergens=None)], LOCALES)
    assert result.specs == product().specs


def test_unknown_product_needs_a_price() -> None:
    assert product_from_patches("03017620422003", [off()], LOCALES, "fr", "EUR") is None


def test_unknown_product_from_open_food_facts_and_the_web_shop() -> None:
    made = product_from_patches("03017620422003", [
        rest(price=Decimal("4.20"), stock=7, aisle="F3", online=True, delivery_days=1), off()],
        LOCALES, "fr", "EUR")
    assert made is not None
    assert made.gtin == "3017620422003" and made.gtin14 == "03017620422003"
    assert made.name == {"fr": "Nutella pâte à tartiner", "en": "Nutella"}
    assert made.brand == "Nutella" and made.price == Decimal("4.20")
    assert made.availability.in_store.stock == 7 and made.availability.online.available
    assert made.specs["fr"]["Nutri-Score"] == "E" and made.specs["en"]["Allergens"]
    assert made.images == (NO_IMAGE,)
    assert set(made.description) == set(LOCALES)


def test_unknown_product_names_fall_back_to_the_default_locale() -> None:
    made = product_from_patches("08000070012141", [
        rest(price=Decimal("5.10")),
        off(names={"fr": "Café moulu", "it": "Caffè macinato"}, brand=None, allergens=None)],
        LOCALES, "fr", "EUR")
    assert made is not None
    assert made.name == {"fr": "Café moulu", "en": "Café moulu"}
    assert made.brand == "—"
    assert made.availability.in_store == InStore()  # neither stock nor aisle is made up


def test_unknown_product_needs_a_name() -> None:
    assert product_from_patches("03017620422003", [rest(price=Decimal("4.20"))], LOCALES,
                                "fr", "EUR") is None


PRICES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2)


@settings(max_examples=200, deadline=None)
@given(PRICES, st.none() | PRICES, st.none() | PRICES, st.none() | PRICES)
def test_a_promotion_is_always_below_the_price(local: Decimal, remote: Decimal | None,
                                               local_promo: Decimal | None,
                                               remote_promo: Decimal | None) -> None:
    promo = None
    if local_promo is not None and local_promo < local:
        promo = {"price": local_promo, "until": UNTIL}
    result = apply_patches(product(price=local, promo=promo), [
        rest(price=remote, promo_price=remote_promo, promo_until=UNTIL)], LOCALES)
    assert result.promo is None or result.promo.price < result.price
    Product.model_validate(result.model_dump())
