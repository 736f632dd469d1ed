"""Broken files, written the way staff break them: every error at once, with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hardware.gtin import check_digit
from kiosk.cli import main
from kiosk.config import ConfigInvalid, load_config

TV = "catalog/tv-audio.yaml"
FIRST_GTIN = "3760000000017"


def mutate(config: Path, relative: str, pattern: str, replacement: str) -> int:
    """Replace the first match of ``pattern`` (multiline regex); return its 1-based line."""
    path = config / relative
    text = path.read_text(encoding="utf-8")
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"{pattern!r} not found in {relative}"
    path.write_text(text[:match.start()] + replacement + text[match.end():], encoding="utf-8")
    return text.count("\n", 0, match.start()) + 1


def line_of(config: Path, relative: str, pattern: str) -> int:
    text = (config / relative).read_text(encoding="utf-8")
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match
    return text.count("\n", 0, match.start()) + 1


def errors(config: Path) -> list[str]:
    with pytest.raises(ConfigInvalid) as invalid:
        load_config(config)
    return [str(error) for error in invalid.value.errors]


def test_unknown_key_suggests_the_right_one(store_copy: Path) -> None:
    line = mutate(store_copy, TV, r"^    price:", "    pirce:")
    assert (f"{store_copy / TV}:{line}: products[0].pirce: unknown key 'pirce'; "
            "did you mean 'price'?") in errors(store_copy)


def test_missing_key_points_at_its_product(store_copy: Path) -> None:
    product_line = line_of(store_copy, TV, r"^  - gtin:")
    mutate(store_copy, TV, r"^    brand: .*\n", "")
    assert f"{store_copy / TV}:{product_line}: products[0]: missing key 'brand'" in errors(
        store_copy)


def test_wrong_type(store_copy: Path) -> None:
    line = mutate(store_copy, TV, r"^    price: .*$", '    price: "cher"')
    found = errors(store_copy)
    assert any(e.startswith(f"{store_copy / TV}:{line}: products[0].price: ") and "'cher'" in e
               for e in found), found


def test_bad_check_digit(store_copy: Path) -> None:
    line = mutate(store_copy, TV, rf'^  - gtin: "{FIRST_GTIN}"', '  - gtin: "3760000000018"')
    assert (f"{store_copy / TV}:{line}: products[0].gtin: '3760000000018' has a wrong check "
            "digit: the last digit should be 7") in errors(store_copy)


def test_gtin_written_as_a_number(store_copy: Path) -> None:
    line = mutate(store_copy, TV, rf'^  - gtin: "{FIRST_GTIN}"', f"  - gtin: {FIRST_GTIN}")
    assert any(e.startswith(f"{store_copy / TV}:{line}: products[0].gtin: write the GTIN in "
                            "quotes") for e in errors(store_copy))


def test_duplicate_gtin_across_files(store_copy: Path) -> None:
    line = mutate(store_copy, "catalog/running.yaml", r'^  - gtin: "\d+"',
                  f'  - gtin: "{FIRST_GTIN}"')
    found = errors(store_copy)
    first = f"{store_copy / 'catalog/running.yaml'}:{line}"
    assert any(e.startswith(f"{store_copy / TV}:") and f"GTIN {FIRST_GTIN} is already used at "
               f"{first}" in e for e in found), found


def test_cross_sell_must_exist(store_copy: Path) -> None:
    unknown = "376000000999" + str(check_digit("376000000999"))
    line = mutate(store_copy, TV, r'^    cross_sell: \["\d+"', f'    cross_sell: ["{unknown}"')
    assert any(e.startswith(f"{store_copy / TV}:{line}: products[0].cross_sell[0]: GTIN "
                            f"{unknown} is not in the catalog") for e in errors(store_copy))


def test_image_that_does_not_exist(store_copy: Path) -> None:
    line = mutate(store_copy, TV, r"^      - products/[^\n]+", "      - products/nope.png")
    assert any(e.startswith(f"{store_copy / TV}:{line}: products[0].images[0]: file "
                            "'products/nope.png' does not exist") for e in errors(store_copy))


def test_corrupt_image(store_copy: Path) -> None:
    (store_copy.parent / "media" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    line = mutate(store_copy, TV, r"^      - products/[^\n]+", "      - broken.png")
    assert (f"{store_copy / TV}:{line}: products[0].images[0]: 'broken.png' is not a readable "
            "image (corrupt or truncated?)") in errors(store_copy)


def test_text_file_named_as_an_image(store_copy: Path) -> None:
    (store_copy.parent / "media" / "notes.txt").write_text("hello")
    mutate(store_copy, TV, r"^      - products/[^\n]+", "      - notes.txt")
    assert any("'notes.txt' is not an image" in e for e in errors(store_copy))


def test_paths_that_leave_the_media_folder(store_copy: Path) -> None:
    mutate(store_copy, TV, r"^      - products/[^\n]+", "      - ../config/store.yaml")
    mutate(store_copy, "store.yaml", r"^  font: .*$", "  font: /etc/fonts/x.ttf")
    found = errors(store_copy)
    assert any("'../config/store.yaml' leaves the media folder" in e for e in found), found
    assert any("theme.font: '/etc/fonts/x.ttf' is an absolute path" in e for e in found), found


def test_yaml_syntax_error_has_its_line(store_copy: Path) -> None:
    line = mutate(store_copy, TV, r"^    brand: .*$", "    brand: [Lumina")
    found = errors(store_copy)
    assert len(found) == 1 and "YAML syntax error" in found[0], found
    reported = int(found[0].split(":")[1])
    assert line <= reported <= line + 2


def test_key_written_twice(store_copy: Path) -> None:
    line = mutate(store_copy, TV, r"^    brand: .*$", "    brand: Lumina\n    brand: Lumen")
    assert (f"{store_copy / TV}:{line + 1}: products[0].brand: key 'brand' is written twice "
            f"(first on line {line}); keep one") in errors(store_copy)


def test_only_the_default_language_is_required(store_copy: Path) -> None:
    mutate(store_copy, TV, r"^    name:\n      fr: .*\n      en: .*$",
           '    name:\n      en: "Television"')
    assert any("products[0].name: missing the default language 'fr'" in e
               for e in errors(store_copy))


def test_a_missing_translation_falls_back_to_the_default_language(store_copy: Path) -> None:
    from kiosk.catalog.catalog import Catalog

    mutate(store_copy, TV, r"^    name:\n      fr: .*\n      en: .*$",
           '    name:\n      fr: "Téléviseur"')
    mutate(store_copy, TV, r"^      en:\n(        .*\n)+(?=    reviews:)", "")
    product = Catalog.from_config(load_config(store_copy)).get(FIRST_GTIN)
    assert product is not None
    assert product.name == {"fr": "Téléviseur", "en": "Téléviseur"}
    assert product.specs["en"] == product.specs["fr"]
    assert product.description["en"] != product.description["fr"]


def test_empty_catalog_file(store_copy: Path) -> None:
    (store_copy / "catalog" / "extra.yaml").write_text("# nothing yet\n")
    assert f"{store_copy / 'catalog/extra.yaml'}:1: the file is empty" in errors(store_copy)


@pytest.mark.parametrize(("pattern", "replacement", "words"), [
    (r"^default_locale: \w+", "default_locale: de", "default_locale 'de' is not in locales"),
    (r'^    accent: "#\w+"', '    accent: "orange"', "theme.colors.accent: 'orange' is not a "
                                                     "colour"),
    (r'^  product_url: "https', '  product_url: "ftp', "must start with https://"),
    (r"campaign=\{store_id\}", "campaign={sku}", "unknown placeholder {sku}"),
    (r"^    device: sim", "    device: webcam", "camera device 'webcam' is not a device "
                                                 "index"),
    (r"^    formats: .*$", "    formats: [ean13, qr, pdf417]",
     "sources.camera.formats[2]: Input should be"),
    (r"^  edges: .*$", "  edges: [bottom, bottom]", "each edge may be listed once"),
    (r"^idle_reset_s: .*$", "idle_reset_s: soon", "idle_reset_s: Input should be a valid number"),
])
def test_store_file_mistakes(store_copy: Path, pattern: str, replacement: str,
                             words: str) -> None:
    mutate(store_copy, "store.yaml", pattern, replacement)
    found = errors(store_copy)
    assert any(words in e and e.startswith(f"{store_copy / 'store.yaml'}:") for e in found), found


def test_every_error_of_every_file_at_once(store_copy: Path) -> None:
    mutate(store_copy, "store.yaml", r'^    accent: "#\w+"', '    accent: "orange"')
    mutate(store_copy, TV, r"^    price:", "    pirce:")
    mutate(store_copy, "catalog/kitchen.yaml", r"^    brand: .*\n", "")
    found = errors(store_copy)
    files = {e.split(":")[0] for e in found}
    assert files == {str(store_copy / "store.yaml"), str(store_copy / TV),
                     str(store_copy / "catalog/kitchen.yaml")}


def test_validate_command_lists_errors_and_exits_2(store_copy: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    line = mutate(store_copy, TV, r"^    price:", "    pirce:")
    assert main(["validate", "--config", str(store_copy)]) == 2
    err = capsys.readouterr().err
    assert f"{store_copy / TV}:{line}: products[0].pirce: unknown key 'pirce'" in err
    assert err.strip().splitlines()[-1].endswith("the config was not loaded")


@pytest.mark.parametrize("command", [["simulate", "--headless"], ["run"]])
def test_run_and_simulate_refuse_an_invalid_config(store_copy: Path, command: list[str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    line = mutate(store_copy, TV, r"^    price:", "    pirce:")
    assert main([*command, "--config", str(store_copy)]) == 2
    assert f"{store_copy / TV}:{line}: products[0].pirce" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "-5", "1e9", "vingt"])
def test_a_panel_hold_time_out_of_range_is_refused_with_its_line(store_copy: Path,
                                                                 value: str) -> None:
    line = mutate(store_copy, "store.yaml", r"^idle_panel_s: .*$", f"idle_panel_s: {value}")
    found = errors(store_copy)
    assert any(error.startswith(f"{store_copy / 'store.yaml'}:{line}: idle_panel_s: ")
               for error in found), found
