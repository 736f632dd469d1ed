"""How big the config may be, checked before anything is read or parsed.

Without limits one oversized file (a whole product database exported by mistake) took
gigabytes and minutes to reject, on the table while shoppers used it. The limits fit a
100,000-product hypermarket split into department files with a wide margin: such a catalog,
written as ``kiosk import-catalog`` writes it (two languages, a description, four specs, stock
and aisle, one photo), is about 870 bytes a product, 87 MB in all (``bench.big_catalog``); a
department of 18,000 such products fits in one file.
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware.image_limits import MEGA, describe_bytes


@dataclass(frozen=True)
class FileLimit:
    """The most one config file may hold, and what to tell staff when it holds more."""

    bytes: int
    advice: str


STORE_LIMIT = FileLimit(1 * MEGA, "keep the catalog in the catalog files")
"""``store.yaml`` is a few kilobytes; a megabyte is a file pasted in by mistake."""
CATALOG_LIMIT = FileLimit(16 * MEGA, "split the catalog by department")
"""One catalog file (or the NFC tag map): about 18,000 imported products."""
TOTAL_BYTES = 128 * MEGA
"""Every config file together: about 145,000 imported products."""

MAX_DEPTH = 50
"""Nesting of YAML collections; the deepest the kiosk's files need is 6."""
MAX_NODES = 2_500_000
"""Values (keys, scalars, lists, mappings) in one file once aliases are expanded: a 16 MB
catalog holds about 1.1 million; "billion laughs" aliases are stopped here."""
MAX_TOTAL_NODES = 12_000_000
"""Values in all files together (the 128 MB of imported products hold about 8.5 million)."""


def too_large(size: int, limit: FileLimit) -> str:
    """The message for a file of ``size`` bytes over ``limit``."""
    return (f"too large ({describe_bytes(size)}; a config file may be at most "
            f"{limit.bytes // MEGA} MB: {limit.advice})")


def total_too_large(size: int) -> str:
    """The message for config files that together are over ``TOTAL_BYTES``."""
    return (f"the config files are too large together ({describe_bytes(size)}; together they "
            f"may be at most {TOTAL_BYTES // MEGA} MB: remove catalog files the store does "
            "not need)")
