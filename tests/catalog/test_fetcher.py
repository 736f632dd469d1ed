"""The fetcher with real sources, a real HTTP server and a real SQLite cache: the cache within
its time-to-live, stale content when the network is down, and a caller that never waits."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.catalog.sources.cache import ContentCache
from kiosk.catalog.sources.fetcher import ContentFetcher, remote_sources
from kiosk.catalog.sources.openfoodfacts import OpenFoodFactsSource
from kiosk.catalog.sources.patch import ProductPatch
from kiosk.catalog.sources.rest import RestSource, SourceUnavailable
from kiosk.config.content import ContentConfig, OpenFoodFactsSourceConfig, RestSourceConfig
from tests.catalog import ContentServer, Reply, fixture_reply, json_reply

NUTELLA = "03017620422003"
TV = "03760000000017"
REST_PATH = "/api/products/3017620422003"
OFF_PATH = "/api/v2/product/3017620422003.json"


@pytest.fixture
def server() -> Iterator[ContentServer]:
    server = ContentServer()
    server.start()
    server.route(REST_PATH, json_reply({"price": 4.2, "stock": 9}))
    server.route(OFF_PATH, fixture_reply("off_3017620422003_nutella.json"))
    yield server
    server.stop()


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[ContentCache]:
    cache = ContentCache(tmp_path / "content.sqlite")
    yield cache
    cache.close()


def rest(server: ContentServer, timeout_s: float = 2) -> RestSource:
    return RestSource(RestSourceConfig(
        type="rest", url=server.url("/api/products/{gtin}"), timeout_s=timeout_s,
        fields={"price": "$.price", "stock": "$.stock"}), "paris-rivoli")


def off(server: ContentServer) -> OpenFoodFactsSource:
    return OpenFoodFactsSource(OpenFoodFactsSourceConfig(
        type="openfoodfacts", url=server.url("/api/v2/product/{gtin}.json"), timeout_s=2))


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class Running:
    """A started fetcher that is stopped whatever the test does."""

    def __init__(self) -> None:
        self.fetchers: list[ContentFetcher] = []

    def __call__(self, *args: object, **kwargs: object) -> ContentFetcher:
        fetcher = ContentFetcher(*args, **kwargs)  # type: ignore[arg-type]
        self.fetchers.append(fetcher)
        return fetcher


@pytest.fixture
def make() -> Iterator[Running]:
    running = Running()
    yield running
    for fetcher in running.fetchers:
        fetcher.stop(timeout=5)


def fetched(fetcher: ContentFetcher, *gtins: str) -> list[tuple[str, tuple[ProductPatch, ...]]]:
    for gtin in gtins:
        fetcher.request(gtin)
    assert fetcher.settle(10)
    return fetcher.results()


def test_patches_come_in_source_order(server: ContentServer, cache: ContentCache,
                                      make: Running) -> None:
    fetcher = make([rest(server), off(server)], cache, {"rest": 300, "openfoodfacts": 86400})
    fetcher.start()
    [(gtin, patches)] = fetched(fetcher, NUTELLA)
    assert gtin == NUTELLA
    assert [patch.source for patch in patches] == ["rest", "openfoodfacts"]
    assert patches[0].price == Decimal("4.20") and patches[1].nutriscore == "e"
    assert not any(patch.from_cache for patch in patches)
    assert fetcher.results() == []  # drained


def test_the_cache_answers_within_its_time_to_live(server: ContentServer, cache: ContentCache,
                                                   make: Running) -> None:
    fetcher = make([rest(server)], cache, {"rest": 300})
    fetcher.start()
    first = fetched(fetcher, NUTELLA)
    second = fetched(fetcher, NUTELLA)
    assert first == second and len(first) == 1
    assert len(server.requests(REST_PATH)) == 1


def test_an_expired_entry_is_fetched_again(server: ContentServer, cache: ContentCache,
                                           make: Running) -> None:
    clock = Clock()
    fetcher = make([rest(server)], cache, {"rest": 300}, clock=clock)
    fetcher.start()
    fetched(fetcher, NUTELLA)
    clock.now += 301
    fetched(fetcher, NUTELLA)
    assert len(server.requests(REST_PATH)) == 2


def test_not_found_is_cached_too(server: ContentServer, cache: ContentCache,
                                 make: Running) -> None:
    fetcher = make([off(server)], cache, {"openfoodfacts": 86400})
    fetcher.start()
    assert fetched(fetcher, TV) == [(TV, ())]
    assert fetched(fetcher, TV) == [(TV, ())]
    assert len(server.requests("/api/v2/product/3760000000017.json")) == 1


def test_duplicate_requests_coalesce(server: ContentServer, cache: ContentCache,
                                     make: Running) -> None:
    fetcher = make([rest(server)], cache, {"rest": 0})
    for _ in range(3):
        fetcher.request(NUTELLA)
    fetcher.request(TV)
    fetcher.start()
    assert fetcher.settle(10)
    assert [gtin for gtin, _ in fetcher.results()] == [NUTELLA, TV]
    assert len(server.requests(REST_PATH)) == 1


def test_offline_uses_the_stale_cache(server: ContentServer, cache: ContentCache,
                                      make: Running, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    fetcher = make([rest(server), off(server)], cache, {"rest": 300, "openfoodfacts": 86400},
                   clock=clock)
    fetcher.start()
    [(_, online)] = fetched(fetcher, NUTELLA)
    server.stop()  # the network goes down
    clock.now += 7 * 86400  # a week later: every entry is past its time-to-live
    with caplog.at_level(logging.WARNING):
        [(_, offline)] = fetched(fetcher, NUTELLA)
    assert [patch.source for patch in offline] == ["rest", "openfoodfacts"]
    assert all(patch.from_cache for patch in offline)
    assert [patch.fetched_at for patch in offline] == [patch.fetched_at for patch in online]
    assert offline[0].price == Decimal("4.20") and offline[1].allergens == online[1].allergens
    states = fetcher.source_states()
    assert states["rest"] is not None and "unreachable" in states["rest"]
    down = [r.getMessage() for r in caplog.records if r.name == "kiosk.catalog.sources.fetcher"]
    assert len(down) == 2 and all("using cached content" in line for line in down)


def test_a_maintenance_page_does_not_replace_the_cached_answer(
        server: ContentServer, cache: ContentCache, make: Running,
        caplog: pytest.LogCaptureFixture) -> None:
    fetcher = make([rest(server)], cache, {"rest": 0})
    fetcher.start()
    [(_, good)] = fetched(fetcher, NUTELLA)
    server.route(REST_PATH, Reply(body=b"<html>Back soon</html>", content_type="text/html"))
    with caplog.at_level(logging.WARNING):
        [(_, patches)] = fetched(fetcher, NUTELLA)
    assert patches[0].from_cache and patches[0].price == good[0].price
    assert cache.get("rest", NUTELLA) == good[0]
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "unusable answer" in warning.getMessage()
    assert fetcher.source_states() == {"rest": None}  # it answers: not a network problem


def test_offline_without_a_cache_gives_nothing(server: ContentServer, cache: ContentCache,
                                               make: Running) -> None:
    server.stop()
    fetcher = make([rest(server)], cache, {"rest": 300})
    fetcher.start()
    assert fetched(fetcher, NUTELLA) == [(NUTELLA, ())]


def test_a_failing_source_is_left_alone_then_tried_again(server: ContentServer,
                                                         cache: ContentCache,
                                                         make: Running) -> None:
    server.route(REST_PATH, json_reply({"error": "maintenance"}, 503))
    fetcher = make([rest(server)], cache, {"rest": 0}, retry_initial_s=0.3)
    fetcher.start()
    fetched(fetcher, NUTELLA)
    fetched(fetcher, NUTELLA)  # within the pause: not asked
    assert len(server.requests(REST_PATH)) == 1
    server.route(REST_PATH, json_reply({"price": 4.5}))
    time.sleep(0.35)
    [(_, patches)] = fetched(fetcher, NUTELLA)
    assert patches[0].price == Decimal("4.50") and not patches[0].from_cache
    assert fetcher.source_states() == {"rest": None}


def test_the_caller_never_waits(server: ContentServer, cache: ContentCache,
                                make: Running) -> None:
    server.route(REST_PATH, Reply(mode="hang"))
    fetcher = make([rest(server, timeout_s=1)], cache, {"rest": 300})
    fetcher.start()
    started = time.monotonic()
    fetcher.request(NUTELLA)
    assert time.monotonic() - started < 0.05
    time.sleep(0.1)  # the worker is now stuck on the hanging server
    started = time.monotonic()
    fetcher.request(TV)
    fetcher.request(NUTELLA)
    assert fetcher.results() == []
    assert not fetcher.settle(0.01)
    assert time.monotonic() - started < 0.05
    server.stop()  # releases the hanging request; the worker gets through
    assert fetcher.settle(10)
    assert [gtin for gtin, _ in fetcher.results()] == [NUTELLA, TV]


class Broken:
    """A source with a bug: the worker must survive it."""

    name = "broken"

    def __init__(self) -> None:
        self.calls = 0

    def fetch(self, gtin14: str) -> ProductPatch | None:
        self.calls += 1
        raise RuntimeError(f"bug while fetching {gtin14}")


class Fake:
    """A source that answers from a dict, or fails when told to."""

    name = "rest"

    def __init__(self) -> None:
        self.fail = False

    def fetch(self, gtin14: str) -> ProductPatch | None:
        if self.fail:
            raise SourceUnavailable("switched off")
        return ProductPatch(source=self.name, fetched_at=time.time(), stock=len(gtin14))


def test_a_source_bug_does_not_stop_the_others(cache: ContentCache, make: Running) -> None:
    broken = Broken()
    fetcher = make([broken, Fake()], cache, {}, retry_initial_s=0.01)
    fetcher.start()
    [(_, patches)] = fetched(fetcher, NUTELLA)
    assert [patch.stock for patch in patches] == [14]
    assert fetcher.source_states()["broken"] == "unexpected RuntimeError"
    time.sleep(0.02)
    assert fetched(fetcher, TV)[0][1][0].stock == 14 and broken.calls == 2


def test_stop_and_start_again(cache: ContentCache, make: Running) -> None:
    fetcher = make([Fake()], cache, {})
    fetcher.start()
    fetcher.stop()
    fetcher.request(NUTELLA)
    assert not fetcher.settle(0.05)  # stopped: it waits
    fetcher.start()
    assert fetcher.settle(5) and len(fetcher.results()) == 1


def test_old_entries_are_pruned_when_the_worker_starts(cache: ContentCache,
                                                       make: Running) -> None:
    cache.put(ProductPatch(source="rest", fetched_at=time.time() - 40 * 86400, stock=1), TV)
    fetcher = make([Fake()], cache, {"rest": 300}, max_age_s=30 * 86400)
    fetcher.start()
    fetched(fetcher, NUTELLA)
    assert cache.entry("rest", TV) is None and cache.entry("rest", NUTELLA) is not None


def test_sources_from_config() -> None:
    config = ContentConfig.model_validate({"sources": [
        {"type": "openfoodfacts"},
        {"type": "rest", "url": "https://shop.example.com/p/{gtin}", "fields": {"price": "$.p"}},
    ]})
    sources = remote_sources(config, "paris-rivoli")
    assert [type(source) for source in sources] == [OpenFoodFactsSource, RestSource]
    assert [source.name for source in sources] == ["openfoodfacts", "rest"]
    for source in sources:
        source.close()
