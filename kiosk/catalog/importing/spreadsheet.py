"""``kiosk import-catalog``: the staff's product spreadsheet (CSV or .xlsx) into catalog files.

The spreadsheet is read once, row by row, and nothing of it is kept but what checks across
rows need (each GTIN's row, the cross-sells, the departments): each row is checked as it is
read (``rows.py``) and its product appended at once to its department's file in a staging
folder (``output.py``, ``files.py``), a department split into files of at most 4 MB. The
products, the table and the file texts are never held: a row costs some hundred bytes of
memory, and 100,000 rows take about 15 s and 140 MB on the 2-core reference machine.

Every problem is reported at once as ``FILE:ROW:COLUMN: message`` (ROW as the spreadsheet
numbers it, the header usually row 1). What only the whole sheet tells (a GTIN on two rows, a
cross-sell to a product further down or nowhere) is checked at the end; a bad row found then is
taken out of the staged files again (``--skip-bad``), or nothing is written. The files are
then validated by the real config loader on a copy of the config folder, and only then moved
in, each one atomically. A new import replaces every previous ``import-*.yaml`` file and never
touches the other catalog files. Reading the file, its header and its cells is in ``xlsx.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from hardware.gtin import to_gtin14
from kiosk.catalog.importing.emit import PREFIX
from kiosk.catalog.importing.files import Staging
from kiosk.catalog.importing.output import Output
from kiosk.catalog.importing.rows import Row, RowReader
from kiosk.catalog.importing.xlsx import Columns, Table, Unreadable, open_table
from kiosk.config import ConfigError, ConfigInvalid, KioskConfig, load_config
from kiosk.config.index_file import departments_by_file, products_by_file
from kiosk.config.yaml_source import read_yaml

EXIT_WRITTEN, EXIT_BAD_ROWS, EXIT_UNREADABLE = 0, 1, 2
PROGRESS_ROWS = 200
"""On a terminal, a progress bar is shown for files of more rows than this."""
LOADER_ROUNDS = 5
"""With --skip-bad, the rows the loader refuses are left out in turn, at most this often."""


def import_catalog(source: Path, config_dir: Path, *, skip_bad: bool = False,
                   out: TextIO = sys.stdout, progress: bool | None = None,
                   data_dir: Path | None = None) -> int:
    """Exit code: 0 written, 1 bad rows (nothing written unless skip_bad), 2 unreadable file.

    ``data_dir`` is where the catalog index is kept (``--data``): the files this import
    validates are compiled there once, and the kiosk's next load finds them compiled."""
    source, config_dir = Path(source), Path(config_dir)
    try:
        config = load_config(config_dir, data_dir=data_dir)
    except ConfigInvalid as invalid:
        print(invalid.report(), file=out)
        print(f"the config in {config_dir} is invalid: fix it first (kiosk validate); nothing "
              "was imported", file=out)
        if all(Path(error.file).name.startswith(PREFIX) for error in invalid.errors):
            print(f"(only {PREFIX}*.yaml files are wrong: delete them, then import again)",
                  file=out)
        return EXIT_UNREADABLE
    try:
        with open_table(source) as table:
            job = _Import(source.name, config, skip_bad)
            job.read_header(*table.header())
            if job.header_wrong(out):
                return EXIT_BAD_ROWS
            staging = Staging(config.config_dir)
            try:
                job.read_rows(table, staging, _bar(table, job.header_row, out, progress))
                return job.finish(staging, out)
            finally:
                staging.close()
    except Unreadable as exc:
        print(f"{source}: {exc}", file=out)
        return EXIT_UNREADABLE


def _bar(table: Table, header_row: int, out: TextIO, progress: bool | None) -> tqdm:
    """A progress bar of the rows on ``out`` when asked, or by default on a terminal for a
    long file (or one whose length is unknown)."""
    total = table.total - header_row if table.total is not None else None
    shown = progress if progress is not None else (
        getattr(out, "isatty", lambda: False)() and (total is None or total > PROGRESS_ROWS))
    return tqdm(total=total, file=out, desc="checking rows", unit=" rows", leave=True,
                disable=not shown, mininterval=0.2)


