"""The cart link ("Order it"): its templates, the encoding of every value, the sku fallback,
sending it through the existing channels, and the mistakes staff can make in store.yaml."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from kiosk.analytics.log import EventLog
from kiosk.analytics.usage import Usage
from kiosk.catalog.catalog import Catalog
from kiosk.config import ConfigInvalid, KioskConfig, load_config
from kiosk.config.catalog import Product
from kiosk.config.handoff import Handoff
from kiosk.handoff.cart import cart_link
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.service import SendService
from tests.config.test_broken_configs import mutate
from tests.handoff.configs import PULSE_42_BLUE, PULSE_43_BLUE, TV, local, with_handoff
from tests.handoff.servers import WebhookServer

CART = "https://shop.example.com/cart/{items}?ref={ref}&store={store_id}"


@pytest.fixture(scope="module")
def catalog(demo_config: KioskConfig) -> Catalog:
    return Catalog.from_config(demo_config)


def product(catalog: Catalog, code: str, **changes: object) -> Product:
    found = catalog.get(code)
    assert found is not None
    return found.model_copy(update=changes) if changes else found


def handoff(**fields: object) -> Handoff:
    return Handoff(**{"product_url": "https://shop.example.com/p/{gtin}", "cart_url": CART,
                      **fields})


def test_the_default_item_is_sku_and_quantity(catalog: Catalog) -> None:
    items = [(product(catalog, PULSE_42_BLUE), 2), (product(catalog, PULSE_43_BLUE), 1)]
    assert cart_link(handoff(ref="table-3"), "paris-rivoli", items) == (
        "https://shop.example.com/cart/TP3-BLU-42:2,TP3-BLU-43:1?ref=table-3&store=paris-rivoli")


def test_the_ref_defaults_to_the_store_id(catalog: Catalog) -> None:
    link = cart_link(handoff(), "paris-rivoli", [(product(catalog, PULSE_42_BLUE), 1)])
    assert link.endswith("?ref=paris-rivoli&store=paris-rivoli")


def test_a_product_without_sku_goes_by_its_gtin(catalog: Catalog) -> None:
    tv = product(catalog, TV)
    assert tv.sku is None
    link = cart_link(handoff(), "s", [(tv, 1), (product(catalog, PULSE_42_BLUE), 1)])
    assert "/cart/3760000000017:1,TP3-BLU-42:1?" in link


def test_other_item_templates(catalog: Catalog) -> None:
    shoe = product(catalog, PULSE_42_BLUE)
    gtin_only = handoff(cart_item="{gtin}", cart_url="https://s.example/add?i={items}")
    assert cart_link(gtin_only, "s", [(shoe, 3)]) == "https://s.example/add?i=3760000000093"
    both = handoff(cart_item="{sku};{gtin};x{quantity}")
    assert "/cart/TP3-BLU-42;3760000000093;x3?" in cart_link(both, "s", [(shoe, 3)])


def test_a_product_listed_twice_is_one_item_with_both_quantities(catalog: Catalog) -> None:
    shoe, tv = product(catalog, PULSE_42_BLUE), product(catalog, TV)
    link = cart_link(handoff(), "s", [(shoe, 1), (tv, 1), (shoe, 2)])
    assert "/cart/TP3-BLU-42:3,3760000000017:1?" in link


def test_every_value_is_url_encoded_and_cannot_break_out(catalog: Catalog) -> None:
    odd = product(catalog, PULSE_42_BLUE, sku="TP3 BLU/42&x=1,2?#é")
    link = cart_link(handoff(ref="table 1&admin=1#top"), "paris-rivoli", [(odd, 1)])
    parts = urlsplit(link)
    assert parts.fragment == ""
    assert parse_qs(parts.query) == {"ref": ["table 1&admin=1#top"], "store": ["paris-rivoli"]}
    path = parts.path.removeprefix("/cart/")
    (item,) = path.split(",")  # the comma inside the sku does not make a second item
    sku, _, quantity = item.rpartition(":")
    assert (unquote(sku), quantity) == ("TP3 BLU/42&x=1,2?#é", "1")
    assert "TP3%20BLU%2F42%26x%3D1%2C2%3F%23%C3%A9" in link


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True])
def test_a_quantity_must_be_a_whole_number_from_1(catalog: Catalog, quantity: object) -> None:
    with pytest.raises(ValueError, match="quantity"):
        cart_link(handoff(), "s", [(product(catalog, TV), quantity)])  # type: ignore[list-item]


def test_an_empty_cart_or_no_cart_url_is_an_error(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="at least one item"):
        cart_link(handoff(), "s", [])
    with pytest.raises(ValueError, match="no cart_url"):
        cart_link(handoff(cart_url=None), "s", [(product(catalog, TV), 1)])


# -- through the send service ------------------------------------------------------------


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    box = Outbox(tmp_path / "outbox.sqlite3")
    yield box
    box.close()


def service_for(config: KioskConfig, outbox: Outbox | None = None,
                usage: Usage | None = None, nfc: object = None) -> SendService:
    return SendService(config, Catalog.from_config(config), outbox, None, time.monotonic,
                       nfc, usage)  # type: ignore[arg-type]


def test_the_service_counts_repeated_codes_and_skips_unknown_ones(
        demo_config: KioskConfig) -> None:
    service = service_for(demo_config)
    try:
        assert service.cart_link((PULSE_42_BLUE, "nfc-tag-1", PULSE_42_BLUE, TV)) == (
            "https://shop.maison-rivoli.example/cart/TP3-BLU-42:2,3760000000017:1"
            "?ref=rivoli-table-1&store=paris-rivoli")
        assert service.cart_link(("nfc-tag-1",)) is None
        assert service.link((TV,), kind="cart") == service.cart_link((TV,))
        assert service.link((TV,)) == service.link((TV,), kind="product") != service.cart_link(
            (TV,))
    finally:
        service.close()


def test_no_cart_url_no_cart_link(demo_config: KioskConfig) -> None:
    service = service_for(with_handoff(demo_config, cart_url=None))
    try:
        assert service.cart_link((TV,)) is None
        assert service.link((TV,), kind="cart") is None
    finally:
        service.close()


def test_the_cart_goes_by_sms_and_is_counted_as_ordered(demo_config: KioskConfig,
                                                        webhook: WebhookServer, outbox: Outbox,
                                                        tmp_path: Path) -> None:
    events = EventLog(tmp_path / "events.sqlite3")
    usage = Usage(events)
    usage.placed(PULSE_42_BLUE)
    service = service_for(local(demo_config, webhook), outbox, usage)
    try:
        result = service.send("sms", "06 12 34 56 78", (PULSE_42_BLUE, TV), "fr", kind="cart")
        assert result.ok and result.written is not None
        message_id = result.written.result(5)
        (message,) = outbox.messages()
        assert message.id == message_id and message.url == service.cart_link((PULSE_42_BLUE, TV))
        assert message.url in message.text
        product_link = service.send("sms", "0612345678", (TV,), "fr")  # the default stays
        assert product_link.written is not None
        product_link.written.result(5)
        assert outbox.messages()[1].url == service.link((TV,))
        assert events.flush(5)
    finally:
        service.close()
        events.close()
    import sqlite3

    with sqlite3.connect(tmp_path / "events.sqlite3") as conn:
        rows = conn.execute("SELECT kind, gtin, value FROM events WHERE kind IN ('ordered', "
                            "'send') ORDER BY id").fetchall()
        everything = " ".join(str(value) for row in conn.execute("SELECT * FROM events")
                              for value in row)
    assert rows == [("ordered", "0" + PULSE_42_BLUE, "sms"), ("ordered", "0" + TV, "sms"),
                    ("send", "0" + TV, "sms")]
    assert "612345678" not in everything


class Reader:
    """An NFC reader that can present a tag: remembers the link it was given."""

    can_emulate = True

    def __init__(self) -> None:
        self.offered: list[str] = []

    def offer_link(self, url: str, seconds: float, done: object) -> bool:
        self.offered.append(url)
        return True


def test_nfc_offers_the_cart_link_when_asked(demo_config: KioskConfig) -> None:
    reader = Reader()
    service = service_for(demo_config, nfc=reader)
    try:
        assert service.offer_nfc((TV,), lambda state: None)
        assert service.offer_nfc((TV,), lambda state: None, kind="cart")
        assert reader.offered == [service.link((TV,)), service.cart_link((TV,))]
    finally:
        service.close()


# -- mistakes in store.yaml ----------------------------------------------------------------


def errors(config: Path) -> list[str]:
    with pytest.raises(ConfigInvalid) as invalid:
        load_config(config)
    return [str(error) for error in invalid.value.errors]


@pytest.mark.parametrize(("pattern", "replacement", "key", "words"), [
    (r'^  cart_url: "https', '  cart_url: "ftp', "cart_url", "must start with https://"),
    (r"cart/\{items\}", "cart/{gtins}", "cart_url", "unknown placeholder {gtins}; use {items}, "
                                                    "{ref}, {store_id}"),
    (r"cart/\{items\}", "cart/", "cart_url", "the link must contain {items}"),
    (r"cart/\{items\}", "cart/{items", "cart_url", "broken placeholder"),
    (r"cart/\{items\}", "cart/{items!r}", "cart_url", "write placeholders plainly"),
    (r'^  cart_item: .*$', '  cart_item: "{quantity}"', "cart_item",
     "a cart item must contain {sku} or {gtin}"),
    (r'^  cart_item: .*$', '  cart_item: "{sku},{quantity}"', "cart_item",
     "cannot contain a comma"),
    (r'^  cart_item: .*$', '  cart_item: "{sku}:{qty}"', "cart_item",
     "unknown placeholder {qty}; use {gtin}, {quantity}, {sku}"),
    (r'^  ref: .*$', "  ref: [a, b]", "ref", "Input should be a valid string"),
])
def test_cart_mistakes_are_reported_at_their_line(store_copy: Path, pattern: str,
                                                  replacement: str, key: str,
                                                  words: str) -> None:
    line = mutate(store_copy, "store.yaml", pattern, replacement)
    found = errors(store_copy)
    where = f"{store_copy / 'store.yaml'}:{line}: handoff.{key}: "
    assert any(e.startswith(where) and words in e for e in found), found


def test_reserve_without_sms_is_refused(store_copy: Path) -> None:
    text = (store_copy / "store.yaml").read_text(encoding="utf-8")
    start = text.index("  sms:\n")
    end = text.index("  # Sending the link by e-mail")
    (store_copy / "store.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    found = errors(store_copy)
    assert any(e.startswith(f"{store_copy / 'store.yaml'}:") and "reserve needs sms" in e
               for e in found), found


def test_the_demo_store_offers_order_and_reserve(demo_config: KioskConfig) -> None:
    handoff = demo_config.store.handoff
    assert handoff.cart_url and "{items}" in handoff.cart_url
    assert handoff.cart_item == "{sku}:{quantity}" and handoff.ref == "rivoli-table-1"
    assert handoff.reserve is not None and handoff.reserve.token_env == "KIOSK_RESERVE_TOKEN"
