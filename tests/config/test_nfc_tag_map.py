"""The staff's NFC tag map and reader area: checked like every staff file, FILE:LINE first."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import load_config
from tests.config.test_broken_configs import errors, line_of, mutate

TAGS = "nfc-tags.yaml"
STORE = "store.yaml"


def test_the_demo_tag_map_is_read_with_normalised_ids_and_gtin14(store_copy: Path) -> None:
    config = load_config(store_copy)
    assert config.nfc_tags == {"04A22B1A5C8080": "03760000000017",
                               "03FEFFE011223344": "03760000000178"}
    assert config.store.sources.nfc.position == (0.5, 0.5)


def test_a_tag_id_that_is_not_hex_is_explained(store_copy: Path) -> None:
    line = mutate(store_copy, TAGS, r'^  - id: "04:A2.*"$', '  - id: "04:A2:ZZ"')
    assert any(e.startswith(f"{store_copy / TAGS}:{line}: tags[0].id: ") and "hex bytes" in e
               for e in errors(store_copy))


def test_a_product_missing_from_the_catalog_is_named(store_copy: Path) -> None:
    line = mutate(store_copy, TAGS, r'^    gtin: "3760000000017"$', '    gtin: "3760000009997"')
    assert (f"{store_copy / TAGS}:{line}: tags[0].gtin: GTIN 3760000009997 is not in the "
            "catalog") in errors(store_copy)


def test_a_bad_check_digit_is_caught(store_copy: Path) -> None:
    line = mutate(store_copy, TAGS, r'^    gtin: "3760000000017"$', '    gtin: "3760000000018"')
    assert any(e.startswith(f"{store_copy / TAGS}:{line}: tags[0].gtin: ") and "check digit" in e
               for e in errors(store_copy))


def test_the_same_tag_listed_twice_points_at_the_first(store_copy: Path) -> None:
    first = line_of(store_copy, TAGS, r'^  - id: "04:A2')
    second = mutate(store_copy, TAGS, r'^  - id: "03:FE.*"$', '  - id: "04a22b1a5c8080"')
    assert (f"{store_copy / TAGS}:{second}: tags[1].id: tag 04A22B1A5C8080 is already listed "
            f"at line {first}") in errors(store_copy)


def test_a_missing_tag_map_points_at_the_store_setting(store_copy: Path) -> None:
    (store_copy / TAGS).unlink()
    line = line_of(store_copy, STORE, r"^    tags: ")
    assert (f"{store_copy / STORE}:{line}: sources.nfc.tags: tag map 'nfc-tags.yaml' not "
            f"found in {store_copy}") in errors(store_copy)


def test_a_tag_map_outside_the_config_folder_is_refused(store_copy: Path) -> None:
    line = mutate(store_copy, STORE, r"^    tags: .*$", "    tags: ../../etc/passwd")
    assert (f"{store_copy / STORE}:{line}: sources.nfc.tags: '../../etc/passwd' leaves the "
            "config folder") in errors(store_copy)


def test_unknown_keys_and_broken_yaml_in_the_tag_map(store_copy: Path) -> None:
    line = mutate(store_copy, TAGS, r"^    note: .*$", '    note: "x"\n    product: "y"')
    assert any(e.startswith(f"{store_copy / TAGS}:{line + 1}: tags[0].product: unknown key")
               for e in errors(store_copy))
    (store_copy / TAGS).write_text("tags: [\n", encoding="utf-8")
    assert any(e.startswith(f"{store_copy / TAGS}:") for e in errors(store_copy))


def test_the_reader_area_must_lie_on_the_table(store_copy: Path) -> None:
    line = mutate(store_copy, STORE, r"^    position: .*$", "    position: [1.4, 0.5]")
    assert any(e.startswith(f"{store_copy / STORE}:{line}: sources.nfc.position[0]: ")
               for e in errors(store_copy))


def test_without_a_tag_map_nothing_is_mapped(store_copy: Path) -> None:
    mutate(store_copy, STORE, r"^    tags: .*\n", "")
    assert load_config(store_copy).nfc_tags == {}
