"""Photos of products only Open Food Facts knows: downloaded off the frame loop from a real HTTP
server on 127.0.0.1, checked as hostile input, kept in the data folder, used offline, and read
by the ImageLoader through the ``@remote/`` prefix."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.catalog.catalog import Catalog
from kiosk.catalog.live import LiveContent
from kiosk.catalog.sources.cache import ContentCache
from kiosk.catalog.sources.fetcher import ContentFetcher
from kiosk.catalog.sources.openfoodfacts import OpenFoodFactsSource
from kiosk.catalog.sources.patch import NO_IMAGE, REMOTE_IMAGES, ProductPatch
from kiosk.catalog.sources.photos import FOLDER, MAX_PHOTO_BYTES, PhotoStore, check_photo
from kiosk.catalog.sources.rest import Unusable
from kiosk.config import KioskConfig
from kiosk.config.catalog import Product
from kiosk.config.content import ContentConfig, OpenFoodFactsSourceConfig
from kiosk.ui.images import ImageLoader
from tests.catalog import ContentServer, Reply, json_reply, off_answer, photo

NUTELLA = "03017620422003"
TV = "03760000000017"  # in the demo catalog
OFF_PATH = "/api/v2/product/{gtin}.json"
SHOP_PATH = "/api/products/{gtin}"
PHOTO_PATH = "/images/products/301/762/042/2003/front_fr.633.400.jpg"
SECRET = "tok3n-s3cret"
DAY_S = 86400.0


@pytest.fixture
def server() -> Iterator[ContentServer]:
    server = ContentServer()
    server.start()
    server.route("/api/products/3017620422003", json_reply({"price": 4.2}))
    server.route("/api/products/3760000000017", json_reply({"price": 1149.0}))
    server.route("/api/v2/product/3017620422003.json",
                 off_answer(server.url(PHOTO_PATH) + f"?rev=633&token={SECRET}"))
    server.route("/api/v2/product/3760000000017.json",
                 off_answer(server.url("/images/tv.jpg")))
    server.route(PHOTO_PATH, Reply(body=photo(), content_type="image/jpeg"))
    server.route("/images/tv.jpg", Reply(body=photo(), content_type="image/jpeg"))
    yield server
    server.stop()


def configured(config: KioskConfig, server: ContentServer) -> KioskConfig:
    content = ContentConfig.model_validate({"sources": [
        {"type": "local"},
        {"type": "rest", "url": server.url(SHOP_PATH), "timeout_s": 1, "ttl_s": 0,
         "fields": {"price": "$.price"}},
        {"type": "openfoodfacts", "url": server.url(OFF_PATH), "timeout_s": 1}]})
    return dataclasses.replace(config, store=config.store.model_copy(update={"content": content}))


class Lives:
    """LiveContents started by a test, stopped whatever it does."""

    def __init__(self) -> None:
        self.started: list[LiveContent] = []

    def __call__(self, config: KioskConfig, data_dir: Path) -> LiveContent:
        live = LiveContent(config, data_dir)
        live.start()
        self.started.append(live)
        return live


@pytest.fixture
def lives() -> Iterator[Lives]:
    lives = Lives()
    yield lives
    for live in lives.started:
        live.stop()


def shown(live: LiveContent, config: KioskConfig, code: str = NUTELLA) -> Product:
    """The product the table shows once ``code``'s content has settled."""
    live.request(code)
    assert live.settle(15)
    assert code in live.poll()
    product = live.catalog(Catalog.from_config(config)).get(code)
    assert product is not None
    return product


def content_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.levelno >= logging.WARNING
            and record.name.startswith("kiosk.catalog.sources")]


def loaded(loader: ImageLoader, path: str) -> tuple[int, int] | None:
    """What the ImageLoader makes of ``path``: the size it drew it at, None if missing."""
    assert loader.get(path, (200, 200)) is None  # never waits: the worker loads it
    loader.settle(5)
    surface = loader.get(path, (200, 200))
    return None if surface is None else surface.get_size()


