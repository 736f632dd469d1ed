"""``kiosk import-catalog``: the staff's product spreadsheet (CSV or .xlsx) into catalog files.

Every row is checked and every problem reported at once as ``FILE:ROW:COLUMN: message`` (ROW as
the spreadsheet numbers it, the header usually row 1). The ``catalog/import-<department>.yaml``
files are then validated with the real config loader on a temporary copy of the config folder,
and only then written, each one atomically. A new import replaces every previous
``import-*.yaml`` file and never touches the other catalog files. Reading the file, its header
and its cells is in ``xlsx.py`` beside this module; writing the files in ``files.py``.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from pydantic import TypeAdapter, ValidationError

from hardware.gtin import to_gtin14
from kiosk.catalog.importing.files import PREFIX, catalog_yaml, validate, write_files
from kiosk.catalog.importing.xlsx import (
    SIGNS,
    Columns,
    NumberCell,
    Progress,
    Unreadable,
    parse_count,
    parse_date,
    parse_gtin,
    parse_money,
    parse_yes_no,
    read_table,
    slug,
)
from kiosk.config import ConfigError, ConfigInvalid, KioskConfig, load_config
from kiosk.config.fields import ImagePath

EXIT_WRITTEN, EXIT_BAD_ROWS, EXIT_UNREADABLE = 0, 1, 2
PROGRESS_ROWS = 200
IMAGE = TypeAdapter(ImagePath)
"""The config loader's own image checks (inside the media folder, exists, decodes)."""


def import_catalog(source: Path, config_dir: Path, *, skip_bad: bool = False,
                   out: TextIO = sys.stdout, progress: bool | None = None) -> int:
    """Exit code: 0 written, 1 bad rows (nothing written unless skip_bad), 2 unreadable file."""
    source, config_dir = Path(source), Path(config_dir)
    try:
        config = load_config(config_dir)
    except ConfigInvalid as invalid:
        print(invalid.report(), file=out)
        print(f"the config in {config_dir} is invalid: fix it first (kiosk validate); nothing "
              "was imported", file=out)
        if all(Path(error.file).name.startswith(PREFIX) for error in invalid.errors):
            print(f"(only {PREFIX}*.yaml files are wrong: delete them, then import again)",
                  file=out)
        return EXIT_UNREADABLE
    try:
        table = read_table(source)
    except Unreadable as exc:
        print(f"{source}: {exc}", file=out)
        return EXIT_UNREADABLE
    top = next(index for index, row in enumerate(table) if any(cell.strip() for cell in row))
    job = _Import(source.name, config)
    job.read_header(top + 1, table[top], table[top + 1:])
    if job.errors:
        job.print_errors(out)
        print(f"{source.name}: the header row is wrong: nothing was written", file=out)
        return EXIT_BAD_ROWS
    rows = table[top + 1:]
    shown = progress if progress is not None else (
        len(rows) > PROGRESS_ROWS and getattr(out, "isatty", lambda: False)())
    job.read_rows(top + 2, rows, Progress(out, len(rows)) if shown else None)
    job.check_across_rows(skip_bad)
    files: dict[str, str] = {}
    unexplained: list[ConfigError] = []
    for _attempt in range(5):   # with --skip-bad, rows the loader refuses are left out in turn
        if job.bad and not skip_bad:
            break
        files = job.render()
        loader_errors = validate(config, files) if files else []
        if loader_errors and not job.blame(loader_errors, skip_bad):
            unexplained = loader_errors
        if not loader_errors or unexplained or not skip_bad:
            break
    else:
        files = {}
    job.print_errors(out)
    if job.bad and not skip_bad:
        print(f"{source.name}: {len(job.errors)} error(s) in {len(job.bad)} row(s): nothing was "
              "written (fix them, or import with --skip-bad to leave those rows out)", file=out)
        return EXIT_BAD_ROWS
    if unexplained or not files:
        for error in unexplained:
            print(error, file=out)
        print(f"{source.name}: " + ("the result would not validate" if unexplained else
                                     "no product to import") + ": nothing was written", file=out)
        return EXIT_BAD_ROWS
    removed = write_files(config.config_dir / "catalog", files)
    job.print_summary(out, removed)
    return EXIT_WRITTEN


