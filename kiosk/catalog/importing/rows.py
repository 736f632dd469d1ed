"""One spreadsheet row of ``kiosk import-catalog`` into one product: every cell checked on its
own (what needs other rows is ``spreadsheet.py``'s), each problem as (column, message)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter, ValidationError

from hardware.gtin import to_gtin14
from kiosk.catalog.importing.xlsx import (
    SIGNS,
    Columns,
    NumberCell,
    parse_count,
    parse_date,
    parse_gtin,
    parse_money,
    parse_yes_no,
    slug,
)
from kiosk.config import KioskConfig
from kiosk.config.fields import ImagePath

IMAGE = TypeAdapter(ImagePath)
"""The config loader's own image checks (inside the media folder, exists, decodes)."""
IMAGES_KEPT = 10_000
"""Photos whose check is remembered."""


@dataclasses.dataclass
class Row:
    """What one row gives: its GTIN if readable, its product if every cell is good."""

    number: int
    gtin: str | None
    product: dict[str, Any] | None = None
    department: tuple[str, str] = ("", "")
    """(id, name as written)."""
    cross_sell: list[str] = dataclasses.field(default_factory=list)
    untranslated: dict[str, int] = dataclasses.field(default_factory=dict)
    """Spec values each other language lacks."""
    problems: list[tuple[str, str]] = dataclasses.field(default_factory=list)


class RowReader:
    """Reads rows of one spreadsheet whose header was read into ``columns``."""

    def __init__(self, config: KioskConfig, columns: Columns) -> None:
        self.locales, self.default = config.store.locales, config.store.default_locale
        self.currency = config.store.store.currency
        self.where, self.specs, self.options = columns.where, columns.specs, columns.options
        self.context = {"media_dir": config.media_dir, "checked_images": {}}
        self.images: dict[str, str | None] = {}

    def read(self, number: int, cells: list[str]) -> Row:
        row = Row(number, None)

        def fail(column: str, message: str) -> None:
            row.problems.append((column, message))

        def cell(column: str, position: int | None = None) -> str:
            position = self.where.get(column) if position is None else position
            return cells[position].strip() if position is not None and position < len(cells) else ""

        def value(column: str, parse: Callable[[str], Any], default: Any = None,
                  required: str = "") -> Any:
            text = cell(column)
            if not text:
                if required:
                    fail(column, f"empty: {required}")
                return default
            try:
                return parse(text)
            except ValueError as exc:
                fail(column, str(exc))
                return default

        numeric = {column for column, position in self.where.items()
                   if position < len(cells) and isinstance(cells[position], NumberCell)}
        row.gtin = value("gtin", lambda text: parse_gtin(text, "gtin" in numeric),
                         required="write the product's GTIN (EAN-13)")
        brand = value("brand", str, required="write the brand")
        department = value("department", str, required="write the department, e.g. Cuisine")
        if department and not slug(department):
            fail("department", f"{department!r} has no letter or digit to make an id of")
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
            fail("currency", f"{currency or 'empty'}: prices must be in the store's currency, "
                 f"{self.currency}")
        promo = {"price": value("promo_price", lambda text: parse_money(text, self.currency)),
                 "until": value("promo_until", parse_date)}
        if (promo["price"] is None) != (promo["until"] is None):
            missing = "promo_until" if promo["until"] is None else "promo_price"
            if not cell(missing):
                fail(missing, "a promotion needs both promo_price and promo_until")
        elif promo["price"] is not None and price is not None and promo["price"] >= price:
            fail("promo_price", f"the promo price {promo['price']} must be below the price "
                 f"{price}")
        images = list(dict.fromkeys(image.strip().replace("\\", "/")
                                    for image in [cell("image"), *cell("images").split("|")]
                                    if image.strip()))
        for position, image in enumerate(images):
            problem = self._image_problem(image)
            if problem:
                fail("images" if position else "image", problem)
        if not cell("image"):
            fail("image", "empty: name the product's photo in the media folder, e.g. "
                 "products/nocta-450-1.png")
        online = {"available": value("online", parse_yes_no, default=True)}
        days = value("delivery_days", parse_count)
        if days is not None:
            online["delivery_days"] = days
        stock = value("stock", parse_count)
        for target in dict.fromkeys(re.split(r"[|,;\s]+", cell("cross_sell"))):
            self._cross_sell(row, target, "cross_sell" in numeric, fail)
        specs = self._grouped(self.specs, cell, row) or {self.default: {}}
        options = self._grouped(self.options, cell, row)
        options = options if any(options.values()) else {}
        family = slug(cell("family"))
        if family and not any(options.values()):
            fail("family", "a variant says what makes it: fill its option:<name>:<language> "
                 f"columns (e.g. option:Pointure:{self.default})")
        elif options and not family:
            fail("family", "options belong to a variant: name its model in the family column")
        if row.problems:
            return row
        row.department = (slug(department), department)
        row.product = {
            "gtin": row.gtin, "brand": brand, "name": texts["name"],
            "description": texts["description"], "price": price,
            **({"promo": promo} if promo["price"] is not None else {}),
            "availability": {"in_store": {key: found for key, found in (
                ("stock", stock), ("aisle", cell("aisle"))) if found not in (None, "")},
                             "online": online},
            "specs": specs, "images": images,
            **({"family": family, "options": options} if family else {}),
            **({"sku": cell("sku")} if cell("sku") else {})}
        return row

    def _image_problem(self, image: str) -> str | None:
        """What the loader would say of the photo, remembered (most rows share a few)."""
        if image not in self.images:
            try:
                IMAGE.validate_python(image, context=self.context)
                problem = None
            except ValidationError as exc:
                problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
            if len(self.images) >= IMAGES_KEPT:
                self.images.clear()
            self.images[image] = problem
        return self.images[image]

    @staticmethod
    def _cross_sell(row: Row, target: str, numeric: bool,
                    fail: Callable[[str, str], None]) -> None:
        if not target:
            return
        try:
            target = parse_gtin(target, numeric)
        except ValueError as exc:
            fail("cross_sell", str(exc))
            return
        if row.gtin and to_gtin14(target) == to_gtin14(row.gtin):
            fail("cross_sell", "a product cannot suggest itself")
        else:
            row.cross_sell.append(target)

    def _grouped(self, table: dict[str, list[tuple[str, int]]], cell: Callable[[str, int], str],
                 row: Row) -> dict[str, dict[str, str]]:
        """The n-th spec (or option) column of each language together; empty in the default
        language: left out everywhere; empty in another: that language shows the default
        value."""
        found: dict[str, dict[str, str]] = {locale: {} for locale in table}
        for group in range(len(table.get(self.default, []))):
            values = {locale: cell("", columns[group][1]) for locale, columns in table.items()}
            if not values[self.default]:
                continue
            for locale, columns in table.items():
                if not values[locale]:
                    row.untranslated[locale] = row.untranslated.get(locale, 0) + 1
                found[locale][columns[group][0]] = values[locale] or values[self.default]
        return found
