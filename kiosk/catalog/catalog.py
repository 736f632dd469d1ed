"""The product catalog the kiosk looks products up in, by GTIN-14.

Products are read from the compiled index (``kiosk.config.catalog_index``) when they are asked
for, and the last ``CACHED_PRODUCTS`` are kept: memory does not grow with the catalog. A
``Catalog`` reads the file contents that were in use when it was opened (compiled contents
never change, and one no config uses is kept a day before it is dropped), so a reload
compiling in another process changes nothing it shows until the kiosk swaps in the next one,
whole.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import TypeVar

from hardware.gtin import normalise_code
from kiosk.config import KioskConfig
from kiosk.config.catalog import Department, Product
from kiosk.config.index_file import open_reader

T = TypeVar("T")
CACHED_PRODUCTS = 2048
"""Products kept once read: many times what a table holds, a few hundred kilobytes."""
BATCH = 500


class _Snapshot:
    """The file contents in use when it was opened, their departments, and a cache."""

    def __init__(self, config: KioskConfig) -> None:
        self.lock = threading.Lock()
        self.conn = open_reader(config.catalog.path)
        store = config.store
        self.locales, self.default = store.locales, store.default_locale
        self.config = config.catalog.config
        self.departments: dict[int, Department] = {}
        self.count = 0
        for version, data, count in self.conn.execute(
                "SELECT v.id, v.department, v.products FROM selections s JOIN versions v ON "
                "v.id=s.good WHERE s.config=? ORDER BY s.position", (self.config,)):
            department = Department.model_validate_json(data)
            self.departments[version] = department.model_copy(
                update={"name": _filled(department.name, self.locales, self.default)})
            self.count += count
        self.order = {version: index for index, version in enumerate(self.departments)}
        self.cache: OrderedDict[str, tuple[Product, Department] | None] = OrderedDict()

    def get(self, gtin14: str) -> tuple[Product, Department] | None:
        with self.lock:
            if gtin14 in self.cache:
                self.cache.move_to_end(gtin14)
                return self.cache[gtin14]
            rows = [row for row in self.conn.execute(
                "SELECT data, version FROM products INDEXED BY products_by_gtin WHERE gtin14=?",
                (gtin14,)) if row[1] in self.order]
            row = min(rows, key=lambda row: self.order[row[1]], default=None)
            found = None if row is None else (self.product(row[0]), self.departments[row[1]])
            self.cache[gtin14] = found
            if len(self.cache) > CACHED_PRODUCTS:
                self.cache.popitem(last=False)
            return found

    def family(self, family: str) -> list[str]:
        """GTIN-14s of a family's variants in use, in the store's order."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT gtin14, version, position FROM products INDEXED BY products_by_family "
                "WHERE family=?", (family,)).fetchall()
        return [gtin14 for gtin14, version, position in sorted(
            (row for row in rows if row[1] in self.order),
            key=lambda row: (self.order[row[1]], row[2]))]

    def product(self, data: str) -> Product:
        """A stored product with every text in every store locale."""
        product = Product.model_validate_json(data)
        fields = ("name", "description", "specs", "options") if product.options else (
            "name", "description", "specs")
        return product.model_copy(update={
            field: _filled(getattr(product, field), self.locales, self.default)
            for field in fields})

    def rows(self, versions: list[int] | None = None,
             limit: int | None = None) -> Iterator[tuple[str, str]]:
        """(GTIN-14, product JSON) of the products of ``versions`` (default: all in use), in
        file order, read a batch at a time."""
        left = limit if limit is not None else -1
        for version in versions if versions is not None else list(self.departments):
            after = -1
            while left != 0:
                size = BATCH if left < 0 else min(BATCH, left)
                with self.lock:
                    batch = self.conn.execute(
                        "SELECT position, gtin14, data FROM products WHERE version=? AND "
                        "position>? ORDER BY position LIMIT ?", (version, after, size)).fetchall()
                yield from ((gtin14, data) for _, gtin14, data in batch)
                left = left - len(batch) if left > 0 else left
                if len(batch) < size:
                    break
                after = batch[-1][0]
            if left == 0:
                return


class Catalog:
    """Products by GTIN-14 with their department, read from one snapshot of the index, plus
    products from remote sources laid over them (``patched``)."""

    def __init__(self, snapshot: _Snapshot,
                 overrides: Mapping[str, Product] | None = None) -> None:
        self._snapshot = snapshot
        self._overrides: Mapping[str, Product] = overrides or {}

    @classmethod
    def from_config(cls, config: KioskConfig) -> Catalog:
        """The catalog in use for ``config``."""
        return cls(_Snapshot(config))

    def patched(self, overrides: Mapping[str, Product]) -> Catalog:
        """The same catalog with ``overrides`` in place of (or beside) its products."""
        return Catalog(self._snapshot, overrides)

    @property
    def departments(self) -> tuple[Department, ...]:
        """Departments in the store's order (one spread over several files, once)."""
        return tuple({department.id: department
                      for department in self._snapshot.departments.values()}.values())

    def get(self, code: str) -> Product | None:
        """The product for a GTIN in any of its forms (UPC-A finds the EAN-13), or None."""
        gtin14 = normalise_code(code)
        if gtin14 in self._overrides:
            return self._overrides[gtin14]
        found = self._snapshot.get(gtin14)
        return found[0] if found is not None else None

    def variants(self, code: str) -> list[Product]:
        """Every variant of ``code``'s family, itself included, in the store's order; empty
        when it belongs to no family."""
        product = self.get(code)
        if product is None or product.family is None:
            return []
        found = (self.get(gtin14) for gtin14 in self._snapshot.family(product.family))
        return [variant for variant in found if variant is not None]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def department_of(self, code: str) -> Department | None:
        """The department of a product (a remote one's is the first department)."""
        found = self._snapshot.get(normalise_code(code))
        if found is not None:
            return found[1]
        if normalise_code(code) in self._overrides and self._snapshot.departments:
            return self.departments[0]
        return None

    def __len__(self) -> int:
        return self._snapshot.count + sum(
            1 for code in self._overrides if self._snapshot.get(code) is None)

    def items(self, limit: int | None = None) -> Iterator[tuple[str, Product]]:
        """(GTIN-14, product) in file order, read as they are used (``kiosk catalog``)."""
        for gtin14, data in self._snapshot.rows(limit=limit):
            yield gtin14, self._overrides.get(gtin14) or self._snapshot.product(data)

    def codes(self, limit: int | None = None) -> list[str]:
        """GTIN-14s in file order (the first ``limit``)."""
        return [gtin14 for gtin14, _ in self._snapshot.rows(limit=limit)]

    def in_department(self, department_id: str, limit: int | None = None) -> list[Product]:
        """Products of one department, in file order (the first ``limit``)."""
        versions = [version for version, department in self._snapshot.departments.items()
                    if department.id == department_id]
        if not versions:
            return []
        return [self._overrides.get(gtin14) or self._snapshot.product(data)
                for gtin14, data in self._snapshot.rows(versions, limit)]


def _filled(texts: dict[str, T], locales: tuple[str, ...], default: str) -> dict[str, T]:
    """A translation for every locale: the default language's where staff wrote none."""
    return {locale: texts.get(locale, texts[default]) for locale in locales}
