"""The demo store is complete enough to sell from: what the foundation issue asks of it."""

from __future__ import annotations

import json

import cv2
import pytest

from hardware.gtin import is_valid_gtin
from kiosk.catalog.catalog import Catalog
from kiosk.cli import main
from kiosk.config import KioskConfig
from tests.paths import DEMO_CONFIG


def test_demo_config_is_valid_and_bilingual(demo_config: KioskConfig) -> None:
    store = demo_config.store
    assert set(store.locales) == {"fr", "en"}
    assert store.default_locale in store.locales
    assert "{gtin}" in store.handoff.product_url


def test_catalog_size_and_departments(demo_config: KioskConfig) -> None:
    catalog = Catalog.from_config(demo_config)
    assert len(catalog) >= 24
    assert len(catalog.departments) >= 3
    for department in catalog.departments:
        assert len(catalog.in_department(department.id)) >= 6, department.id


def test_every_product_has_full_content(demo_config: KioskConfig) -> None:
    catalog = Catalog.from_config(demo_config)
    promos = 0
    for gtin, product in catalog.items():
        assert is_valid_gtin(product.gtin)
        for locale in ("fr", "en"):
            assert product.name[locale] and product.description[locale]
            assert len(product.specs[locale]) >= 6, (gtin, locale)
        assert len(product.reviews) >= 3, gtin
        assert {review.locale for review in product.reviews} <= {"fr", "en"}
        assert len(product.social) >= 2, gtin
        assert len(product.images) >= 2, gtin
        assert product.cross_sell, gtin
        assert all(catalog.get(target) for target in product.cross_sell)
        promos += product.promo is not None
    assert promos >= 3


def test_images_are_real_pictures_not_flat_boxes(demo_config: KioskConfig) -> None:
    """A drawn product has shapes and colours: many distinct tones, not one grey box."""
    catalog = Catalog.from_config(demo_config)
    for _, product in catalog.items():
        for image in product.images:
            pixels = cv2.imread(str(demo_config.media_dir / image))
            assert pixels is not None and min(pixels.shape[:2]) >= 400, image
            tones = len({tuple(p) for p in pixels[::8, ::8].reshape(-1, 3) // 16})
            assert tones >= 12, (image, tones)


def test_catalog_command_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--json", "--config", str(DEMO_CONFIG)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    products = [json.loads(line) for line in lines]
    assert len(products) >= 24
    first = next(p for p in products if p["gtin"] == "3760000000017")
    assert first["name"] and first["price"] > 0 and first["department"] == "tv-audio"


def test_catalog_command_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--config", str(DEMO_CONFIG)]) == 0
    assert "3760000000017" in capsys.readouterr().out


def test_validate_summarises_a_valid_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--config", str(DEMO_CONFIG)]) == 0
    out = capsys.readouterr().out.strip()
    first, offers, *channels = out.splitlines()
    assert "valid" in first and "Maison Rivoli" in first and "products in" in first
    assert offers.startswith("2 offers (1 with single-use codes: espresso-welcome 3 codes)")
    assert [line.split(":")[0].strip() for line in channels] == ["Apple Wallet",
                                                                 "Google Wallet"]
