"""``kiosk import-catalog`` as a stream: files of bounded size, memory that does not grow with
the rows, checks across rows at the end, nothing left behind, a progress bar."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.catalog.catalog import Catalog
from kiosk.catalog.importing import output, rows
from kiosk.catalog.importing.emit import header, product_yaml, reference_yaml
from kiosk.config import load_config
from tests.kiosk.test_import import HEADER, gtin, import_files, row, run, write_csv


def leftovers(config: Path) -> list[str]:
    """Staging folders or temporary files an import could leave."""
    return sorted([path.name for path in config.parent.glob(".kiosk-import-*")]
                  + [path.name for path in config.glob(".kiosk-import-*")]
                  + [path.name for path in (config / "catalog").glob(".*")])


@pytest.fixture
def small_files(monkeypatch: pytest.MonkeyPatch) -> int:
    """Import files of about 20 KB (some 45 products) instead of 4 MB."""
    monkeypatch.setattr(output, "FILE_BYTES", 20_000)
    return 20_000


def test_a_big_department_is_split_into_files_the_loader_reads_in_sheet_order(
        store_copy: Path, tmp_path: Path, small_files: int) -> None:
    sheet = [row(number, department="Outillage" if number % 10 == 0 else "Jardin")
             for number in range(1, 151)]
    code, out = run(write_csv(tmp_path / "big.csv", sheet), store_copy)
    assert code == 0, out
    names = import_files(store_copy)
    jardin = [name for name in names if name.startswith("import-jardin")]
    assert len(jardin) >= 3 and names == sorted(
        [*jardin, "import-outillage.yaml"])
    assert jardin == [f"import-jardin.{number:03d}.yaml" for number in range(1, len(jardin) + 1)]
    heads = set()
    for name in jardin:
        text = (store_copy / "catalog" / name).read_text(encoding="utf-8")
        assert len(text.encode()) <= small_files
        heads.add(text[:text.index("products:\n")])
    assert len(heads) == 1 and "id: jardin" in heads.pop()   # the same department block
    catalog = Catalog.from_config(load_config(store_copy))
    products = catalog.in_department("jardin")
    assert [product.gtin for product in products] == [
        gtin(number) for number in range(1, 151) if number % 10]
    assert len(catalog.in_department("outillage")) == 15
    assert [department.id for department in catalog.departments].count("jardin") == 1
    assert f"wrote {store_copy / 'catalog' / jardin[0]} (" in out
    assert leftovers(store_copy) == []


def test_a_split_department_shrinks_back_to_one_file(store_copy: Path, tmp_path: Path,
                                                     small_files: int) -> None:
    sheet = [row(number) for number in range(1, 61)]
    assert run(write_csv(tmp_path / "v1.csv", sheet), store_copy)[0] == 0
    assert len(import_files(store_copy)) == 2
    code, out = run(write_csv(tmp_path / "v2.csv", sheet[:10]), store_copy)
    assert code == 0, out
    assert import_files(store_copy) == ["import-jardin.yaml"]
    assert "removed" in out and "import-jardin.001.yaml" in out


def test_memory_does_not_grow_with_the_rows(store_copy: Path, tmp_path: Path,
                                            small_files: int,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole import's peak of Python memory for 1,000 and 4,000 rows: the 3,000 more rows
    may cost a few hundred bytes each (the GTINs seen), not the kilobytes of their products
    (3.4 kB a row when the rows are kept)."""
    from kiosk.config import fields

    monkeypatch.setattr(fields, "_image_problem", lambda target: True)  # reads 100 MB buffers

    def sheet(size: int) -> list[dict[str, str]]:
        return [row(number, department=f"Rayon {number % 3}") for number in range(1, size + 1)]

    sizes = (1000, 4000)
    sources = {size: write_csv(tmp_path / f"{size}.csv", sheet(size)) for size in sizes}
    assert run(write_csv(tmp_path / "warm.csv", sheet(200)), store_copy)[0] == 0
    peaks = {}
    for size in sizes:
        tracemalloc.start()
        try:
            code, out = run(sources[size], store_copy)
            peaks[size] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert code == 0, out
    per_row = (peaks[4000] - peaks[1000]) / 3000
    assert per_row < 600, f"{per_row:.0f} bytes more per row (peaks {peaks})"


