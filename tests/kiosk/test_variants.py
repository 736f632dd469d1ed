"""A product of a family on its panel, end to end in step-mode scenarios: a chip per size and
colour with its stock here, a tap shows that variant (marked as not on the table), "Commander"
shows the cart link as a QR code (read back from the screenshot), "Réserver" reaches the
store's stock service on 127.0.0.1 with the right product and store. French and English."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import cv2
import pytest
import zxingcpp

from hardware.gtin import normalise_code
from kiosk.catalog.catalog import Catalog
from kiosk.commands.simulate import play_scenario
from kiosk.config import KioskConfig, load_config
from kiosk.handoff.service import SendService
from kiosk.simulator.scenario import load_scenario
from tests.handoff.configs import local
from tests.handoff.servers import WebhookServer, wait_until
from tests.kiosk.scenarios import TODAY, find, run, tree
from tests.paths import DEMO_CONFIG

PULSE_42 = "3760000000093"  # 42 Bleu: 14 here
PULSE_43 = "3760000010146"  # 43 Bleu: none here, not online, 2 in Lyon Part-Dieu
PULSE_44 = "3760000010153"  # 44 Bleu: none here, online in 2 days
PULSE_42_BLACK = "3760000010221"
LYON = "lyon-part-dieu"
WORDS = {
    "fr": {"size": "Pointure", "colour": "Coloris", "blue": "Bleu", "black": "Noir",
           "order": "Commander", "reserve": "Réserver", "agree": "J'accepte",
           "confirm": "Confirmer", "send": "Envoyer", "sms": "SMS", "close": "Fermer",
           "none_here": "Épuisé dans ce magasin", "online": "En ligne : livré sous 2\u00a0j",
           "lyon": "Aussi à Lyon Part-Dieu (2)", "away": "Pas sur la table — vous voyez : "
                                                          "pointure 44"},
    "en": {"size": "Size", "colour": "Colour", "blue": "Blue", "black": "Black",
           "order": "Order", "reserve": "Reserve", "agree": "I agree", "confirm": "Confirm",
           "send": "Send", "sms": "SMS", "close": "Close",
           "none_here": "Out of stock in this store", "online": "Online: delivered in 2 days",
           "lyon": "Also at Lyon Part-Dieu (2)", "away": "Not on the table — showing size 44"},
}
HERE_STOCK = {"38": "low", "39": "in_stock", "40": "low", "41": "in_stock", "42": "in_stock",
              "43": "none", "44": "none", "45": "low", "46": "none"}
"""The stock of each size of the blue Pulse 3 in the demo store: 3, 5, 2, 6, 14, 0, 0, 1, 0."""


def placed(at: float = 0.1) -> dict[str, Any]:
    """The blue 42 in front of a shopper at the bottom edge, with room for a full panel."""
    return {"at": at, "place": {"gtin": PULSE_42, "x": 0.3, "y": 0.8}}


def tap(label: str, at: float) -> dict[str, Any]:
    return {"at": at, "tap": {"label": label, "within": PULSE_42}}


def typed(text: str, at: float) -> list[dict[str, Any]]:
    return [tap(key, round(at + index * 0.05, 2)) for index, key in enumerate(text)]


def panel_nodes(folder: Path, name: str) -> list[dict[str, Any]]:
    """The widgets of the shoe's own panel (not of a sheet over it)."""
    code = normalise_code(PULSE_42)
    return [node for node in tree(folder, name) if node["layer"] == code]