def test_an_off_only_product_shows_its_downloaded_photo(
        demo_config: KioskConfig, tmp_path: Path, server: ContentServer, lives: Lives,
        caplog: pytest.LogCaptureFixture) -> None:
    config = configured(demo_config, server)
    live = lives(config, tmp_path)
    product = shown(live, config)
    assert product.images == (f"{REMOTE_IMAGES}{NUTELLA}.jpg",)
    assert live.photos_dir == tmp_path / FOLDER
    stored = tmp_path / FOLDER / f"{NUTELLA}.jpg"
    assert stored.read_bytes() == photo()
    pixels = cv2.imread(str(stored))
    assert pixels is not None and pixels.shape == (300, 400, 3)
    assert [path.name for path in (tmp_path / FOLDER).iterdir()] == [stored.name]
    assert not (demo_config.media_dir / FOLDER).exists()  # never under media/
    [seen] = server.requests(PHOTO_PATH)
    assert seen.headers["User-Agent"].startswith("smart-table-kiosk/")
    loader = ImageLoader(demo_config.media_dir, remote_dir=live.photos_dir)
    try:
        assert loaded(loader, product.images[0]) == (200, 150)
    finally:
        loader.close()
    assert content_warnings(caplog) == []


def test_the_catalog_s_products_keep_their_own_images(
        demo_config: KioskConfig, tmp_path: Path, server: ContentServer, lives: Lives) -> None:
    config = configured(demo_config, server)
    product = shown(lives(config, tmp_path), config, TV)
    assert product.images == Catalog.from_config(config).get(TV).images
    assert server.requests("/images/tv.jpg") == []  # not even downloaded
    assert not (tmp_path / FOLDER).exists()


def test_the_text_comes_first_and_the_photo_is_reported_when_it_lands(
        tmp_path: Path, server: ContentServer) -> None:
    cache = ContentCache(tmp_path / "content.sqlite3")
    source = OpenFoodFactsSource(OpenFoodFactsSourceConfig(
        type="openfoodfacts", url=server.url(OFF_PATH), timeout_s=1))
    photos = PhotoStore(tmp_path / FOLDER, max_age_s=30 * DAY_S, timeout_s=1,
                        source_url=server.url(OFF_PATH))
    fetcher = ContentFetcher([source], cache, {"openfoodfacts": 86400}, photos=photos)
    fetcher.start()
    try:
        fetcher.request(NUTELLA, photo=True)
        assert fetcher.settle(10)
        [(_, [first]), (_, [second])] = fetcher.results()
        assert first.image_file is None  # delivered before the download
        assert second.image_file == f"{REMOTE_IMAGES}{NUTELLA}.jpg"
        fetcher.request(NUTELLA, photo=True)  # now on disk: one delivery, with the photo
        assert fetcher.settle(10)
        [(_, [again])] = fetcher.results()
        assert again.image_file == second.image_file
        fetcher.request(NUTELLA)  # no photo asked for (the catalog knows the product)
        assert fetcher.settle(10)
        [(_, [plain])] = fetcher.results()
        assert plain.image_file is None
    finally:
        fetcher.stop()
        photos.close()
        source.close()
        cache.close()
    assert len(server.requests(PHOTO_PATH)) == 1


def test_a_young_photo_on_disk_is_not_downloaded_again(
        demo_config: KioskConfig, tmp_path: Path, server: ContentServer, lives: Lives) -> None:
    config = configured(demo_config, server)
    shown(lives(config, tmp_path), config)
    later = shown(lives(config, tmp_path), config)  # a restart: a new fetcher, same folder
    assert later.images == (f"{REMOTE_IMAGES}{NUTELLA}.jpg",)
    assert len(server.requests(PHOTO_PATH)) == 1


