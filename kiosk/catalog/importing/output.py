"""The files an import writes, as its rows are read: each product appended to its department's
file in the staging folder, a department split into files of bounded size, and rows found bad
afterwards taken out again."""

from __future__ import annotations

import dataclasses
from array import array
from collections import OrderedDict
from pathlib import Path
from typing import Any, TextIO

from kiosk.catalog.importing.emit import PREFIX, cross_sell_yaml, header, product_yaml
from kiosk.config.limits import CATALOG_LIMIT

FILE_BYTES = CATALOG_LIMIT.bytes // 4
"""The most one import file holds (4 MB, a quarter of the loader's ``CATALOG_LIMIT``): a
department past it goes on in a new file with the same ``department:`` block, rather than make
a file past it. About 10,000 products as the import writes them; the loader validates files of
this size in parallel on every core."""
OPEN_FILES = 32
"""Files kept open at once; a department beyond them is opened again to be written."""


def file_name(department: str, number: int, count: int) -> str:
    """``import-jardin.yaml`` for a department in one file; in several, ``import-jardin.001
    .yaml``, ``import-jardin.002.yaml``, …: the loader takes catalog files in name order, so
    the products keep the spreadsheet's order, and a dot is never in a department id, so no
    file takes the name of another department's."""
    return f"{PREFIX}{department}{'' if count == 1 else f'.{number:03d}'}.yaml"


@dataclasses.dataclass(eq=False)
class Part:
    """One file of a department: the spreadsheet row of each product and where its text
    starts (in characters)."""

    name: str
    rows: array = dataclasses.field(default_factory=lambda: array("q"))
    starts: array = dataclasses.field(default_factory=lambda: array("q"))
    length: int = 0
    size: int = 0
    """Bytes written."""


class Output:
    """The import files being written in ``folder``."""

    def __init__(self, folder: Path, source: str, locale: str,
                 max_bytes: int | None = None) -> None:
        self.folder, self.source, self.locale = folder, source, locale
        self.max_bytes = max_bytes or FILE_BYTES
        self.parts: dict[str, list[Part]] = {}
        """Department id to its files, in order."""
        self.titles: dict[str, str] = {}
        self.spans: dict[int, tuple[int, int]] = {}
        """Row to where the ``cross_sell:`` field is in its product's text."""
        self._streams: OrderedDict[str, TextIO] = OrderedDict()

    @property
    def names(self) -> list[str]:
        return [part.name for parts in self.parts.values() for part in parts]

    def counts(self) -> dict[str, int]:
        return {part.name: len(part.rows) for parts in self.parts.values() for part in parts}

    def row_at(self, name: str, index: int) -> int | None:
        """The spreadsheet row of the ``index``-th product of file ``name``."""
        part = next((part for parts in self.parts.values() for part in parts
                     if part.name == name), None)
        return part.rows[index] if part is not None and 0 <= index < len(part.rows) else None

    def add(self, row: int, department: str, title: str, product: dict[str, Any]) -> None:
        """Append a product to its department's last file, or to a new one when it is full."""
        text, span = product_yaml(product)
        size = len(text.encode())
        parts = self.parts.setdefault(department, [])
        self.titles.setdefault(department, title)
        if not parts or (parts[-1].size + size > self.max_bytes and parts[-1].rows):
            parts.append(Part(file_name(department, len(parts) + 1, len(parts) + 1)))
            if len(parts) == 2:
                self._rename(department)
            start = header(self.source, department, self.locale, self.titles[department])
            self._write(parts[-1], start)
        part = parts[-1]
        part.rows.append(row)
        part.starts.append(part.length)
        self._write(part, text, size)
        if span is not None:
            self.spans[row] = span

    def drop(self, bad: set[int], cross_sells: dict[int, list[str]]) -> None:
        """Take the products of ``bad`` rows out of the files, and give the rows of
        ``cross_sells`` those suggestions instead of the ones they were written with; a file
        left with no product is removed and the department's next ones renamed."""
        self.close()
        if not bad and not cross_sells:
            return
        for department in list(self.parts):
            parts = []
            for part in self.parts[department]:
                if any(row in bad or row in cross_sells for row in part.rows):
                    self._rewrite(part, bad, cross_sells)
                if part.rows:
                    parts.append(part)
                else:
                    (self.folder / part.name).unlink()
            if parts:
                self.parts[department] = parts
                self._rename(department)
            else:
                del self.parts[department], self.titles[department]

    def close(self) -> None:
        while self._streams:
            self._streams.popitem(last=False)[1].close()

    def _rename(self, department: str) -> None:
        """Name the department's files after their place and number (files only ever move to
        a lower number or out of a single name, so no name is taken when it is given)."""
        parts = self.parts[department]
        for number, part in enumerate(parts, 1):
            name = file_name(department, number, len(parts))
            if part.name != name:
                self._close(part.name)
                (self.folder / part.name).replace(self.folder / name)
                part.name = name

    def _rewrite(self, part: Part, bad: set[int], cross_sells: dict[int, list[str]]) -> None:
        path = self.folder / part.name
        with path.open(encoding="utf-8", newline="") as stream:
            text = stream.read()
        pieces, rows, starts = [text[:part.starts[0]]], array("q"), array("q")
        length = len(pieces[0])
        for index, row in enumerate(part.rows):
            if row in bad:
                self.spans.pop(row, None)
                continue
            end = part.starts[index + 1] if index + 1 < len(part.rows) else len(text)
            item = text[part.starts[index]:end]
            if row in cross_sells and row in self.spans:
                first, last = self.spans.pop(row)
                field = cross_sell_yaml(cross_sells[row])
                item = item[:first] + field + item[last:]
                if field:
                    self.spans[row] = (first, first + len(field))
            rows.append(row)
            starts.append(length)
            pieces.append(item)
            length += len(item)
        new = "".join(pieces)
        with path.open("w", encoding="utf-8", newline="\n") as stream:
            stream.write(new)
        part.rows, part.starts, part.length, part.size = rows, starts, length, len(new.encode())

    def _write(self, part: Part, text: str, size: int | None = None) -> None:
        name = part.name
        stream = self._streams.get(name)
        if stream is None:
            path = self.folder / name
            stream = path.open("a" if part.length else "w", encoding="utf-8", newline="\n")
            self._streams[name] = stream
            if len(self._streams) > OPEN_FILES:
                self._streams.popitem(last=False)[1].close()
        else:
            self._streams.move_to_end(name)
        stream.write(text)
        part.length += len(text)
        part.size += len(text.encode()) if size is None else size

    def _close(self, name: str) -> None:
        stream = self._streams.pop(name, None)
        if stream is not None:
            stream.close()
