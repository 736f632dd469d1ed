"""The web shop's API through a real HTTP server on 127.0.0.1: good answers, field mapping,
and every way an answer goes wrong, each bounded in time."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.catalog.sources.rest import (
    RestSource,
    SourceUnavailable,
    as_count,
    as_date,
    as_days,
    as_price,
    as_text,
)
from kiosk.config.content import RestSourceConfig
from tests.catalog import ContentServer, Reply, json_reply

GTIN14 = "03017620422003"
PATH = "/api/products/3017620422003"
FIELDS = {
    "price": "$.offers.price",
    "promo_price": "$.offers.sale_price",
    "promo_until": "$.offers.sale_until",
    "stock": "$.inventory.quantity",
    "aisle": "$.inventory.aisle",
    "online": "$.availability.online",
    "delivery_days": "$.availability.delivery_days",
}
GOOD = {
    "offers": {"price": 3.49, "sale_price": "2.99", "sale_until": "2026-12-31"},
    "inventory": {"quantity": 12, "aisle": "B4"},
    "availability": {"online": True, "delivery_days": 2},
}


@pytest.fixture
def server() -> Iterator[ContentServer]:
    server = ContentServer()
    server.start()
    yield server
    server.stop()


def source(server: ContentServer, environ: dict[str, str] | None = None,
           **overrides: Any) -> RestSource:
    data: dict[str, Any] = {"type": "rest", "timeout_s": 2, "fields": FIELDS,
                            "url": server.url("/api/products/{gtin}?store={store_id}")}
    data.update(overrides)
    config = RestSourceConfig.model_validate(data)
    if environ is None:
        return RestSource(config, "paris-rivoli")
    return RestSource(config, "paris-rivoli", environ)


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.levelno >= logging.WARNING
            and record.name.startswith("kiosk.catalog.sources")]


def test_good_answer_gives_every_field(server: ContentServer) -> None:
    server.route(PATH, json_reply(GOOD))
    before = time.time()
    patch = source(server).fetch(GTIN14)
    assert patch is not None
    assert (patch.source, patch.from_cache) == ("rest", False)
    assert before <= patch.fetched_at <= time.time()
    assert patch.price == Decimal("3.49") and patch.promo_price == Decimal("2.99")
    assert patch.promo_until == dt.date(2026, 12, 31)
    assert (patch.stock, patch.aisle, patch.online, patch.delivery_days) == (12, "B4", True, 2)
    assert patch.names is None and patch.nutriscore is None
    [seen] = server.requests(PATH)
    assert seen.query == "store=paris-rivoli"  # the display form of the GTIN, and the store
    assert "smart-table-kiosk" in seen.headers["User-Agent"]


def test_nested_and_array_paths(server: ContentServer) -> None:
    server.route(PATH, json_reply({
        "offers": [{"price": 99}, {"price": 4.5, "channel": "store"}],
        "stock by store": {"paris-rivoli": {"units on hand": 7}},
        "locations": [[{"aisle": 12}]],
    }))
    patch = source(server, fields={
        "price": "$.offers[1].price",
        "stock": '$["stock by store"]["paris-rivoli"][\'units on hand\']',
        "aisle": "$.locations[0][0].aisle",
    }).fetch(GTIN14)
    assert patch is not None
    assert (patch.price, patch.stock, patch.aisle) == (Decimal("4.50"), 7, "12")


def test_missing_paths_leave_fields_empty(server: ContentServer,
                                          caplog: pytest.LogCaptureFixture) -> None:
    server.route(PATH, json_reply({"offers": {"price": 3.49}, "availability": None}))
    patch = source(server).fetch(GTIN14)
    assert patch is not None and patch.price == Decimal("3.49")
    assert (patch.stock, patch.aisle, patch.online, patch.promo_price) == (None,) * 4
    assert warnings(caplog) == []  # absent is not wrong


def test_wrong_types_drop_only_those_fields(server: ContentServer,
                                            caplog: pytest.LogCaptureFixture) -> None:
    server.route(PATH, json_reply({
        "offers": {"price": 19.99, "sale_price": True, "sale_until": "next week"},
        "inventory": {"quantity": 3.5, "aisle": {"row": 4}},
        "availability": {"online": "yes", "delivery_days": -1},
    }))
    patch = source(server).fetch(GTIN14)
    assert patch is not None and patch.price == Decimal("19.99")
    assert (patch.promo_price, patch.promo_until, patch.stock, patch.aisle, patch.online,
            patch.delivery_days) == (None,) * 6
    [warning] = warnings(caplog)
    assert "promo_price" in warning and "stock" in warning and "19.99" not in warning


@pytest.mark.parametrize("price", [-3, 0, 1e8, "cheap", "NaN", [3], None])
def test_unusable_prices(server: ContentServer, price: object) -> None:
    server.route(PATH, json_reply({"offers": {"price": price}, "inventory": {"quantity": 1}}))
    patch = source(server).fetch(GTIN14)
    assert patch is not None and patch.price is None and patch.stock == 1


@pytest.mark.parametrize("reply, reason", [
    (Reply(body=b"<!DOCTYPE html><html><body>Maintenance</body></html>",
           content_type="text/html; charset=utf-8"), "text/html"),
    (Reply(body=b"\x89PNG{not json<<<\xff\xfe" * 50, content_type="application/json"),
     "not JSON"),
    (Reply(body=b'{"offers": {"price": NaN}}'), "not JSON"),
    (json_reply({"something": "else"}), "no configured field"),
    (json_reply([1, 2, 3]), "no configured field"),
    (Reply(status=301, body=b""), "301"),
    (json_reply({"error": "bad request"}, 400), "400"),
], ids=["html", "garbage", "nan", "other-json", "array", "redirect", "400"])
def test_unusable_answer_is_none_with_one_warning(server: ContentServer,
                                                   caplog: pytest.LogCaptureFixture,
                                                   reply: Reply, reason: str) -> None:
    server.route(PATH, reply)
    assert source(server).fetch(GTIN14) is None
    [warning] = warnings(caplog)
    assert reason in warning and "3017620422003" in warning
    assert len(warning) <= 200 and "Maintenance" not in warning and "PNG" not in warning


def test_not_found_is_none_quietly(server: ContentServer,
                                   caplog: pytest.LogCaptureFixture) -> None:
    assert source(server).fetch(GTIN14) is None  # no route: a JSON 404
    assert warnings(caplog) == []


@pytest.mark.parametrize("status", [500, 502, 503, 429, 401, 403])
def test_server_errors_mean_unavailable(server: ContentServer, status: int) -> None:
    server.route(PATH, json_reply({"error": "x"}, status))
    with pytest.raises(SourceUnavailable):
        source(server).fetch(GTIN14)


def test_server_down_is_unavailable_quickly(server: ContentServer) -> None:
    rest = source(server)
    server.stop()
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="unreachable"):
        rest.fetch(GTIN14)
    assert time.monotonic() - started < 3  # two retries with a short backoff


def test_slow_drip_is_bounded_by_the_timeout(server: ContentServer) -> None:
    server.route(PATH, Reply(mode="drip", interval=0.2))
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="still arriving"):
        source(server, timeout_s=1).fetch(GTIN14)
    assert time.monotonic() - started < 2.5


def test_hanging_server_times_out(server: ContentServer) -> None:
    server.route(PATH, Reply(mode="hang"))
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="timed out"):
        source(server, timeout_s=0.3).fetch(GTIN14)
    assert time.monotonic() - started < 3  # three attempts of 0.3 s, backoff 0.6 s
    assert len(server.requests(PATH)) == 3  # the first try and two retries


@pytest.mark.parametrize("announce", [True, False], ids=["announced", "chunked"])
def test_huge_body_is_refused_without_reading_it(server: ContentServer,
                                                 caplog: pytest.LogCaptureFixture,
                                                 announce: bool) -> None:
    server.route(PATH, Reply(mode="huge", announce_length=announce))
    started = time.monotonic()
    assert source(server, max_bytes=100_000).fetch(GTIN14) is None
    assert time.monotonic() - started < 3
    [warning] = warnings(caplog)
    assert "max_bytes" in warning
    time.sleep(0.2)
    assert server.sent_bytes < 16 * 1024 * 1024  # of 64 MiB: the rest was never read


def test_compressed_answers_are_read_and_bounded_once_decompressed(
        server: ContentServer, caplog: pytest.LogCaptureFixture) -> None:
    server.route(PATH, Reply(body=gzip.compress(json.dumps(GOOD).encode()),
                             headers=(("Content-Encoding", "gzip"),)))
    patch = source(server).fetch(GTIN14)
    assert patch is not None and patch.price == Decimal("3.49")
    bomb = gzip.compress(b'{"offers": {"price": 1.0, "x": "' + b"0" * 50_000_000 + b'"}}')
    assert len(bomb) < 100_000  # small on the wire, 50 MB once decompressed
    server.route(PATH, Reply(body=bomb, headers=(("Content-Encoding", "gzip"),)))
    started = time.monotonic()
    assert source(server, max_bytes=1_000_000).fetch(GTIN14) is None
    assert time.monotonic() - started < 2
    assert "max_bytes" in warnings(caplog)[0]


def test_bearer_token_from_the_environment(server: ContentServer,
                                           monkeypatch: pytest.MonkeyPatch,
                                           caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("KIOSK_SHOP_TOKEN", "s3cret-token")
    server.route(PATH, json_reply(GOOD))
    patch = source(server, auth={"bearer_env": "KIOSK_SHOP_TOKEN"}).fetch(GTIN14)
    assert patch is not None
    assert server.requests(PATH)[0].headers["Authorization"] == "Bearer s3cret-token"
    assert "s3cret" not in caplog.text


def test_api_key_header_from_the_environment(server: ContentServer,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_SHOP_KEY", "k-123")
    server.route(PATH, json_reply(GOOD))
    rest = source(server, auth={"header": "X-Api-Key", "env": "KIOSK_SHOP_KEY"})
    assert rest.fetch(GTIN14) is not None
    headers = server.requests(PATH)[0].headers
    assert headers["X-Api-Key"] == "k-123" and "Authorization" not in headers


def test_missing_secret_is_unavailable_without_asking(server: ContentServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_SHOP_TOKEN", raising=False)
    server.route(PATH, json_reply(GOOD))
    with pytest.raises(SourceUnavailable, match="KIOSK_SHOP_TOKEN is not set"):
        source(server, auth={"bearer_env": "KIOSK_SHOP_TOKEN"}).fetch(GTIN14)
    assert server.requests() == []


def test_an_error_page_with_the_token_is_not_logged(server: ContentServer,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    server.route(PATH, Reply(status=200, body=b"<html>token=s3cret</html>",
                             content_type="text/html"))
    rest = source(server, environ={"TOKEN": "s3cret"}, auth={"bearer_env": "TOKEN"})
    assert rest.fetch(GTIN14) is None
    assert "s3cret" not in caplog.text


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_value_readers_never_raise_and_stay_in_range(value: object) -> None:
    price = as_price(value)
    assert price is None or (Decimal("0.01") <= price <= Decimal("1e7")
                             and price == price.quantize(Decimal("0.01")))
    count = as_count(value)
    assert count is None or count >= 0
    days = as_days(value)
    assert days is None or 0 <= days <= 365
    as_date(value)
    text = as_text(value)
    assert text is None or (text and "\n" not in text)


def test_value_readers_on_usual_shapes() -> None:
    assert as_price("19,99") == Decimal("19.99")
    assert as_price(10) == Decimal("10.00")
    assert as_price(0.004) is None  # rounds to nothing
    assert as_price(True) is None
    assert as_count(12.0) == 12 and as_count(-2) == 0 and as_count("12") is None
    assert as_date("2026-12-31T23:59:59Z") == dt.date(2026, 12, 31)
    assert as_date("31/12/2026") is None