def test_an_old_photo_is_downloaded_again(
        demo_config: KioskConfig, tmp_path: Path, server: ContentServer, lives: Lives) -> None:
    config = configured(demo_config, server)
    shown(lives(config, tmp_path), config)
    stored = tmp_path / FOLDER / f"{NUTELLA}.jpg"
    age(stored, config.store.content.cache_days * DAY_S + 60)
    server.route(PHOTO_PATH, Reply(body=photo(".png"), content_type="image/png"))
    product = shown(lives(config, tmp_path), config)
    assert product.images == (f"{REMOTE_IMAGES}{NUTELLA}.png",)
    assert not stored.exists()  # the photo changed format: the old file is gone
    assert len(server.requests(PHOTO_PATH)) == 2


def age(path: Path, seconds: float) -> None:
    """Make ``path`` look downloaded ``seconds`` ago, and used just now."""
    os.utime(path, (time.time(), time.time() - seconds))


def test_with_the_network_down_the_photo_on_disk_is_used(
        demo_config: KioskConfig, tmp_path: Path, server: ContentServer, lives: Lives,
        caplog: pytest.LogCaptureFixture) -> None:
    config = configured(demo_config, server)
    shown(lives(config, tmp_path), config)
    server.stop()  # the network goes down
    age(tmp_path / FOLDER / f"{NUTELLA}.jpg", config.store.content.cache_days * DAY_S + 60)
    with caplog.at_level(logging.WARNING):
        product = shown(lives(config, tmp_path), config)
    assert product.images == (f"{REMOTE_IMAGES}{NUTELLA}.jpg",)  # old, but what there is
    assert product.price is not None  # from the content cache
    photos_down = [line for line in content_warnings(caplog) if "photos" in line]
    assert len(photos_down) == 1 and "using those on disk" in photos_down[0]


