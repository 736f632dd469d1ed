"""Open Food Facts API v2 answers (hand-written in the API's real shape) served by a real HTTP
server on 127.0.0.1 through the source's url override."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from kiosk.catalog.sources.openfoodfacts import ATTRIBUTION, OpenFoodFactsSource, patch_from_answer
from kiosk.catalog.sources.rest import SourceUnavailable, Unusable
from kiosk.config.content import OFF_URL, OpenFoodFactsSourceConfig
from tests.catalog import FIXTURES, ContentServer, Reply, fixture_reply, json_reply

NUTELLA = "03017620422003"
COFFEE = "08000070012141"


@pytest.fixture
def server() -> Iterator[ContentServer]:
    server = ContentServer()
    server.start()
    server.route("/api/v2/product/3017620422003.json",
                 fixture_reply("off_3017620422003_nutella.json"))
    server.route("/api/v2/product/8000070012141.json",
                 fixture_reply("off_8000070012141_coffee.json"))
    yield server
    server.stop()


def off(server: ContentServer) -> OpenFoodFactsSource:
    return OpenFoodFactsSource(OpenFoodFactsSourceConfig(
        type="openfoodfacts", url=server.url("/api/v2/product/{gtin}.json"), timeout_s=2))


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.levelno >= logging.WARNING
            and record.name.startswith("kiosk.catalog.sources")]


def test_the_default_url_is_the_public_api() -> None:
    config = OpenFoodFactsSourceConfig(type="openfoodfacts")
    assert config.url == OFF_URL == "https://world.openfoodfacts.org/api/v2/product/{gtin}.json"


def test_nutella(server: ContentServer) -> None:
    patch = off(server).fetch(NUTELLA)
    assert patch is not None
    assert patch.source == "openfoodfacts" and patch.attribution == ATTRIBUTION
    assert patch.names == {"fr": "Nutella pâte à tartiner aux noisettes et au cacao",
                           "en": "Nutella"}
    assert patch.brand == "Nutella"
    assert patch.nutriscore == "e"
    assert patch.allergens == ("milk", "nuts", "soybeans")
    assert patch.ingredients is not None and set(patch.ingredients) == {"fr", "en"}
    assert patch.ingredients["fr"].startswith("Sucre, huile de palme, NOISETTES 13%")
    assert "_" not in patch.ingredients["fr"] and "<span" not in patch.ingredients["fr"]
    assert "skimmed milk powder" in patch.ingredients["en"]
    assert patch.image_url is not None and patch.image_url.endswith("front_fr.633.400.jpg")
    assert patch.price is None and patch.stock is None  # Open Food Facts sells nothing
    [seen] = server.requests("/api/v2/product/3017620422003.json")
    assert seen.headers["User-Agent"] == "smart-table-kiosk/0.1 (store kiosk)"


def test_a_product_without_nutriscore_or_allergens(server: ContentServer) -> None:
    patch = off(server).fetch(COFFEE)
    assert patch is not None
    assert patch.nutriscore is None  # "not-applicable"
    assert patch.allergens is None  # an empty list is not "no allergens"
    assert patch.names == {"fr": "Café moulu Qualità Rossa", "it": "Qualità Rossa"}
    assert patch.ingredients == {"it": "Caffè torrefatto macinato."}
    assert patch.brand == "Lavazza"


def test_product_not_found_is_none_quietly(server: ContentServer,
                                           caplog: pytest.LogCaptureFixture) -> None:
    server.route("/api/v2/product/3760000000017.json",
                 fixture_reply("off_not_found.json", status=404))
    assert off(server).fetch("03760000000017") is None
    server.route("/api/v2/product/3760000000017.json", fixture_reply("off_not_found.json"))
    assert off(server).fetch("03760000000017") is None  # older servers: 200 with status 0
    assert warnings(caplog) == []


def test_html_is_none_with_one_warning(server: ContentServer,
                                       caplog: pytest.LogCaptureFixture) -> None:
    server.route("/api/v2/product/3017620422003.json",
                 Reply(body=b"<html>Too many requests, slow down</html>",
                       content_type="text/html"))
    assert off(server).fetch(NUTELLA) is None
    [warning] = warnings(caplog)
    assert "openfoodfacts" in warning and "slow down" not in warning


def test_overload_is_unavailable(server: ContentServer) -> None:
    server.route("/api/v2/product/3017620422003.json", json_reply({"status": 0}, 503))
    with pytest.raises(SourceUnavailable):
        off(server).fetch(NUTELLA)


@pytest.mark.parametrize("answer", [[1, 2], {"status": 1}, {"status": 1, "product": "x"}])
def test_answers_not_shaped_like_the_api(answer: object) -> None:
    with pytest.raises(Unusable):
        patch_from_answer(answer, 0.0)


def test_a_product_with_nothing_usable_is_none() -> None:
    answer = {"status": 1, "product": {"code": "1", "nutriscore_grade": "unknown",
                                       "allergens_tags": [], "product_name": "  "}}
    assert patch_from_answer(answer, 0.0) is None


def test_fixtures_stay_small() -> None:
    for path in FIXTURES.glob("*.json"):
        assert path.stat().st_size < 20_000, path.name
        json.loads(path.read_text(encoding="utf-8"))