def test_an_error_in_the_last_row_writes_nothing_and_leaves_nothing(store_copy: Path,
                                                                    tmp_path: Path) -> None:
    assert run(write_csv(tmp_path / "v1.csv", [row(1)]), store_copy)[0] == 0
    previous = (store_copy / "catalog" / "import-jardin.yaml").read_bytes()
    sheet = [*(row(number) for number in range(1, 50)), row(50, price="gratuit")]
    source = write_csv(tmp_path / "p.csv", sheet)
    code, out = run(source, store_copy)
    assert code == 1 and "p.csv:51:price: 'gratuit' is not a price" in out
    assert "nothing was written" in out
    assert (store_copy / "catalog" / "import-jardin.yaml").read_bytes() == previous
    assert leftovers(store_copy) == []
    code, out = run(source, store_copy, skip_bad=True)
    assert code == 0 and "skipped 1 bad row(s): 51" in out
    products = Catalog.from_config(load_config(store_copy)).in_department("jardin")
    assert [product.gtin for product in products] == [gtin(number) for number in range(1, 50)]
    assert leftovers(store_copy) == []


def test_cross_sells_to_rows_further_down_are_checked_at_the_end(store_copy: Path,
                                                                 tmp_path: Path) -> None:
    sheet = [row(1, cross_sell=gtin(3)), row(2, cross_sell=gtin(999)), row(3)]
    source = write_csv(tmp_path / "p.csv", sheet)
    code, out = run(source, store_copy)
    assert code == 1
    assert f"p.csv:3:cross_sell: GTIN {gtin(999)} is neither in the spreadsheet nor in the " \
           "catalog" in out
    assert not any(line.startswith(("p.csv:2:", "p.csv:4:")) for line in out.splitlines())
    code, out = run(source, store_copy, skip_bad=True)
    assert code == 0 and "skipped 1 bad row(s): 3" in out
    catalog = Catalog.from_config(load_config(store_copy))
    assert catalog.get(gtin(1)).cross_sell == (gtin(3),) and catalog.get(gtin(2)) is None


def test_rows_found_bad_at_the_end_are_taken_out_of_written_files(store_copy: Path,
                                                                  tmp_path: Path,
                                                                  small_files: int) -> None:
    """The last row has the GTIN of row 4, written in the first file long before: both go,
    and so does row 2's suggestion of it."""
    sheet = [row(1, cross_sell=gtin(3)), row(2, cross_sell=gtin(5)), row(3),
             *(row(number) for number in range(4, 100)), row(1000, cross_sell=gtin(1))]
    code, out = run(write_csv(tmp_path / "p.csv", sheet), store_copy, skip_bad=True)
    assert code == 0, out
    catalog = Catalog.from_config(load_config(store_copy))
    assert [product.gtin for product in catalog.in_department("jardin")] == [
        *(gtin(number) for number in range(1, 100)), gtin(1000)]
    assert catalog.get(gtin(1)).cross_sell == (gtin(3),)
    assert len(import_files(store_copy)) == 3
    sheet[-1] = row(3)
    code, out = run(write_csv(tmp_path / "p.csv", sheet), store_copy, skip_bad=True)
    assert code == 0, out
    assert f"p.csv:4:gtin: GTIN {gtin(3)} is also on row 101" in out
    assert f"p.csv:101:gtin: GTIN {gtin(3)} is also on row 4" in out
    assert "skipped 2 bad row(s): 4, 101" in out
    assert "1 cross-sell(s) to skipped rows were left out" in out
    catalog = Catalog.from_config(load_config(store_copy))
    assert [product.gtin for product in catalog.in_department("jardin")] == [
        gtin(1), gtin(2), *(gtin(number) for number in range(4, 100))]
    assert catalog.get(gtin(1)).cross_sell == ()
    assert catalog.get(gtin(2)).cross_sell == (gtin(5),)
    assert leftovers(store_copy) == []


def test_a_dropped_cross_sell_is_taken_out_of_its_written_product(store_copy: Path,
                                                                  tmp_path: Path) -> None:
    sheet = [row(1, cross_sell=f"{gtin(2)} {gtin(3)}"), row(2), row(3), row(4, gtin=gtin(2))]
    code, out = run(write_csv(tmp_path / "p.csv", sheet), store_copy, skip_bad=True)
    assert code == 0, out
    assert "skipped 2 bad row(s): 3, 5" in out
    assert "1 cross-sell(s) to skipped rows were left out" in out
    assert Catalog.from_config(load_config(store_copy)).get(gtin(1)).cross_sell == (gtin(3),)
    text = (store_copy / "catalog" / "import-jardin.yaml").read_text(encoding="utf-8")
    assert f"cross_sell:\n      - '{gtin(3)}'\n    images:" in text


