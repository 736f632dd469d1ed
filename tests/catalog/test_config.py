"""The ``content`` section as staff write it, and its errors as staff read them
(``FILE:LINE: where: message``, through the loader's own reporting)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from kiosk.catalog.sources.fetcher import source_ttls
from kiosk.config.content import (
    ContentConfig,
    LocalSource,
    OpenFoodFactsSourceConfig,
    RestSourceConfig,
    parse_json_path,
)
from kiosk.config.document_check import validate_document
from kiosk.config.fields import Strict
from kiosk.config.yaml_source import read_yaml

GOOD = """\
content:
  sources:                      # in order; each later source overrides earlier fields
    - type: local
    - type: rest
      url: "https://shop.example.com/api/products/{gtin}?store={store_id}"
      auth: {bearer_env: KIOSK_SHOP_TOKEN}
      timeout_s: 5
      ttl_s: 300
      max_bytes: 1000000
      fields:
        price: "$.offers.price"
        promo_price: "$.offers.sale_price"
        promo_until: "$.offers.sale_until"
        stock: "$.inventory.quantity"
        aisle: "$.inventory.aisle"
        online: "$.availability.online"
        delivery_days: "$.availability.delivery_days"
    - type: openfoodfacts
      ttl_s: 86400
"""


class StoreSection(Strict):
    """Stands for ``StoreFile`` with the section wired in."""

    content: ContentConfig = ContentConfig()


def load(tmp_path: Path, text: str) -> tuple[StoreSection | None, list[str]]:
    path = tmp_path / "store.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    document, errors = read_yaml(path, "store.yaml")
    assert document is not None, errors
    found: list = []
    loaded = validate_document(StoreSection, document, {}, found)
    return loaded, [str(error) for error in found]


def rest_source(url: str = "https://shop.example.com/p/{gtin}", fields: str = "price: $.price",
                extra: str = "") -> str:
    return f"""\
content:
  sources:
    - type: rest
      url: "{url}"
      fields: {{{fields}}}{extra}