def chips(nodes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(label, text) of each chip, in the order drawn."""
    return [(node["label"], node["text"]) for node in find(nodes, role="chip")]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_panel_shows_each_size_and_colour_with_its_stock_here(
        demo_config: KioskConfig, tmp_path: Path, locale: str) -> None:
    words = WORDS[locale]
    result = run(demo_config, tmp_path, [placed(), {"at": 0.5, "screenshot": "family"}],
                 locale=locale)
    assert result.ok, result.stats.errors
    nodes = panel_nodes(tmp_path, "family")
    assert [node["text"] for node in find(nodes, role="option")] == [words["size"],
                                                                     words["colour"]]
    drawn = chips(nodes)
    sizes, colours = drawn[:9], drawn[9:]
    assert [label for label, _ in sizes] == [str(size) for size in range(38, 47)]
    assert [label for label, _ in colours] == [words["blue"], words["black"]]
    for label, text in sizes:
        states = text.split()
        assert states[0] == HERE_STOCK[label], (label, text)
        assert ("selected" in states) == (label == "42")
    assert colours == [(words["blue"], "in_stock selected"), (words["black"], "in_stock")]
    for node in find(nodes, role="chip"):
        assert node["tappable"] and not node["covered"] and node["text_px"] >= 24
        assert min(node["rect"][2:]) >= 48
    assert not find(nodes, role="not_on_table")


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_size_tapped_shows_that_variant_then_the_one_on_the_table_again(
        store_copy: Path, tmp_path: Path, locale: str) -> None:
    catalog = store_copy / "catalog" / "running.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('sku: "TP3-BLU-44"\n',
                                    'sku: "TP3-BLU-44"\n    price: 149.00\n    promo: null\n'),
                       encoding="utf-8")
    config = load_config(store_copy, data_dir=tmp_path / "index")
    words = WORDS[locale]
    result = run(config, tmp_path, [
        placed(), {"at": 0.5, "screenshot": "on-table"},
        tap("44", 0.7), {"at": 1.0, "screenshot": "size-44"},
        tap(words["black"], 1.2), {"at": 1.5, "screenshot": "black-44"},
        tap("42", 1.7), tap(words["blue"], 1.9), {"at": 2.2, "screenshot": "back"},
    ], locale=locale)
    assert result.ok, result.stats.errors
    before, after = panel_nodes(tmp_path, "on-table"), panel_nodes(tmp_path, "size-44")
    (price,) = find(after, role="price")
    assert "149" in price["text"] and price["text"] != find(before, role="price")[0]["text"]
    assert not find(after, role="promotion")
    lines = [node["text"] for node in find(after, role="availability")]
    assert lines[:2] == [words["none_here"], words["online"]]
    (away,) = find(after, role="not_on_table")
    assert away["text"] == words["away"] and not away["covered"]
    assert ("44", "none selected") in chips(after)
    assert ("42", "in_stock") in chips(after)
    black = panel_nodes(tmp_path, "black-44")
    (gallery,) = find(black, role="gallery")
    assert gallery["text"] == "products/trevia-pulse-3-black-1.png"
    assert (words["black"], "low selected") in chips(black)  # 44 Noir: 1 here
    back = panel_nodes(tmp_path, "back")
    assert not find(back, role="not_on_table")
    assert find(back, role="price")[0]["text"] == find(before, role="price")[0]["text"]
    assert ("42", "in_stock selected") in chips(back)
    assert find(back, role="gallery")[0]["text"] == "products/trevia-pulse-3-1.png"
    assert find(back, role="availability")[0]["text"] == find(
        before, role="availability")[0]["text"]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_another_store_is_shown_with_its_stock(demo_config: KioskConfig, tmp_path: Path,
                                               locale: str) -> None:
    result = run(demo_config, tmp_path, [placed(), tap("43", 0.5),
                                         {"at": 0.8, "screenshot": "size-43"}], locale=locale)
    assert result.ok, result.stats.errors
    nodes = panel_nodes(tmp_path, "size-43")
    assert WORDS[locale]["lyon"] in [node["text"] for node in find(nodes, role="availability")]
    assert find(nodes, role="button", label=WORDS[locale]["reserve"])
    assert not find(nodes, role="button", label=WORDS[locale]["order"])  # not sold online


def decoded(image: Path) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(cv2.imread(str(image)))
            if code.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_order_shows_the_cart_of_the_size_shown_as_a_qr_code(
        demo_config: KioskConfig, tmp_path: Path, locale: str) -> None:
    words = WORDS[locale]
    service = SendService(demo_config, Catalog.from_config(demo_config), None, None,
                          time.monotonic)
    expected = service.cart_link((PULSE_44,))
    service.close()
    assert expected is not None and "TP3-BLU-44" in expected
    result = run(demo_config, tmp_path, [
        placed(), tap("44", 0.5), tap(words["order"], 0.8),
        {"at": 1.2, "screenshot": "order"}], locale=locale)
    assert result.ok, result.stats.errors
    nodes = tree(tmp_path, "order")
    (sheet,) = find(nodes, role="sheet")
    assert sheet["label"] == words["order"] and sheet["text"] == normalise_code(PULSE_44)
    (qr,) = find(nodes, role="qr")
    assert qr["text"] == expected and not qr["covered"]
    assert decoded(tmp_path / "order.png") == [expected]


def test_order_by_sms_sends_the_cart_link(demo_config: KioskConfig, tmp_path: Path,
                                          webhook: WebhookServer) -> None:
    config = local(demo_config, webhook)
    service = SendService(config, Catalog.from_config(config), None, None, time.monotonic)
    expected = service.cart_link((PULSE_44,))
    service.close()
    result = run(config, tmp_path, [
        placed(), tap("44", 0.5), tap("Commander", 0.8), tap("SMS", 1.0),
        *typed("0612345678", 1.2), tap("J'accepte", 1.9), tap("Envoyer", 2.0),
        {"at": 2.3, "screenshot": "sent"}])
    assert result.ok, result.stats.errors
    wait_until(lambda: len(webhook.received()) == 1)
    body = webhook.received()[0].json()
    assert body["to"] == "+33612345678" and body["url"] == expected
    assert expected in body["text"]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_reserving_a_size_in_another_store_by_sms(demo_config: KioskConfig, tmp_path: Path,
                                                  webhook: WebhookServer, locale: str) -> None:
    words = WORDS[locale]
    stock = WebhookServer()
    stock.default = (201, {"code": "LY-42", "until": "2026-12-05T19:00:00"})
    stock.start()
    try:
        result = run(local(demo_config, webhook, stock), tmp_path, [
            placed(), tap("43", 0.5), tap(words["reserve"], 0.8),
            {"at": 1.1, "screenshot": "where"},
            tap("Lyon Part-Dieu", 1.3), *typed("0612345678", 1.5),
            {"at": 2.1, "screenshot": "phone"},
            tap(words["confirm"], 2.2), {"at": 2.4, "screenshot": "refused"},
            tap(words["agree"], 2.6), tap(words["confirm"], 2.8),
            {"at": 3.1, "screenshot": "sent"}], locale=locale)
        assert result.ok, result.stats.errors
        where = tree(tmp_path, "where")
        (sheet,) = find(where, role="sheet")
        assert sheet["label"] == words["reserve"]
        on_sheet = [node for node in where if node["layer"].startswith("reserve:")]
        (place,) = [node for node in find(on_sheet, role="button")
                    if node["label"] != words["close"]]
        assert (place["label"], place["text"]) == (
            "Lyon Part-Dieu", "2 en stock" if locale == "fr" else "2 in stock")
        phone = tree(tmp_path, "phone")
        (field,) = find(phone, role="input")
        assert field["text"] != "" and "612345678" not in field["text"]  # masked
        (notice,) = find(tree(tmp_path, "refused"), role="notice")
        assert notice["label"] == "error"  # no consent, nothing sent
        sent = find(tree(tmp_path, "sent"), role="notice")
        assert sent and sent[0]["label"] in ("waiting", "confirmed")
        wait_until(lambda: len(stock.received()) == 1)
        request = stock.received()[0].json()
        assert request["gtin"] == PULSE_43 and request["store_id"] == LYON
        assert request["quantity"] == 1 and request["to"] == "+33612345678"
        assert request["locale"] == locale
    finally:
        stock.stop()


def test_the_demo_scenario_orders_the_44_and_reserves_the_43(
        demo_config: KioskConfig, tmp_path: Path, webhook: WebhookServer) -> None:
    """``config/scenarios/variants.yaml`` plays through, against the test's own servers."""
    stock = WebhookServer()
    stock.default = (201, {"code": "LY-42", "until": "2026-12-05T19:00:00"})
    stock.start()
    try:
        config = local(demo_config, webhook, stock)
        scenario = load_scenario(DEMO_CONFIG / "scenarios" / "variants.yaml",
                                 config.store.locales)
        result = play_scenario(config, scenario, tmp_path, step_mode=True, today=TODAY,
                               data_dir=tmp_path / "data")
        assert result.ok, (result.stats.errors, result.stats.missed_taps)
        service = SendService(config, Catalog.from_config(config), None, None, time.monotonic)
        expected = service.cart_link((PULSE_44,))
        service.close()
        assert decoded(tmp_path / "03-order-qr.png") == [expected]
        assert find(panel_nodes(tmp_path, "02-size-44-online"), role="not_on_table")
        assert not find(panel_nodes(tmp_path, "09-back-to-42"), role="not_on_table")
        wait_until(lambda: len(stock.received()) == 1)
        request = stock.received()[0].json()
        assert (request["gtin"], request["store_id"]) == (PULSE_43, LYON)
        answer = find(tree(tmp_path, "08-reserve-answer"), role="notice")
        assert answer and answer[0]["label"] == "confirmed"
    finally:
        stock.stop()