class _Import:
    """One spreadsheet checked against one config: what its rows left to check across rows,
    its errors and bad rows, its output files."""

    def __init__(self, name: str, config: KioskConfig, skip_bad: bool) -> None:
        self.name, self.config, self.skip_bad = name, config, skip_bad
        self.locales, self.default = config.store.locales, config.store.default_locale
        self.errors: list[tuple[int, str, str]] = []
        self.bad: set[int] = set()
        self.header_row = 0
        self.columns = Columns(self.locales, self.default)
        self.header_errors: list[tuple[int, str, str]] = []
        self.output: Output | None = None
        self.seen: dict[int, int] = {}
        """GTIN (as a number) to the first row that has it and the length it is written with
        (``row * 16 + length``)."""
        self.twice: dict[int, list[tuple[int, str]]] = {}
        """GTINs on several rows: each row and the GTIN as written there."""
        self.cross_sells: dict[int, list[str]] = {}
        """Row to the GTINs it suggests."""
        self.departments: dict[str, list[int]] = {}
        """Department id to [first row, rows] of the departments a hand-written file has."""
        self.untranslated: dict[int, tuple[tuple[int, int], ...]] = {}
        """Row to the (names or descriptions, spec values) each other language lacks."""
        self.dropped_links = 0
        self.elsewhere: dict[int, int] = {}
        """GTIN to where a hand-written catalog file has it (``file * 2**32 + position``, the
        file in ``self.files``)."""
        self.files: list[str] = []
        self.lines: dict[str, Callable[[tuple[str, int]], int]] = {}
        self.taken: dict[str, str] = {}
        """Department id to the hand-written catalog file that defines it."""
        for name, department_id in departments_by_file(config.catalog):
            if not _imported(name):
                self.taken[department_id] = str(config.config_dir / name)
        index: dict[str, int] = {}
        for name, position, gtin14 in products_by_file(config.catalog):
            if not _imported(name):
                file = index.setdefault(name, len(index))
                if file == len(self.files):
                    self.files.append(name)
                self.elsewhere[int(gtin14)] = (file << 32) + position

    def fail(self, row: int, column: str, message: str) -> None:
        self.errors.append((row, column, message))
        self.bad.add(row)

    def print_errors(self, out: TextIO, errors: list[tuple[int, str, str]]) -> None:
        for row, column, message in sorted(errors, key=lambda error: error[0]):
            print(f"{self.name}:{row}:{column}: {message}", file=out)

    def read_header(self, number: int, cells: list[str]) -> None:
        self.header_row = number
        self.header_errors = [(number, column, message)
                              for column, message in self.columns.read(cells)]

    def header_wrong(self, out: TextIO) -> bool:
        if self.header_errors:
            self.print_errors(out, self.header_errors)
            print(f"{self.name}: the header row is wrong: nothing was written", file=out)
        return bool(self.header_errors)

    def read_rows(self, table: Table, staging: Staging, bar: tqdm) -> None:
        """Check each row as it is read and write its product to the staging folder (no more
        once a row is bad and nothing will be written)."""
        reader = RowReader(self.config, self.columns)
        self.output = Output(staging.catalog, self.name, self.default)
        try:
            for number, cells in table:
                bar.update()
                if not any(cell.strip() for cell in cells):
                    continue
                if self.columns.unnamed:
                    self.header_errors += [(self.header_row, column, message) for column, message
                                           in self.columns.unnamed_values(cells)]
                if not self.header_errors:
                    self._take(reader.read(number, cells))
            if bar.total != bar.n:
                bar.total = bar.n
                bar.refresh()
        finally:
            bar.close()
            self.output.close()

    def _take(self, row: Row) -> None:
        for column, message in row.problems:
            self.fail(row.number, column, message)
        if row.cross_sell:
            self.cross_sells[row.number] = row.cross_sell
        if row.gtin:
            key = int(row.gtin)
            if key in self.elsewhere:
                self.fail(row.number, "gtin", f"GTIN {row.gtin} is already used at "
                          f"{self._where(self.elsewhere[key])}")
            first = self.seen.setdefault(key, row.number * 16 + len(row.gtin))
            if first // 16 != row.number:
                written = to_gtin14(row.gtin)[-(first % 16):]
                self.twice.setdefault(key, [(first // 16, written)]).append((row.number, row.gtin))
                self.bad.update(number for number, _ in self.twice[key])
        department, title = row.department
        if department in self.taken:
            self.departments.setdefault(department, [row.number, 0])[1] += 1
            self.bad.add(row.number)
        if row.product is None or row.number in self.bad or (self.bad and not self.skip_bad):
            return
        missing = tuple((sum(locale not in row.product[kind] for kind in ("name", "description")),
                         row.untranslated.get(locale, 0))
                        for locale in self.locales if locale != self.default)
        if any(texts or specs for texts, specs in missing):
            self.untranslated[row.number] = missing
        product = dict(row.product)
        images = product.pop("images")
        if row.cross_sell:
            product["cross_sell"] = row.cross_sell
        self.output.add(row.number, department, title, {**product, "images": images})

    def _where(self, place: int) -> str:
        """``FILE:LINE`` of a product of a hand-written file (each file read once, and only
        when the spreadsheet has one of its GTINs)."""
        name, position = self.files[place >> 32], place & 0xFFFFFFFF
        path = self.config.config_dir / name
        if name not in self.lines:
            document, _ = read_yaml(path, str(path))
            self.lines[name] = document.line_of if document is not None else lambda _: 1
        return f"{path}:{self.lines[name](('products', position))}"

    def check_across_rows(self) -> None:
        """GTINs used twice, cross-sells to products that are nowhere, departments a
        hand-written file already has."""
        for rows in self.twice.values():
            for number, gtin in rows:
                others = ", ".join(str(other) for other, _ in rows if other != number)
                self.fail(number, "gtin", f"GTIN {gtin} is also on row {others}")
        for number, targets in self.cross_sells.items():
            for target in targets:
                if int(target) not in self.seen and int(target) not in self.elsewhere:
                    self.fail(number, "cross_sell", f"GTIN {target} is neither in the "
                              "spreadsheet nor in the catalog")
        for department_id, (first, count) in self.departments.items():
            self.fail(first, "department", f"the department id {department_id!r} is already "
                      f"used by the hand-written {self.taken[department_id]}: name it "
                      "differently" + (f" ({count - 1} more rows use it)" if count > 1 else ""))

    def drop_bad_rows(self) -> None:
        """Take the bad rows out of the staged files; with --skip-bad, a good row keeps its
        other suggestions when one of them is skipped."""
        changed: dict[int, list[str]] = {}
        if self.skip_bad:
            for number, targets in self.cross_sells.items():
                kept = [target for target in targets if self._good(int(target))]
                if number not in self.bad and len(kept) < len(targets):
                    self.dropped_links += len(targets) - len(kept)
                    self.cross_sells[number] = changed[number] = kept
        self.output.drop(self.bad, changed)

    def _good(self, key: int) -> bool:
        if key in self.elsewhere:
            return True
        first = self.seen.get(key)
        return first is not None and first // 16 not in self.bad

    def finish(self, staging: Staging, out: TextIO) -> int:
        """The checks across rows, the loader's verdict, the files moved in; the report."""
        self.check_across_rows()
        if self.header_wrong(out):
            return EXIT_BAD_ROWS
        unexplained: list[ConfigError] = []
        names: list[str] = []
        for _attempt in range(LOADER_ROUNDS):
            if self.bad and not self.skip_bad:
                break
            self.drop_bad_rows()
            names = self.output.names
            loader_errors = staging.validate(self.config, names) if names else []
            if loader_errors and not self.blame(loader_errors):
                unexplained = loader_errors
            if not loader_errors or unexplained or not self.skip_bad:
                break
        else:
            names = []
        self.print_errors(out, self.errors)
        if self.bad and not self.skip_bad:
            print(f"{self.name}: {len(self.errors)} error(s) in {len(self.bad)} row(s): nothing "
                  "was written (fix them, or import with --skip-bad to leave those rows out)",
                  file=out)
            return EXIT_BAD_ROWS
        if unexplained or not names:
            for error in unexplained:
                print(error, file=out)
            print(f"{self.name}: " + ("the result would not validate" if unexplained else
                                      "no product to import") + ": nothing was written", file=out)
            return EXIT_BAD_ROWS
        removed = staging.install(names)
        self.print_summary(out, removed)
        return EXIT_WRITTEN

    def blame(self, errors: list[ConfigError]) -> bool:
        """The rows the loader's errors are about, as row errors; False when one is about no
        row of the import (a hand-written file, the tag map)."""
        rows = [self.output.row_at(Path(error.file).name, error.loc[1])
                if len(error.loc) > 1 and error.loc[0] == "products"
                and isinstance(error.loc[1], int) else None
                for error in errors]
        if any(row is None for row in rows):
            return False
        for error, row in zip(errors, rows, strict=True):
            self.fail(row, _column(error.loc), error.message)
        return True

    def print_summary(self, out: TextIO, removed: list[str]) -> None:
        if self.bad:
            numbers = ", ".join(str(number) for number in sorted(self.bad))
            print(f"{self.name}: skipped {len(self.bad)} bad row(s): {numbers}", file=out)
        catalog = self.config.config_dir / "catalog"
        for name, count in self.output.counts().items():
            print(f"wrote {catalog / name} ({count} product{'s' if count > 1 else ''})", file=out)
        for name in removed:
            print(f"removed {catalog / name} (no longer in the spreadsheet)", file=out)
        written = [missing for number, missing in self.untranslated.items()
                   if number not in self.bad]
        others = [locale for locale in self.locales if locale != self.default]
        for index, locale in enumerate(others):
            texts = sum(missing[index][0] for missing in written)
            specs = sum(missing[index][1] for missing in written)
            if texts or specs:
                print(f"note: {texts} name(s) or description(s) and {specs} spec value(s) have "
                      f"no {locale!r} text: the table shows the {self.default!r} one", file=out)
        if self.dropped_links:
            print(f"note: {self.dropped_links} cross-sell(s) to skipped rows were left out",
                  file=out)


def _column(loc: tuple[str | int, ...]) -> str:
    """The spreadsheet column a loader error about ``products[i].<loc>`` comes from."""
    field = str(loc[2]) if len(loc) > 2 else "gtin"
    if field in ("name", "description") and len(loc) > 3:
        return f"{field}:{loc[3]}"
    if field == "images":
        return "image" if len(loc) < 4 or loc[3] == 0 else "images"
    return {"promo": "promo_price", "availability": "stock", "specs": "spec"}.get(field, field)


def _imported(name: str) -> bool:
    """Whether a catalog file (relative to the config folder) is one an import writes."""
    return name.startswith(f"catalog/{PREFIX}") and name.count("/") == 1
