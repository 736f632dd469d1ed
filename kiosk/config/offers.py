"""The offers file (``config/offers.yaml``): coupons a shopper takes from the table to keep in
the phone's wallet, what they apply to, when, and with which code.

An offer carries either one ``code`` every shopper shares, or a pool of single-use codes
(``codes_file``: a CSV staff export). The pool's codes are checked here (readable, no
duplicates, not empty); which were given is the kiosk's durable state (``kiosk.offers.pool``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import Field, model_validator

from hardware.gtin import to_gtin14
from kiosk.config.fields import Gtin, LocalText, Slug, Strict, Text
from kiosk.config.schedule import Window

OFFERS_FILE = "offers.yaml"
CODES_LIMIT = 32 * 1024 * 1024
"""Largest codes file read (32 MiB: a million codes and their columns)."""
CODE_CHARS = 64
CODE_COLUMNS = ("code", "codes", "coupon", "coupon_code", "voucher", "promo_code")
"""Headers naming the column of codes in a staff export (any case); a file of one column
needs none."""


class Offer(Window):
    """One coupon: its words in every language, what it applies to, when, and its code."""

    id: Slug = Field(description="names the offer in links, reports and the pool's state")
    title: LocalText = Field(description="what the shopper gets, e.g. -20 % on running shoes")
    terms: LocalText = Field(description="conditions, printed on the pass")
    badge: LocalText | None = Field(default=None, description=(
        "a few words on the product panel's badge, e.g. -20 %; \"Offre\"/\"Offer\" if left "
        "out"))
    products: tuple[Gtin, ...] = Field(default=(), description="the products it applies to")
    departments: tuple[Text, ...] = Field(default=(), description=(
        "departments (their id) it applies to; with neither products nor departments, the "
        "whole store"))
    code: Text | None = Field(default=None, max_length=CODE_CHARS, description=(
        "one code every shopper gets"))
    codes_file: Text | None = Field(default=None, description=(
        "a CSV of single-use codes (a column named code, or one column), relative to this "
        "folder: each is given once, and the offer stops when none is left"))
    redeem_until: dt.date | None = Field(default=None, description=(
        "last day the code is accepted (the pass expires after it); until if left out"))

    @model_validator(mode="after")
    def _one_code(self) -> Offer:
        if (self.code is None) == (self.codes_file is None):
            raise ValueError("give either code (one shared code) or codes_file (single-use "
                             "codes), not both and not neither")
        if self.redeem_until and self.until and self.redeem_until < self.until:
            raise ValueError(f"redeem_until ({self.redeem_until}) is before until "
                             f"({self.until}): shoppers could take a code they cannot use")
        return self

    @property
    def last_day(self) -> dt.date | None:
        """The last day its code is accepted."""
        return self.redeem_until or self.until

    def covers(self, gtin14: str, department: str | None) -> bool:
        """Whether the offer applies to a product (its GTIN-14 and department id)."""
        if not self.products and not self.departments:
            return True
        return gtin14 in self.gtin14s or (department is not None
                                          and department in self.departments)

    @cached_property
    def gtin14s(self) -> frozenset[str]:
        """The products it names, as GTIN-14 (computed once: panels ask every frame)."""
        return frozenset(to_gtin14(gtin) for gtin in self.products)

    def specificity(self) -> int:
        """0 for an offer naming products, 1 for departments, 2 for the whole store: a
        product's own offer comes before its department's, which comes before the store's."""
        return 0 if self.products else 1 if self.departments else 2


class OffersFile(Strict):
    """The whole of ``offers.yaml``."""

    offers: tuple[Offer, ...] = ()


@dataclass(frozen=True)
class CodeFile:
    """A pool's codes file as validated: where it is, its content's hash (the kiosk imports
    it again only when that changes) and how many codes it holds."""

    path: Path
    digest: str
    count: int


@dataclass(frozen=True)
class OffersConfig:
    """The offers in use, in file order, and the codes file of each pool by offer id."""

    offers: tuple[Offer, ...] = ()
    pools: dict[str, CodeFile] | None = None

    def pool(self, offer_id: str) -> CodeFile | None:
        return (self.pools or {}).get(offer_id)


def read_codes(path: Path) -> tuple[list[str], list[tuple[int, str]]]:
    """The codes of a staff export, in order, and its problems as (line, message).

    A header naming the column (``code``, ``coupon``…) is used when there is one; a file of
    one column needs none. Blank lines are skipped; a code listed twice is a problem (it
    would be given twice)."""
    try:
        size = path.stat().st_size
        if size > CODES_LIMIT:
            return [], [(1, f"{path.name} is {size / 2**20:.0f} MiB; codes files are read up "
                            f"to {CODES_LIMIT // 2**20} MiB")]
        raw = path.read_bytes()
    except OSError as exc:
        return [], [(1, f"cannot read {path.name} ({exc.strerror or exc})")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # an export from an old spreadsheet
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        return [], [(1, f"{path.name} is not a CSV file of codes ({exc})")]
    return _codes_of(rows)


def _codes_of(rows: list[list[str]]) -> tuple[list[str], list[tuple[int, str]]]:
    problems: list[tuple[int, str]] = []
    first = next((row for row in rows if any(cell.strip() for cell in row)), None)
    if first is None:
        return [], [(1, "the codes file holds no code")]
    header = [cell.strip().lower() for cell in first]
    column = next((header.index(name) for name in CODE_COLUMNS if name in header), None)
    start = rows.index(first) + 1
    if column is None:
        if len(first) > 1:
            return [], [(rows.index(first) + 1, "name the column of codes in the first line "
                         f"({', '.join(CODE_COLUMNS[:3])}): the file has {len(first)} columns")]
        column, start = 0, rows.index(first)
    codes: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[start:], start=start + 1):
        value = row[column].strip() if column < len(row) else ""
        if not value:
            continue
        if len(value) > CODE_CHARS or not value.isprintable():
            problems.append((line, f"{value[:20]!r}… is not a code (at most {CODE_CHARS} "
                                   "printable characters)"))
        elif value in seen:
            problems.append((line, f"code {value} is already listed at line {seen[value]}"))
        else:
            seen[value] = line
            codes.append(value)
    if not codes and not problems:
        problems.append((1, "the codes file holds no code"))
    return codes, problems


def codes_digest(codes: list[str]) -> str:
    """What identifies a pool's content: its codes, in order."""
    return hashlib.sha256("\n".join(codes).encode()).hexdigest()
