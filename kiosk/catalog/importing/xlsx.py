"""The spreadsheet side of ``kiosk import-catalog``: .xlsx (first sheet) or CSV into rows of
text, its header row, and the values of cells (GTIN, price, count, yes/no, date).

A cell the spreadsheet stored as a number comes back as a ``NumberCell`` (a ``str``), so a GTIN
that lost its digits or leading zeros can be explained; dates come back as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from hardware.gtin import gtin_problem

DELIMITERS = (",", ";", "\t")
REQUIRED = ("gtin", "brand", "department", "price", "currency", "image")
OPTIONAL = ("images", "promo_price", "promo_until", "stock", "aisle", "online", "delivery_days",
            "cross_sell", "family", "sku")
CHUNK = 1 << 20
"""Bytes of a CSV file decoded at a time to learn its encoding."""


class Unreadable(Exception):
    """The file cannot be read as a spreadsheet (``import-catalog`` exits 2)."""


class NumberCell(str):
    """Text of a cell the spreadsheet stored as a number."""


class Table:
    """A spreadsheet's rows, read one at a time: ``header()``, then iterate over the rows
    after it, each with its number as the spreadsheet shows it. ``total`` is about how many
    rows the file has (for a progress bar), None when it cannot be known cheaply."""

    def __init__(self, rows: Iterator[list[str]], total: int | None,
                 close: Callable[[], None]) -> None:
        self._rows, self.total, self._close = enumerate(rows, 1), total, close

    def header(self) -> tuple[int, list[str]]:
        """The first row that is not blank; Unreadable when there is none."""
        for number, cells in self._rows:
            if any(cell.strip() for cell in cells):
                return number, cells
        raise Unreadable("the file is empty: its first row should name the columns (gtin, "
                         "brand, department, price, …)")

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_table(source: Path) -> Table:
    """The file's rows as text, read as they are used; raise Unreadable with the reason (also
    while rows are read, for a fault further in the file)."""
    if not source.is_file():
        raise Unreadable("file not found" if not source.exists() else "not a file")
    suffix = source.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(source)
    if suffix in (".csv", ".txt"):
        return read_csv(source)
    raise Unreadable(f"unknown kind of file {suffix or '(no extension)'!r}: save the "
                     "spreadsheet as .xlsx or as CSV (.csv)")


def read_csv(source: Path) -> Table:
    """UTF-8 (with or without BOM), else cp1252 (Excel's default in France), or UTF-16 with its
    BOM; ``,``, ``;`` or tab between cells, whichever the first line that is not blank uses
    most. The file is read once through to learn its encoding and count its lines (a few
    milliseconds a megabyte, in chunks), then row by row."""
    try:
        with source.open("rb") as stream:
            start = stream.read(4)
            if start.startswith(b"PK\x03\x04"):
                raise Unreadable("this is an .xlsx workbook, not CSV: name it .xlsx")
            utf16 = start[:2] in (b"\xff\xfe", b"\xfe\xff")   # Excel's "Unicode text"
            for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252"):
                stream.seek(0)
                lines = _lines(stream, encoding)
                if lines is not None:
                    break
            else:
                raise Unreadable("not UTF-8 or Windows (cp1252) text: save it as CSV UTF-8")
        text = source.open(encoding=encoding, newline="")
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror}") from exc
    first: list[str] = []
    for line in text:
        first.append(line)
        if line.strip():
            break
    line = first[-1].strip() if first else ""
    delimiter = max(DELIMITERS, key=line.count)
    if re.fullmatch(r"sep=.", line, re.IGNORECASE):   # Excel's hint line, not a row it shows
        delimiter, first, lines = line[-1], [], lines - len(first)

    def rows() -> Iterator[list[str]]:
        try:
            yield from csv.reader(itertools.chain(first, text), delimiter=delimiter)
        except csv.Error as exc:
            raise Unreadable(f"not valid CSV: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise Unreadable(f"cannot read the file: {exc}") from exc

    return Table(rows(), lines, text.close)


def _lines(stream: BinaryIO, encoding: str) -> int | None:
    """How many lines the file has in ``encoding``; None when it is not in that encoding."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines, last, nul = 0, "\n", False
    while True:
        chunk = stream.read(CHUNK)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            return None
        nul = nul or "\x00" in text
        lines += text.count("\n")
        last = text[-1] if text else last
        if not chunk:
            break
    if nul:
        raise Unreadable("not a text file (UTF-16 or binary?): save it as CSV UTF-8")
    return lines + (last != "\n")


def read_xlsx(source: Path) -> Table:
    """The first sheet, in read-only mode (openpyxl parses the sheet as it is read), with
    cached values of formulas."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Unreadable(f"not a readable .xlsx workbook ({exc})") from exc
    if not workbook.worksheets:
        workbook.close()
        raise Unreadable("the workbook has no sheet")
    sheet = workbook.worksheets[0]
    total = getattr(sheet, "max_row", None)   # as the file says: a hint for the progress bar
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()   # some programs write wrong dimensions; read every row

    def rows() -> Iterator[list[str]]:
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [cell_text(value) for value in row]
        except Exception as exc:   # a damaged sheet; openpyxl's errors have no common base
            raise Unreadable(f"not a readable .xlsx workbook ({exc})") from exc

    return Table(rows(), total if isinstance(total, int) else None, workbook.close)


def cell_text(value: object) -> str:
    """A cell's value as the text staff typed; numbers as ``NumberCell``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return NumberCell(str(value))
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return NumberCell(str(int(value)))
        return NumberCell(format(value, ".12g"))   # 0.1 + 0.2 is 0.3 to staff
    return str(value)


class Columns:
    """Where each column is, from the header row (any order, any case, spaces ignored)."""

    def __init__(self, locales: tuple[str, ...], default: str) -> None:
        self.locales, self.default = locales, default
        self.where: dict[str, int] = {}                   # column -> position
        self.specs: dict[str, list[tuple[str, int]]] = {}  # locale -> [(spec, position)]
        self.options: dict[str, list[tuple[str, int]]] = {}  # locale -> [(option, position)]
        self.unnamed: list[int] = []
        """Positions of the header's empty cells: a row with a value there is a problem."""

    def read(self, cells: list[str]) -> list[tuple[str, str]]:
        """Read the header; return its problems as (column, message)."""
        known = [*REQUIRED, *OPTIONAL, *(f"{kind}:{locale}" for kind in ("name", "description")
                                         for locale in self.locales)]
        locales = ", ".join(self.locales)
        problems: list[tuple[str, str]] = []
        for position, raw in enumerate(cells):
            text = raw.strip()
            key = re.sub(r"\s*:\s*", ":", text.lower())
            if not text:
                self.unnamed.append(position)
            elif key.startswith("spec:"):
                problems += self._localized(self.specs, "spec", "Poids", text, position)
            elif key.startswith("option:"):
                problems += self._localized(self.options, "option", "Pointure", text, position)
            elif key in known:
                if key in self.where:
                    problems.append((text, f"column written twice (columns "
                                           f"{letter(self.where[key])} and {letter(position)})"))
                self.where.setdefault(key, position)
            elif key.partition(":")[0] in ("name", "description") and ":" in key:
                problems.append((text, f"unknown column {text!r}: {key.partition(':')[2]!r} is "
                                       f"not one of the store's languages ({locales})"))
            else:
                guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = (f"; did you mean {guess[0]!r}?" if guess else
                        f" (known columns: {', '.join(known)}, spec:<name>:<language>, "
                        "option:<name>:<language>)")
                problems.append((text, f"unknown column {text!r}{hint}"))
        needed = (*REQUIRED, f"name:{self.default}", f"description:{self.default}")
        problems += [(column, f"missing column {column!r} (required: {', '.join(needed)})")
                     for column in needed if column not in self.where]
        for kind, table in (("spec", self.specs), ("option", self.options)):
            counts = {locale: len(table[locale]) for locale in self.locales if locale in table}
            if counts and (self.default not in counts or len(set(counts.values())) > 1):
                listed = ", ".join(f"{locale}: {count}" for locale, count in counts.items())
                problems.append((kind, f"every language needs the same {kind} columns, the "
                                       f"default language {self.default!r} included ({listed}); "
                                       f"the n-th {kind} column of one language goes with the "
                                       "n-th of another"))
        return problems

    def unnamed_values(self, cells: list[str]) -> list[tuple[str, str]]:
        """The header's problems a row shows: values in columns without a name (each column
        said once: it is no longer looked at)."""
        found = [position for position in self.unnamed
                 if position < len(cells) and cells[position].strip()]
        if not found:
            return []
        self.unnamed = [position for position in self.unnamed if position not in found]
        return [(letter(position), "this column has values but no name") for position in found]

    def _localized(self, table: dict[str, list[tuple[str, int]]], kind: str, example: str,
                   text: str, position: int) -> list[tuple[str, str]]:
        """``spec:Poids:fr``, ``option:Pointure:fr``: the name keeps its case, the language
        does not."""
        name, _, locale = text.partition(":")[2].rpartition(":")
        name, locale = name.strip(), locale.strip().lower()
        if not name or locale not in self.locales:
            return [(text, f"write a {kind} column as {kind}:<name>:<language>, the language "
                           f"one of the store's ({', '.join(self.locales)}), e.g. {kind}:"
                           f"{example}:{self.default}")]
        if any(known == name for known, _ in table.get(locale, [])):
            return [(text, f"{kind} {name!r} has two {locale} columns")]
        table.setdefault(locale, []).append((name, position))
        return []


# The values of cells, each parser raising ValueError with what staff should write instead.

TRUE, FALSE = {"yes", "oui", "true", "vrai", "1"}, {"no", "non", "false", "faux", "0"}
SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}
AS_NUMBER = re.compile(r"\d+(?:[.,]\d*)?[eE][+-]?\d+|\d+[.,]0*")
"""What a GTIN looks like once a spreadsheet has made a number of it: 3.76E+12, 376…017.0."""

