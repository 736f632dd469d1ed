"""What shoppers see, read from the widget tree of in-process headless runs."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import KioskConfig
from tests.kiosk.scenarios import find, overlaps, run, tree
from tests.paths import department_products

TV = "3760000000017"
UNKNOWN = "2000000000008"


def test_unknown_code_asks_for_staff_instead_of_crashing(demo_config: KioskConfig,
                                                          tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": UNKNOWN, "x": 0.5, "y": 0.6}},
        {"at": 0.5, "screenshot": "fr"},
        {"at": 0.6, "tap": {"label": "English"}},
        {"at": 0.8, "screenshot": "en"},
    ], locale="fr")
    assert result.ok, result.stats.errors
    french = tree(tmp_path, "fr")
    assert find(french, role="heading", text="Produit introuvable")
    assert any("vendeur" in node["text"] for node in find(french, role="text"))
    assert any(UNKNOWN in node["text"] for node in french)
    english = tree(tmp_path, "en")
    assert find(english, role="heading", text="Product not found")
    assert find(english, role="button", label="Français")


def test_panel_shows_name_brand_price_photo_availability_then_specs(
        demo_config: KioskConfig, tmp_path: Path) -> None:
    offered = {gtin for offer in demo_config.offers.offers for gtin in offer.products}
    product = next(product for product in department_products(demo_config, 0)
                   if product.gtin not in offered)  # an offer's banner comes first
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": product.gtin, "x": 0.3, "y": 0.5}},
        {"at": 0.5, "screenshot": "panel"},
        {"at": 0.6, "tap": {"label": "Specs"}},
        {"at": 0.8, "screenshot": "specs"},
    ], locale="en")
    assert result.ok, result.stats.errors
    nodes = tree(tmp_path, "panel")
    assert find(nodes, role="heading", text=product.name["en"])
    assert find(nodes, role="text", text=product.brand)
    assert find(nodes, role="gallery", text=product.images[0], label="Photo 1 of 2")
    (price,) = find(nodes, role="price")
    assert price["text"].startswith("€") and ".00" in price["text"]
    assert find(nodes, role="availability")
    assert find(nodes, role="description", text=product.description["en"])
    specs = find(tree(tmp_path, "specs"), role="spec")
    first_specs = list(product.specs["en"].items())[:len(specs)]
    assert len(specs) >= 3
    assert [(s["label"], s["text"]) for s in specs] == first_specs


def test_two_shoppers_at_opposite_edges(demo_config: KioskConfig, tmp_path: Path) -> None:
    products = department_products(demo_config, 1)
    near_bottom, near_top = products[0].gtin, products[1].gtin
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": near_bottom, "x": 0.25, "y": 0.75}},
        {"at": 0.2, "place": {"gtin": near_top, "x": 0.7, "y": 0.2, "angle": 180}},
        {"at": 0.6, "screenshot": "two"},
    ])
    assert result.ok
    nodes = tree(tmp_path, "two")
    panels = {node["text"]: node for node in find(nodes, role="panel")}
    assert panels[near_bottom]["rotation"] == 0
    assert panels[near_top]["rotation"] == 180
    rectangles = [node["rect"] for node in find(nodes, role="panel") + find(nodes, role="product")]
    for index, first in enumerate(rectangles):
        for second in rectangles[index + 1:]:
            assert not overlaps(first, second), (first, second)
    for node in find(nodes, role="panel"):
        x, y, width, height = node["rect"]
        assert x >= 0 and y >= 0 and x + width <= 1920 and y + height <= 1080


def test_language_choice_follows_the_shopper(demo_config: KioskConfig, tmp_path: Path) -> None:
    products = department_products(demo_config, 2)
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": products[0].gtin, "x": 0.3, "y": 0.6}},
        {"at": 0.4, "tap": {"label": "English"}},
        {"at": 0.5, "tap": {"label": "Specs"}},
        {"at": 0.7, "place": {"gtin": products[1].gtin, "x": 0.5, "y": 0.62}},
        {"at": 1.0, "screenshot": "after"},
    ], locale="fr")
    assert result.ok, result.stats.errors
    nodes = tree(tmp_path, "after")
    assert find(nodes, role="tab", label="Specs", text="selected")
    headings = {node["text"] for node in find(nodes, role="heading")}
    assert headings == {products[0].name["en"], products[1].name["en"]}
    specs = find(nodes, role="spec")
    assert len(specs) > 4


def test_recognition_is_measured_per_placement(demo_config: KioskConfig, tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.5}},
        {"at": 0.5, "remove": {"gtin": TV}},
        {"at": 0.6, "place": {"gtin": TV, "x": 0.6, "y": 0.5}},
    ])
    assert result.ok
    assert len(result.stats.recognition_ms) == 2
    assert all(delay is not None and delay < 100 for delay in result.stats.recognition_ms)


def test_removing_what_is_not_there_is_a_failed_step(demo_config: KioskConfig,
                                                     tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [{"at": 0.1, "remove": {"gtin": TV}}])
    assert not result.ok
    assert "cannot remove 3760000000017: it is not on the table" in result.stats.errors[0]