def hostile() -> dict[str, Reply]:
    whole_png = photo(".png")
    forged = whole_png[:16] + (60_000).to_bytes(4, "big") * 2 + whole_png[24:]
    return {
        "html": Reply(body=b"<html>Rate limited, try later</html>", content_type="text/html"),
        "html served as a jpeg": Reply(body=b"<html>Rate limited</html>",
                                       content_type="image/jpeg"),
        "over the cap, announced": Reply(mode="huge", size=MAX_PHOTO_BYTES + 1,
                                         content_type="image/jpeg"),
        "over the cap, not announced": Reply(mode="huge", size=3 * MAX_PHOTO_BYTES,
                                             announce_length=False, content_type="image/jpeg"),
        "truncated jpeg": Reply(body=photo()[:len(photo()) // 2], content_type="image/jpeg"),
        "truncated png": Reply(body=whole_png[:len(whole_png) // 2], content_type="image/png"),
        "too wide": Reply(body=photo(".png", (6001, 4)), content_type="image/png"),
        "forged header": Reply(body=forged, content_type="image/png"),
        "a gif": Reply(body=b"GIF89a" + b"\x00" * 100, content_type="image/gif"),
        "slow drip": Reply(mode="drip", interval=0.05, content_type="image/jpeg"),
        "gone": Reply(status=404, body=b"", content_type="image/jpeg"),
    }


@pytest.mark.parametrize("case", list(hostile()))
def test_a_hostile_photo_keeps_the_placeholder_with_one_log_line(
        demo_config: KioskConfig, tmp_path: Path, server: ContentServer, lives: Lives,
        caplog: pytest.LogCaptureFixture, case: str) -> None:
    server.route(PHOTO_PATH, hostile()[case])
    config = configured(demo_config, server)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        product = shown(lives(config, tmp_path), config)
    assert time.monotonic() - started < 8  # bounded by the 1 s timeout, retries included
    assert product.images == (NO_IMAGE,)
    [warning] = content_warnings(caplog)
    assert "photo" in warning and ("3017620422003" in warning or "unavailable" in warning)
    assert SECRET not in warning and "?" not in warning and "127.0.0.1" not in warning
    assert list((tmp_path / FOLDER).glob("*")) == []  # no photo, no temporary file left


def test_a_corrupt_file_on_disk_is_replaced(
        demo_config: KioskConfig, tmp_path: Path, server: ContentServer, lives: Lives,
        caplog: pytest.LogCaptureFixture) -> None:
    config = configured(demo_config, server)
    stored = tmp_path / FOLDER / f"{NUTELLA}.jpg"
    stored.parent.mkdir()
    stored.write_bytes(photo()[:500])  # a power cut on a filesystem that lies
    with caplog.at_level(logging.WARNING):
        product = shown(lives(config, tmp_path), config)
    assert product.images == (f"{REMOTE_IMAGES}{NUTELLA}.jpg",)
    assert stored.read_bytes() == photo()
    [warning] = content_warnings(caplog)
    assert "unusable" in warning and "removed" in warning


def test_the_image_loader_draws_a_bad_photo_as_missing(tmp_path: Path, demo_config: KioskConfig,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "broken.jpg").write_bytes(photo()[:300])
    (tmp_path / "good.jpg").write_bytes(photo())
    with_folder = ImageLoader(demo_config.media_dir, remote_dir=tmp_path)
    without = ImageLoader(demo_config.media_dir)
    try:
        assert loaded(with_folder, f"{REMOTE_IMAGES}good.jpg") == (200, 150)
        assert loaded(with_folder, f"{REMOTE_IMAGES}broken.jpg") is None
        assert loaded(with_folder, f"{REMOTE_IMAGES}../good.jpg") is None
        assert loaded(with_folder, f"{REMOTE_IMAGES}missing.jpg") is None
        assert loaded(without, f"{REMOTE_IMAGES}good.jpg") is None  # today's behaviour
    finally:
        with_folder.close()
        without.close()
    assert len([r for r in caplog.records if "drawing it as missing" in r.getMessage()]) == 4


@pytest.mark.parametrize("suffix", [".jpg", ".png"])
def test_check_photo_accepts_complete_photos(suffix: str) -> None:
    assert check_photo(photo(suffix)) == suffix
    progressive = cv2.imencode(".jpg", np.full((50, 60, 3), 128, np.uint8),
                               [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])[1].tobytes()
    assert check_photo(progressive) == ".jpg"


@pytest.mark.parametrize("body", [b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"junk" * 10,
                                  b"\xff\xd8\xff\xda" + b"\x00" * 20 + b"\xff\xd9"])
def test_check_photo_refuses_scraps(body: bytes) -> None:
    with pytest.raises(Unusable):
        check_photo(body)


def test_the_photo_s_file_is_not_cached_with_the_patch(tmp_path: Path) -> None:
    cache = ContentCache(tmp_path / "content.sqlite3")
    try:
        cache.put(ProductPatch(source="openfoodfacts", fetched_at=1.0, brand="Nutella",
                               image_url="https://images.example/front.jpg",
                               image_file=f"{REMOTE_IMAGES}{NUTELLA}.jpg"), NUTELLA)
        stored = cache.get("openfoodfacts", NUTELLA)
    finally:
        cache.close()
    assert stored is not None and stored.image_file is None  # the file on disk is its cache
    assert stored.image_url == "https://images.example/front.jpg"


def test_a_photo_on_another_site_is_not_followed(
        demo_config: KioskConfig, tmp_path: Path, server: ContentServer, lives: Lives,
        caplog: pytest.LogCaptureFixture) -> None:
    elsewhere = server.url(PHOTO_PATH).replace("127.0.0.1", "localhost")
    server.route("/api/v2/product/3017620422003.json", off_answer(elsewhere))
    config = configured(demo_config, server)
    with caplog.at_level(logging.WARNING):
        product = shown(lives(config, tmp_path), config)
    assert product.images == (NO_IMAGE,)
    [warning] = content_warnings(caplog)
    assert "not on the source's site" in warning and "localhost" not in warning
    assert server.requests(PHOTO_PATH) == [], "nothing was asked of the other site"
