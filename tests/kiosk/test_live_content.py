"""The web shop's API feeds the table's prices and stock; when it is down, the table keeps
showing what it last got, and says how old it is. A product only Open Food Facts knows is shown
with the photo it links to."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.events import Placed
from kiosk.app.devices import Devices
from kiosk.app.display import close_screen, open_screen
from kiosk.app.loop import App
from kiosk.assembly import assemble
from kiosk.catalog.sources.photos import FOLDER
from kiosk.config import KioskConfig
from kiosk.config.content import ContentConfig
from tests.catalog import ContentServer, Reply, json_reply, off_answer, photo
from tests.kiosk.scenarios import find

TV = "03760000000017"
NUTELLA = "03017620422003"  # not in the demo catalog
PHOTO_PATH = "/images/products/301/762/042/2003/front_fr.633.400.jpg"
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def shop() -> Iterator[ContentServer]:
    server = ContentServer()
    server.start()
    server.route("/api/products/3760000000017",
                 json_reply({"offers": {"price": 1149.0}, "inventory": {"quantity": 7,
                                                                        "aisle": "C4"}}))
    yield server
    server.stop()


def with_shop(config: KioskConfig, shop: ContentServer, *, off: bool = False) -> KioskConfig:
    """The shop's API as a source, and (``off``) Open Food Facts served by the same server."""
    sources: list[dict[str, object]] = [
        {"type": "local"},
        {"type": "rest", "url": shop.url("/api/products/{gtin}?store={store_id}"),
         "timeout_s": 1, "ttl_s": 0,
         "fields": {"price": "$.offers.price", "stock": "$.inventory.quantity",
                    "aisle": "$.inventory.aisle"}}]
    if off:
        sources.append({"type": "openfoodfacts", "url": shop.url("/api/v2/product/{gtin}.json"),
                        "timeout_s": 1})
    content = ContentConfig.model_validate({"sources": sources})
    return dataclasses.replace(config, store=config.store.model_copy(update={"content": content}))


def panel_texts(app: App, roles: tuple[str, ...], timeout: float = 5.0,
                until: str = "") -> dict[str, str]:
    """Frames until ``until`` shows in one of ``roles`` (or the timeout); then their texts."""
    screen = open_screen((1920, 1080), headless=True)
    deadline = time.monotonic() + timeout
    while True:
        app.frame(screen, time.monotonic(), TODAY)
        texts = {role: " | ".join(str(node["text"]) for node in app.tree()
                                  if node["role"] == role) for role in roles}
        if until in " ".join(texts.values()) or time.monotonic() > deadline:
            return texts
        time.sleep(0.02)


@pytest.mark.timeout(60)
def test_prices_and_stock_come_from_the_shop_then_from_the_cache_when_it_is_down(
        demo_config: KioskConfig, tmp_path: Path, shop: ContentServer) -> None:
    config = with_shop(demo_config, shop)
    kiosk = assemble(config, (1920, 1080), Devices(sources=[]), draw_products=True,
                     data_dir=tmp_path)
    app = kiosk.app
    kiosk.start()
    try:
        app.table.apply(Placed(TV, "test", (0.3, 0.7), 0.0, 0.0))
        app.services.live.request(TV)
        texts = panel_texts(app, ("price", "availability"), until="C4")
        # the shop's price, under the catalog's running promotion
        assert texts["price"] == "1\u00a0099,00\u00a0€ (1\u00a0149,00\u00a0€) jusqu'au 31 déc."
        assert "Plus que" not in texts["availability"] and "rayon C4" in texts["availability"]
        assert not find(app.tree(), role="freshness")
    finally:
        kiosk.stop()
    shop.stop()
    later_kiosk = assemble(config, (1920, 1080), Devices(sources=[]), draw_products=True,
                           data_dir=tmp_path)
    later = later_kiosk.app
    later_kiosk.start()
    try:
        later.table.apply(Placed(TV, "test", (0.3, 0.7), 0.0, 0.0))
        later.services.live.request(TV)
        texts = panel_texts(later, ("price", "freshness"), until="Prix et stock au")
        assert "(1\u00a0149,00\u00a0€)" in texts["price"]
        assert texts["freshness"].startswith("Prix et stock au ")
    finally:
        later_kiosk.stop()
        close_screen()


@pytest.mark.timeout(60)
def test_a_product_only_open_food_facts_knows_is_shown_with_its_photo(
        demo_config: KioskConfig, tmp_path: Path, shop: ContentServer) -> None:
    shop.route("/api/products/3017620422003", json_reply({"offers": {"price": 4.2}}))
    shop.route("/api/v2/product/3017620422003.json", off_answer(shop.url(PHOTO_PATH)))
    shop.route(PHOTO_PATH, Reply(body=photo(), content_type="image/jpeg"))
    kiosk = assemble(with_shop(demo_config, shop, off=True), (1920, 1080), Devices(sources=[]),
                     draw_products=True, data_dir=tmp_path)
    app = kiosk.app
    kiosk.start()
    try:
        app.table.apply(Placed(NUTELLA, "test", (0.3, 0.7), 0.0, 0.0))
        app.services.live.request(NUTELLA)
        texts = panel_texts(app, ("gallery", "price", "product"), until="@remote/")
        assert texts["gallery"] == f"@remote/{NUTELLA}.jpg"
        assert texts["price"].startswith("4,20")
        (token,) = [node for node in app.tree() if node["role"] == "product"]
        assert str(token["label"]).startswith("Nutella"), "the simulator's drawn product too"
        assert (tmp_path / FOLDER / f"{NUTELLA}.jpg").read_bytes() == photo()
        assert app.services.live.photos_dir == tmp_path / FOLDER
    finally:
        kiosk.stop()
        close_screen()