"""


def test_the_documented_example(tmp_path: Path) -> None:
    loaded, errors = load(tmp_path, GOOD)
    assert errors == [] and loaded is not None
    local, rest, off = loaded.content.sources
    assert isinstance(local, LocalSource)
    assert isinstance(rest, RestSourceConfig) and isinstance(off, OpenFoodFactsSourceConfig)
    assert rest.auth is not None and rest.auth.bearer_env == "KIOSK_SHOP_TOKEN"
    assert rest.fields["stock"] == "$.inventory.quantity"
    assert off.url == "https://world.openfoodfacts.org/api/v2/product/{gtin}.json"
    assert loaded.content.cache_days == 30
    assert source_ttls(loaded.content) == {"rest": 300.0, "openfoodfacts": 86400.0}


def test_without_a_content_section_only_the_catalog(tmp_path: Path) -> None:
    assert ContentConfig().sources == (LocalSource(),)
    loaded, errors = load(tmp_path, "content: {cache_days: 7}\n")
    assert errors == [] and loaded is not None
    assert loaded.content.sources == (LocalSource(),) and loaded.content.remote() == ()


def test_the_local_catalog_is_implicitly_first(tmp_path: Path) -> None:
    loaded, errors = load(tmp_path, "content:\n  sources:\n    - type: openfoodfacts\n")
    assert errors == [] and loaded is not None
    assert [source.type for source in loaded.content.sources] == ["local", "openfoodfacts"]


def test_unknown_field_name_lists_the_known_ones(tmp_path: Path) -> None:
    _, errors = load(tmp_path, rest_source(fields="prise: $.price, colour: $.c"))
    assert errors == [
        "store.yaml:5: content.sources[0].fields.prise: unknown field 'prise'; did you mean "
        "'price'? known fields: price, promo_price, promo_until, stock, aisle, online, "
        "delivery_days",
        "store.yaml:5: content.sources[0].fields.colour: unknown field 'colour'; known fields: "
        "price, promo_price, promo_until, stock, aisle, online, delivery_days"]


def test_bad_url_scheme(tmp_path: Path) -> None:
    _, errors = load(tmp_path, rest_source(url="ftp://shop.example.com/{gtin}"))
    assert errors == ["store.yaml:4: content.sources[0].url: the link must start with "
                      "https:// or http:// and name a server, not 'ftp://shop.example.com/"
                      "{gtin}'"]


def test_bad_placeholders(tmp_path: Path) -> None:
    _, errors = load(tmp_path, rest_source(url="https://shop.example.com/p/{ean}"))
    assert errors == ["store.yaml:4: content.sources[0].url: unknown placeholder {ean}; use "
                      "{gtin}, {store_id}"]
    _, errors = load(tmp_path, rest_source(url="https://shop.example.com/p?s={store_id}"))
    assert errors == ["store.yaml:4: content.sources[0].url: the link must contain {gtin}, "
                      "replaced by the product's barcode number"]
    _, errors = load(tmp_path, rest_source(url="https://shop.example.com/p/{gtin"))
    assert len(errors) == 1 and "broken placeholder" in errors[0]
    _, errors = load(tmp_path, "content:\n  sources:\n    - type: openfoodfacts\n"
                               "      url: https://off.example.com/{store_id}/{gtin}\n")
    assert errors == ["store.yaml:4: content.sources[0].url: unknown placeholder {store_id}; "
                      "use {gtin}"]


def test_bad_json_path_says_how_to_write_one(tmp_path: Path) -> None:
    _, errors = load(tmp_path, rest_source(fields="price: offers.price, stock: '$.a[x]'"))
    assert errors == [
        "store.yaml:5: content.sources[0].fields.price: 'offers.price' is not a JSON path: "
        "start it with $, e.g. $.offers.price, $.items[0].price or $[\"unit price\"]",
        "store.yaml:5: content.sources[0].fields.stock: '$.a[x]' is not a JSON path (stuck at "
        "character 4, '[x]'); write it like $.offers.price, $.items[0].price or "
        "$[\"unit price\"]"]


def test_no_fields_at_all(tmp_path: Path) -> None:
    _, errors = load(tmp_path, rest_source(fields=""))
    assert len(errors) == 1 and "list at least one field to read" in errors[0]


def test_unknown_type_and_unknown_key(tmp_path: Path) -> None:
    _, errors = load(tmp_path, """\
        content:
          sources:
            - type: openfoodfact
            - url: "https://x.example.com/{gtin}"
            - type: rest
              url: "https://x.example.com/{gtin}"
              timout_s: 3
              fields: {price: $.price}
              auth: {bearer_env: KIOSK_SHOP_TOKEN, header: X-Api-Key}
        """)
    assert sorted(errors) == [
        "store.yaml:3: content.sources[0].type: unknown source type 'openfoodfact'; did you "
        "mean 'openfoodfacts'? use local, rest or openfoodfacts",
        "store.yaml:4: content.sources[1]: missing key 'type': say which source this is "
        "(local, rest or openfoodfacts)",
        "store.yaml:7: content.sources[2].timout_s: unknown key 'timout_s'; did you mean "
        "'timeout_s'?",
        "store.yaml:9: content.sources[2].auth: write either bearer_env, or header with env, "
        "not both"]


def test_unknown_key_lists_that_source_s_keys(tmp_path: Path) -> None:
    _, errors = load(tmp_path, "content:\n  sources:\n    - {type: openfoodfacts, lang: fr}\n")
    assert errors == ["store.yaml:3: content.sources[0].lang: unknown key 'lang' for a "
                      "source of type openfoodfacts (known keys: url, timeout_s, ttl_s, max_bytes)"]


def test_auth_header_needs_its_variable(tmp_path: Path) -> None:
    _, errors = load(tmp_path, rest_source(extra="\n      auth: {header: X-Api-Key}"))
    assert errors == ["store.yaml:6: content.sources[0].auth: missing 'env': write "
                      "{bearer_env: KIOSK_SHOP_TOKEN} or {header: X-Api-Key, env: "
                      "KIOSK_SHOP_KEY}"]
    _, errors = load(tmp_path, rest_source(extra="\n      auth: {bearer_env: abc123secret}"))
    assert len(errors) == 1 and "is not an environment variable name" in errors[0]


def test_local_first_and_each_type_once(tmp_path: Path) -> None:
    _, errors = load(tmp_path, """\
        content:
          sources:
            - type: openfoodfacts
            - type: local
            - type: openfoodfacts
        """)
    assert errors == [
        "store.yaml:4: content.sources[1].type: the local catalog always comes first: move "
        "'type: local' to the top of the list, or leave it out",
        "store.yaml:5: content.sources[2].type: openfoodfacts is already listed; each source "
        "type may be listed once"]


def test_limits(tmp_path: Path) -> None:
    _, errors = load(tmp_path, rest_source(extra="\n      timeout_s: 0\n      max_bytes: 10")
                     + "  cache_days: 0\n")
    assert sorted(error.split(": ")[1] for error in errors) == [
        "content.cache_days", "content.sources[0].max_bytes", "content.sources[0].timeout_s"]


def test_json_paths() -> None:
    assert parse_json_path("$") == ()
    assert parse_json_path("$.offers.price") == ("offers", "price")
    assert parse_json_path('$.a[0]["b c"][\'d\']._e-f') == ("a", 0, "b c", "d", "_e-f")
