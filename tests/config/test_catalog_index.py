"""The compiled catalog index: files compiled once per content, a broken file on its last good
products, errors at their FILE:LINE, deleted files gone, clashes across files, and a cache that
survives damage and a folder it cannot write."""

from __future__ import annotations

import os
import re
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest

import kiosk.config.catalog_compile as catalog_compile
import kiosk.config.catalog_index as catalog_index
from hardware.gtin import check_digit
from kiosk.catalog.catalog import Catalog
from kiosk.config import ConfigInvalid, KioskConfig, load_config
from kiosk.config.index_file import INDEX_FILE

TV = "3760000000017"
KETTLE = "3760000000185"
TV_FILE = "catalog/tv-audio.yaml"
KITCHEN_FILE = "catalog/kitchen.yaml"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The display names of the files compiled from now on (in this process)."""
    names: list[str] = []
    real = catalog_compile.compile_file

    def counting(raw: bytes, display_name: str, *args: object) -> catalog_compile.CompiledFile:
        names.append(Path(display_name).name)
        return real(raw, display_name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_compile, "compile_file", counting)
    return names


def edit(config: Path, name: str, pattern: str, replacement: str) -> None:
    path = config / name
    text, count = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=1,
                          flags=re.MULTILINE)
    assert count == 1, pattern
    path.write_text(text, encoding="utf-8")


def price(config: KioskConfig, code: str = TV) -> Decimal:
    product = Catalog.from_config(config).get(code)
    assert product is not None
    return product.price


def line_of(path: Path, pattern: str, after: str = "") -> int:
    """The first line of ``path`` matching ``pattern`` (after the first one matching
    ``after``)."""
    started = not after
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        started = started or bool(re.search(after, line))
        if started and re.search(pattern, line):
            return number
    raise AssertionError(pattern)


def test_only_files_whose_content_changed_are_compiled_again(
        store_copy: Path, data: Path, compiled: list[str]) -> None:
    load_config(store_copy, data_dir=data)
    assert sorted(compiled) == ["kitchen.yaml", "running.yaml", "tv-audio.yaml"]
    compiled.clear()
    load_config(store_copy, data_dir=data)
    assert compiled == []
    edit(store_copy, TV_FILE, r"^    price: 1299\.00$", "    price: 1249.00")
    config = load_config(store_copy, data_dir=data)
    assert compiled == ["tv-audio.yaml"]
    assert price(config) == Decimal("1249")
    assert (data / INDEX_FILE).is_file()


def test_a_file_unchanged_since_the_last_compile_is_not_even_read(
        store_copy: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in (store_copy / "catalog").glob("*.yaml"):
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    load_config(store_copy, data_dir=data)
    read: list[str] = []
    real = catalog_index.read_bytes

    def counting(path: Path, *args: object) -> object:
        read.append(path.name)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_index, "read_bytes", counting)
    load_config(store_copy, data_dir=data)
    assert read == []
    edit(store_copy, TV_FILE, r"^    price: 1299\.00$", "    price: 1249.00")
    assert price(load_config(store_copy, data_dir=data)) == Decimal("1249")
    assert read == ["tv-audio.yaml"]


def test_a_broken_file_keeps_its_last_good_products_and_says_where(
        store_copy: Path, data: Path) -> None:
    load_config(store_copy, data_dir=data)
    edit(store_copy, TV_FILE, r"^    price: 1299\.00$", "    price: -3")
    edit(store_copy, KITCHEN_FILE, r"^    price: 69\.00$", "    price: 65.00")
    with pytest.raises(ConfigInvalid) as refused:
        load_config(store_copy, data_dir=data)
    wrong = line_of(store_copy / TV_FILE, r"^    price: -3$")
    assert [str(e).split(": ")[0] for e in refused.value.errors] == [
        f"{store_copy / TV_FILE}:{wrong}"]
    running = load_config(store_copy, data_dir=data, keep_last_good=True)
    assert price(running) == Decimal("1299")  # the last good TV
    assert price(running, KETTLE) == Decimal("65")  # the other file's edit is taken
    assert [f"{e.file}:{e.line}" for e in running.problems] == [f"{store_copy / TV_FILE}:{wrong}"]
    assert "greater than 0" in running.problems[0].message


def test_a_file_that_never_was_valid_stops_the_config(store_copy: Path, data: Path) -> None:
    (store_copy / "catalog" / "extra.yaml").write_text(
        "department: {id: extra, name: {fr: Extra}}\nproducts:\n- gtin: '123'\n",
        encoding="utf-8")
    with pytest.raises(ConfigInvalid) as refused:
        load_config(store_copy, data_dir=data, keep_last_good=True)
    assert all(error.file.endswith("extra.yaml") for error in refused.value.errors)
    assert any(error.line == 3 for error in refused.value.errors)


def test_a_deleted_file_takes_its_products_away(store_copy: Path, data: Path) -> None:
    text = (store_copy / KITCHEN_FILE).read_text(encoding="utf-8")
    codes = re.findall(r'^  - gtin: "(\d+)"$', text, flags=re.MULTILINE)
    fresh = {code: f"376000099{index:03d}{check_digit(f'376000099{index:03d}')}"
             for index, code in enumerate(codes)}
    for code, new in fresh.items():
        text = text.replace(f'  - gtin: "{code}"', f'  - gtin: "{new}"')
    extra = store_copy / "catalog" / "extra.yaml"
    extra.write_text(text.replace("id: kitchen", "id: extra"), encoding="utf-8")
    before = Catalog.from_config(load_config(store_copy, data_dir=data))
    assert all(before.get(code) is not None for code in fresh.values())
    extra.unlink()
    after = Catalog.from_config(load_config(store_copy, data_dir=data))
    assert all(after.get(code) is None for code in fresh.values())
    assert "extra" not in [department.id for department in after.departments]
    assert len(after) == len(before) - len(fresh)
    assert before.get(fresh[codes[0]]) is not None  # an open catalog keeps its snapshot


def test_a_gtin_in_two_files_names_both_places(store_copy: Path, data: Path) -> None:
    edit(store_copy, KITCHEN_FILE, r'^  - gtin: "3760000000185"$', f'  - gtin: "{TV}"')
    with pytest.raises(ConfigInvalid) as refused:
        load_config(store_copy, data_dir=data)
    (error,) = [e for e in refused.value.errors if "already used" in e.message]
    kitchen = line_of(store_copy / KITCHEN_FILE, rf'^  - gtin: "{TV}"$')
    tv = line_of(store_copy / TV_FILE, rf'^  - gtin: "{TV}"$')
    assert str(error) == (f"{store_copy / TV_FILE}:{tv}: products[0].gtin: GTIN {TV} "
                          f"is already used at {store_copy / KITCHEN_FILE}:{kitchen}")


def test_a_clash_sends_only_the_changed_file_back_to_its_last_good_content(
        store_copy: Path, data: Path) -> None:
    load_config(store_copy, data_dir=data)
    edit(store_copy, KITCHEN_FILE, r'^  - gtin: "3760000000185"$', f'  - gtin: "{TV}"')
    running = load_config(store_copy, data_dir=data, keep_last_good=True)
    catalog = Catalog.from_config(running)
    assert catalog.get(KETTLE) is not None  # kitchen stays as it was
    assert catalog.department_of(TV).id == "tv-audio"
    (clash,) = [problem for problem in running.problems if "already used" in problem.message]
    assert str(store_copy / KITCHEN_FILE) in str(clash)


def test_a_department_may_span_files_with_the_same_name_only(
        store_copy: Path, data: Path) -> None:
    text = (store_copy / KITCHEN_FILE).read_text(encoding="utf-8")
    first = text.index("\n  - gtin:", text.index("products:"))
    second = text.index("\n  - gtin:", first + 1)
    head = text[:text.index("products:")]
    (store_copy / KITCHEN_FILE).write_text(text[:second] + "\n", encoding="utf-8")
    (store_copy / "catalog" / "kitchen-2.yaml").write_text(
        head + "products:" + text[second:], encoding="utf-8")
    catalog = Catalog.from_config(load_config(store_copy, data_dir=data))
    assert [d.id for d in catalog.departments].count("kitchen") == 1
    assert len(catalog.in_department("kitchen")) == text.count("\n  - gtin:")
    edit(store_copy, "catalog/kitchen-2.yaml", r'fr: "Cuisine"', 'fr: "Cuisine bis"')
    with pytest.raises(ConfigInvalid) as refused:
        load_config(store_copy, data_dir=data)
    assert "already defined" in str(refused.value) and "another name" in str(refused.value)


def test_a_cross_sell_to_a_product_another_edit_removed_is_refused_there(
        store_copy: Path, data: Path) -> None:
    load_config(store_copy, data_dir=data)
    text = (store_copy / TV_FILE).read_text(encoding="utf-8")
    assert "3760000000024" in text  # a product the TV suggests
    edit(store_copy, TV_FILE, r'^  - gtin: "3760000000024"$', '  - gtin: "3760000000994"')
    running = load_config(store_copy, data_dir=data, keep_last_good=True)
    assert Catalog.from_config(running).get("3760000000024") is not None
    assert any("is not in the catalog" in problem.message for problem in running.problems)


def test_a_missing_image_is_reported_at_its_line_and_the_table_still_runs(
        store_copy: Path, data: Path) -> None:
    shutil.copytree(store_copy.parent / "media", store_copy.parent / "media-copy")
    media = store_copy.parent / "media-copy"
    load_config(store_copy, media, data_dir=data)
    image = re.search(r"^      - (products/\S+)$",
                      (store_copy / TV_FILE).read_text(encoding="utf-8"), re.MULTILINE)
    assert image is not None
    (media / image.group(1)).unlink()
    with pytest.raises(ConfigInvalid) as refused:
        load_config(store_copy, media, data_dir=data)
    first = refused.value.errors[0]
    assert first.line == line_of(store_copy / TV_FILE, rf"^      - {re.escape(image.group(1))}$")
    assert "does not exist in the media folder" in first.message
    running = load_config(store_copy, media, data_dir=data, keep_last_good=True)
    assert running.problems and Catalog.from_config(running).get(TV) is not None


def test_a_damaged_index_is_built_again(store_copy: Path, data: Path) -> None:
    load_config(store_copy, data_dir=data)
    (data / INDEX_FILE).write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{data / INDEX_FILE}{suffix}").unlink(missing_ok=True)
    assert price(load_config(store_copy, data_dir=data)) == Decimal("1299")


def test_a_data_folder_that_cannot_hold_the_index_is_a_problem_not_a_failure(
        store_copy: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the data folder should be", encoding="utf-8")
    config = load_config(store_copy, data_dir=blocked / "data")
    assert config.catalog.problem and "cannot be kept" in config.catalog.problem
    assert price(config) == Decimal("1299")


def test_an_open_catalog_keeps_its_snapshot_until_replaced(store_copy: Path, data: Path) -> None:
    first = load_config(store_copy, data_dir=data)
    shown = Catalog.from_config(first)
    edit(store_copy, TV_FILE, r"^    price: 1299\.00$", "    price: 1249.00")
    second = load_config(store_copy, data_dir=data)
    assert shown.get(TV).price == Decimal("1299")
    assert price(second) == Decimal("1249")


PULSE_42 = "3760000000093"


def test_a_family_s_variants_are_found_from_any_of_them(demo_config: KioskConfig) -> None:
    catalog = Catalog.from_config(demo_config)
    variants = catalog.variants(PULSE_42)
    assert len(variants) == 18
    assert {variant.options["fr"]["Pointure"] for variant in variants} == {
        str(size) for size in range(38, 47)}
    assert {variant.options["en"]["Colour"] for variant in variants} == {"Blue", "Black"}
    assert catalog.variants(variants[-1].gtin) == variants
    assert catalog.variants(TV) == []


def test_a_family_needs_the_same_option_names_and_distinct_values(
        store_copy: Path, data: Path) -> None:
    running = store_copy / "catalog" / "running.yaml"
    text = running.read_text(encoding="utf-8")
    twin = text.replace('fr: {Pointure: "43", Coloris: "Bleu"}', 'fr: {Pointure: "42", '
                        'Coloris: "Bleu"}').replace('en: {Size: "43", Colour: "Blue"}',
                                                    'en: {Size: "42", Colour: "Blue"}')
    running.write_text(twin, encoding="utf-8")
    with pytest.raises(ConfigInvalid) as refused:
        load_config(store_copy, data_dir=data)
    assert "another variant of family 'trevia-pulse-3' has the same options" in str(
        refused.value)
    renamed = text.replace('fr: {Pointure: "43", Coloris: "Bleu"}',
                           'fr: {Taille: "43", Coloris: "Bleu"}')
    running.write_text(renamed, encoding="utf-8")
    with pytest.raises(ConfigInvalid) as refused:
        load_config(store_copy, data_dir=data)
    (error,) = refused.value.errors
    assert error.line == line_of(running, r'fr: \{Taille: "43"') - 1
    assert "names its options fr: Pointure, Coloris" in error.message


def test_options_without_a_family_are_refused_at_their_line(store_copy: Path,
                                                             data: Path) -> None:
    edit(store_copy, "catalog/running.yaml", r"^    family: trevia-pulse-3$", "")
    with pytest.raises(ConfigInvalid) as refused:
        load_config(store_copy, data_dir=data)
    assert any("give the family (model) id too" in error.message
               for error in refused.value.errors)