def test_a_value_in_a_column_without_a_name_far_down_is_a_header_error(
        store_copy: Path, tmp_path: Path) -> None:
    header_row = [*HEADER, ""]
    sheet = [*(row(number) for number in range(1, 30)), {**row(30), "": "oops"}]
    code, out = run(write_csv(tmp_path / "p.csv", sheet, header=header_row), store_copy)
    assert code == 1
    assert "p.csv:1:U: this column has values but no name" in out
    assert "the header row is wrong: nothing was written" in out
    assert import_files(store_copy) == [] and leftovers(store_copy) == []


def test_a_file_unreadable_far_down_or_an_interruption_leaves_nothing(
        store_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = [*(row(number) for number in range(1, 30)), row(30, description_fr="x" * 200_000)]
    code, out = run(write_csv(tmp_path / "p.csv", sheet), store_copy)
    assert code == 2 and "not valid CSV: field larger than field limit" in out
    assert import_files(store_copy) == [] and leftovers(store_copy) == []
    read = rows.RowReader.read

    def interrupted(self: rows.RowReader, number: int, cells: list[str]) -> rows.Row:
        if number == 20:
            raise KeyboardInterrupt
        return read(self, number, cells)

    monkeypatch.setattr(rows.RowReader, "read", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(write_csv(tmp_path / "q.csv", sheet[:25]), store_copy)
    assert import_files(store_copy) == [] and leftovers(store_copy) == []


def test_progress_bar_only_when_asked_in_captured_output(store_copy: Path,
                                                         tmp_path: Path) -> None:
    source = write_csv(tmp_path / "p.csv", [row(number) for number in range(1, 260)])
    code, out = run(source, store_copy)
    assert code == 0 and "\r" not in out and "checking rows" not in out
    code, out = run(source, store_copy, progress=True)
    assert code == 0, out
    bar, after = out.split("\n")[:2]
    assert "\rchecking rows: 100%|" in bar and "| 259/259 [" in bar and "rows/s]" in bar
    assert after.startswith("wrote ")


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(brand=TEXT, name=TEXT, spec=TEXT, value=TEXT, aisle=TEXT)
def test_products_are_written_as_pyyaml_writes_the_whole_file(brand: str, name: str, spec: str,
                                                              value: str, aisle: str) -> None:
    products = [{"gtin": "3790000000010", "brand": brand, "name": {"fr": name, "en": "Lamp"},
                 "description": {"fr": f"{name} {value}"}, "price": Decimal("1299.50"),
                 "promo": {"price": Decimal("999"), "until": dt.date(2026, 12, 31)},
                 "availability": {"in_store": {"stock": 7, "aisle": aisle},
                                  "online": {"available": False, "delivery_days": 2}},
                 "specs": {"fr": {spec: value, "Poids": "1 kg"}, "en": {}},
                 "cross_sell": ["00012345678905", gtin(2)], "images": [f"products/{value}.png"]},
                {"gtin": gtin(2), "brand": value, "name": {"fr": spec}, "description": {},
                 "price": Decimal("12.00"), "availability": {"in_store": {}, "online": {}},
                 "specs": {"fr": {}}, "images": ["a.png", brand]}]
    expected = reference_yaml("p.csv", "jardin", "fr", name, products)
    items = [product_yaml(product) for product in products]
    assert header("p.csv", "jardin", "fr", name) + "".join(text for text, _ in items) \
        == expected
    text, (start, end) = items[0]
    assert text[start:end] == f"    cross_sell:\n      - 00012345678905\n      - '{gtin(2)}'\n"


def test_the_command_passes_the_data_folder(store_copy: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main

    source = write_csv(tmp_path / "p.csv", [row(1), row(2)])
    code = main(["import-catalog", str(source), "--config", str(store_copy), "--data",
                 str(tmp_path / "data")])
    assert code == 0, capsys.readouterr().out
    assert (tmp_path / "data").is_dir() and any((tmp_path / "data").iterdir())
    assert import_files(store_copy) == ["import-jardin.yaml"]