NUMBER_GTIN = ("the GTIN was turned into a number by the spreadsheet (digits or leading zeros "
               "are lost): format the column as text and type the GTINs again")


def parse_gtin(text: str, numeric: bool = False) -> str:
    """Digits only (spaces dropped), a valid check digit, never a spreadsheet number."""
    compact = re.sub(r"\s+", "", text)
    if numeric or AS_NUMBER.fullmatch(compact):
        raise ValueError(f"{text!r}: {NUMBER_GTIN}")
    problem = gtin_problem(compact)
    if problem:
        raise ValueError(problem)
    return compact


def parse_money(text: str, currency: str) -> Decimal:
    """``1299``, ``1299.00``, ``1 299,00 €``, ``1299,5``, ``1,299.00``: more than 0, 2 decimals."""
    compact = re.sub(r"[\s']", "", text)   # 1 299 (spaces, no-break spaces) or 1'299
    for mark in (mark for mark in (SIGNS.get(currency), currency, currency.lower()) if mark):
        compact = compact.removeprefix(mark).removesuffix(mark)
    if "," in compact and "." in compact:   # 1,299.00 or 1.299,00: the last one is decimal
        thousands = "," if compact.rfind(".") > compact.rfind(",") else "."
        compact = compact.replace(thousands, "")
    compact = compact.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", compact):
        raise ValueError(f"{text!r} is not a price in {currency}; write e.g. 1299,00 or "
                         f"1 299,00 {SIGNS.get(currency, currency)}")
    value = Decimal(compact)
    if value <= 0:
        raise ValueError(f"{text!r}: a price must be more than 0")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{text!r} has more than 2 decimals")
    return value.quantize(Decimal("0.01"))


def parse_count(text: str) -> int:
    """A whole number, 0 or more."""
    compact = re.sub(r"\s", "", text)
    if not compact.isdigit() or not compact.isascii():
        raise ValueError(f"{text!r} is not a whole number (0 or more)")
    return int(compact)


def parse_yes_no(text: str) -> bool:
    """yes/no, oui/non, true/false (vrai/faux from a French Excel), 1/0."""
    if text.lower() in TRUE | FALSE:
        return text.lower() in TRUE
    raise ValueError(f"{text!r}: write yes or no (oui/non, true/false, 1/0)")


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD (a midnight time after it, as some exports write, is ignored)."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?", text)
    try:
        return dt.date.fromisoformat(match.group(1) if match else "")
    except ValueError:
        raise ValueError(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. "
                         "2026-12-31") from None


def slug(text: str) -> str:
    """``Électroménager & Cuisine`` -> ``electromenager-cuisine``."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def letter(position: int) -> str:
    """Spreadsheet column letter: 0 -> A, 26 -> AA."""
    name, position = "", position + 1
    while position:
        position, rest = divmod(position - 1, 26)
        name = chr(ord("A") + rest) + name
    return name