@dataclasses.dataclass
class _Row:
    number: int
    gtin: str | None
    product: dict[str, Any] | None = None
    department: tuple[str, str] = ("", "")
    cross_sell: list[str] = dataclasses.field(default_factory=list)
    untranslated: dict[str, int] = dataclasses.field(default_factory=dict)


class _Import:
    """One spreadsheet checked against one config: its columns, rows, errors and bad rows."""

    def __init__(self, name: str, config: KioskConfig) -> None:
        self.name, self.config = name, config
        self.locales, self.default = config.store.locales, config.store.default_locale
        self.currency = config.store.store.currency
        self.errors: list[tuple[int, str, str]] = []
        self.bad: set[int] = set()
        self.rows: list[_Row] = []
        self.where: dict[str, int] = {}                   # column -> position
        self.specs: dict[str, list[tuple[str, int]]] = {}  # locale -> [(spec, position)]
        self.context = {"media_dir": config.media_dir, "checked_images": {}}
        self.placed: dict[tuple[str, int], int] = {}      # (file, product index) -> row
        self.counts: dict[str, int] = {}
        self.dropped_links = 0
        catalog = (config.config_dir / "catalog").resolve()
        hand_written = [loaded for loaded in config.catalog_files
                        if not (loaded.document.path.name.startswith(PREFIX)
                                and loaded.document.path.parent.resolve() == catalog)]
        self.elsewhere = {product.gtin14: f"{loaded.document.display_name}:"
                                          f"{loaded.document.line_of(('products', index, 'gtin'))}"
                          for loaded in hand_written
                          for index, product in enumerate(loaded.content.products)}
        self.taken = {loaded.content.department.id: f"{loaded.document.display_name}:"
                                                    f"{loaded.document.line_of(('department',))}"
                      for loaded in hand_written}

    def fail(self, row: int, column: str, message: str) -> None:
        self.errors.append((row, column, message))
        self.bad.add(row)

    def print_errors(self, out: TextIO) -> None:
        for row, column, message in sorted(self.errors, key=lambda error: error[0]):
            print(f"{self.name}:{row}:{column}: {message}", file=out)

    def read_header(self, number: int, cells: list[str], rows: list[list[str]]) -> None:
        columns = Columns(self.locales, self.default)
        for column, message in columns.read(cells, rows):
            self.fail(number, column, message)
        self.where, self.specs = columns.where, columns.specs

    def read_rows(self, first: int, rows: list[list[str]], progress: Progress | None) -> None:
        for index, cells in enumerate(rows):
            if any(cell.strip() for cell in cells):
                self.rows.append(self._row(first + index, cells))
            if progress:
                progress.update(index + 1)
        if progress:
            progress.close()

    def _row(self, number: int, cells: list[str]) -> _Row:
        def cell(column: str, position: int | None = None) -> str:
            position = self.where.get(column) if position is None else position
            return cells[position].strip() if position is not None and position < len(cells) else ""

        def value(column: str, parse: Callable[[str], Any], default: Any = None,
                  required: str = "") -> Any:
            text = cell(column)
            if not text:
                if required:
                    self.fail(number, column, f"empty: {required}")
                return default
            try:
                return parse(text)
            except ValueError as exc:
                self.fail(number, column, str(exc))
                return default

        numeric = {column for column, position in self.where.items()
                   if position < len(cells) and isinstance(cells[position], NumberCell)}
        before = len(self.errors)
        row = _Row(number, value("gtin", lambda text: parse_gtin(text, "gtin" in numeric),
                                 required="write the product's GTIN (EAN-13)"))
        brand = value("brand", str, required="write the brand")
        department = value("department", str, required="write the department, e.g. Cuisine")
        if department and not slug(department):
            self.fail(number, "department", f"{department!r} has no letter or digit to make "
                      "an id of")
        texts: dict[str, dict[str, str]] = {"name": {}, "description": {}}
        for kind, locale in [(kind, locale) for kind in texts for locale in self.locales]:
            required = f"the {kind} in {locale}, the default language, is required"
            text = value(f"{kind}:{locale}", str,
                         required=required if locale == self.default else "")
            if text:
                texts[kind][locale] = text
        price = value("price", lambda text: parse_money(text, self.currency),
                      required="write the price, e.g. 1299,00")
        currency = cell("currency").upper()
        if currency not in (self.currency, SIGNS.get(self.currency)):
            self.fail(number, "currency", f"{currency or 'empty'}: prices must be in the "
                      f"store's currency, {self.currency}")
        promo = {"price": value("promo_price", lambda text: parse_money(text, self.currency)),
                 "until": value("promo_until", parse_date)}
        if (promo["price"] is None) != (promo["until"] is None):
            missing = "promo_until" if promo["until"] is None else "promo_price"
            if not cell(missing):
                self.fail(number, missing, "a promotion needs both promo_price and promo_until")
        elif promo["price"] is not None and price is not None and promo["price"] >= price:
            self.fail(number, "promo_price", f"the promo price {promo['price']} must be below "
                      f"the price {price}")
        images = list(dict.fromkeys(image.strip().replace("\\", "/")
                                    for image in [cell("image"), *cell("images").split("|")]
                                    if image.strip()))
        for position, image in enumerate(images):
            try:
                IMAGE.validate_python(image, context=self.context)
            except ValidationError as exc:
                message = exc.errors()[0]["msg"].removeprefix("Value error, ")
                self.fail(number, "images" if position else "image", message)
        if not cell("image"):
            self.fail(number, "image", "empty: name the product's photo in the media folder, "
                      "e.g. products/nocta-450-1.png")
        online = {"available": value("online", parse_yes_no, default=True)}
        days = value("delivery_days", parse_count)
        if days is not None:
            online["delivery_days"] = days
        stock = value("stock", parse_count)
        for target in dict.fromkeys(re.split(r"[|,;\s]+", cell("cross_sell"))):
            self._cross_sell(row, target, "cross_sell" in numeric)
        specs = self._specs(cell, row)
        if len(self.errors) > before:
            return row
        row.department = (slug(department), department)
        row.product = {
            "gtin": row.gtin, "brand": brand, "name": texts["name"],
            "description": texts["description"], "price": price,
            **({"promo": promo} if promo["price"] is not None else {}),
            "availability": {"in_store": {key: found for key, found in (
                ("stock", stock), ("aisle", cell("aisle"))) if found not in (None, "")},
                             "online": online},
            "specs": specs, "images": images}
        return row

    def _cross_sell(self, row: _Row, target: str, numeric: bool) -> None:
        if not target:
            return
        try:
            target = parse_gtin(target, numeric)
        except ValueError as exc:
            self.fail(row.number, "cross_sell", str(exc))
            return
        if row.gtin and to_gtin14(target) == to_gtin14(row.gtin):
            self.fail(row.number, "cross_sell", "a product cannot suggest itself")
        else:
            row.cross_sell.append(target)

    def _specs(self, cell: Callable[[str, int], str], row: _Row) -> dict[str, dict[str, str]]:
        """The n-th spec column of each language together; empty in the default language: the
        spec is left out everywhere; empty in another: that language shows the default value."""
        specs: dict[str, dict[str, str]] = {locale: {} for locale in self.specs}
        for group in range(len(self.specs.get(self.default, []))):
            values = {locale: cell("", columns[group][1]) for locale, columns in self.specs.items()}
            if not values[self.default]:
                continue
            for locale, columns in self.specs.items():
                if not values[locale]:
                    row.untranslated[locale] = row.untranslated.get(locale, 0) + 1
                specs[locale][columns[group][0]] = values[locale] or values[self.default]
        return specs or {self.default: {}}

    def check_across_rows(self, skip_bad: bool) -> None:
        """GTINs used twice (in the file or in a hand-written file), departments a hand-written
        file already has, cross-sells to products that are nowhere."""
        rows_of: dict[str, list[int]] = {}
        for row in self.rows:
            if row.gtin:
                rows_of.setdefault(to_gtin14(row.gtin), []).append(row.number)
        for row in self.rows:
            key = to_gtin14(row.gtin) if row.gtin else ""
            if key in self.elsewhere:
                self.fail(row.number, "gtin", f"GTIN {row.gtin} is already used at "
                          f"{self.elsewhere[key]}")
            others = [str(number) for number in rows_of.get(key, []) if number != row.number]
            if others:
                self.fail(row.number, "gtin", f"GTIN {row.gtin} is also on row "
                          f"{', '.join(others)}")
            for target in row.cross_sell:
                if to_gtin14(target) not in rows_of and to_gtin14(target) not in self.elsewhere:
                    self.fail(row.number, "cross_sell", f"GTIN {target} is neither in the "
                              "spreadsheet nor in the catalog")
        for department_id in dict.fromkeys(row.department[0] for row in self.rows):
            clash = [row.number for row in self.rows if row.department[0] == department_id]
            if department_id in self.taken:
                self.bad.update(clash)
                self.fail(clash[0], "department", f"the department id {department_id!r} is "
                          f"already used by the hand-written {self.taken[department_id]}: name "
                          "it differently" + (f" ({len(clash) - 1} more rows use it)"
                                              if len(clash) > 1 else ""))
        self._drop_links(skip_bad)

    def _drop_links(self, skip_bad: bool) -> None:
        """With --skip-bad, a good row keeps its other suggestions when one of them is skipped."""
        good = {to_gtin14(row.gtin) for row in self.rows
                if row.gtin and row.number not in self.bad}
        for row in self.rows:
            kept = [target for target in row.cross_sell
                    if to_gtin14(target) in good or to_gtin14(target) in self.elsewhere]
            if skip_bad and row.number not in self.bad and len(kept) < len(row.cross_sell):
                self.dropped_links += len(row.cross_sell) - len(kept)
                row.cross_sell = kept

    def render(self) -> dict[str, str]:
        """One YAML text per department, products in spreadsheet order."""
        departments: dict[str, tuple[str, list[dict[str, Any]]]] = {}
        self.placed = {}
        for row in self.rows:
            if row.number in self.bad or row.product is None:
                continue
            name = f"{PREFIX}{row.department[0]}.yaml"
            _, products = departments.setdefault(name, (row.department[1], []))
            self.placed[(name, len(products))] = row.number
            product = dict(row.product)
            if row.cross_sell:
                product["cross_sell"] = row.cross_sell
            products.append({**product, "images": product.pop("images")})
        self.counts = {name: len(products) for name, (_, products) in departments.items()}
        return {name: catalog_yaml(self.name, name, self.default, title, products)
                for name, (title, products) in departments.items()}

    def blame(self, errors: list[ConfigError], skip_bad: bool) -> bool:
        """The rows the loader's errors are about, as row errors; False when one is about no
        row of the import (a hand-written file, the tag map)."""
        rows = [self.placed.get((Path(error.file).name, error.loc[1]))
                if len(error.loc) > 1 and error.loc[0] == "products" else None
                for error in errors]
        if any(row is None for row in rows):
            return False
        for error, row in zip(errors, rows, strict=True):
            self.fail(row, _column(error.loc), error.message)
        self._drop_links(skip_bad)
        return True

    def print_summary(self, out: TextIO, removed: list[str]) -> None:
        if self.bad:
            numbers = ", ".join(str(number) for number in sorted(self.bad))
            print(f"{self.name}: skipped {len(self.bad)} bad row(s): {numbers}", file=out)
        catalog = self.config.config_dir / "catalog"
        for name, count in self.counts.items():
            print(f"wrote {catalog / name} ({count} product{'s' if count > 1 else ''})", file=out)
        for name in removed:
            print(f"removed {catalog / name} (no longer in the spreadsheet)", file=out)
        written = [row for row in self.rows if row.product and row.number not in self.bad]
        for locale in (locale for locale in self.locales if locale != self.default):
            texts = sum(1 for row in written for kind in ("name", "description")
                        if locale not in row.product[kind])
            specs = sum(row.untranslated.get(locale, 0) for row in written)
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
