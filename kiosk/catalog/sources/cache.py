"""The content cache: the last answer of each source for each product, in one SQLite file.

Why a file: the table must keep showing prices, stock and ingredients when the network is
down, including right after a restart. Why SQLite (WAL): writes are atomic, so a power cut
leaves the previous answer rather than half a file. It is only a cache: a file that cannot be
read is moved aside and a fresh one started (with a warning), never a reason to stop the kiosk.

An entry without a payload records that the source does not know the product, so a product
Open Food Facts has never heard of is not asked for again before its time-to-live is up.

One connection, shared behind a lock (the fetcher's thread writes, a CLI may read).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kiosk.catalog.sources.patch import ProductPatch
from kiosk.ops.sqlite_file import Database

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    source TEXT NOT NULL,
    gtin TEXT NOT NULL,
    payload TEXT,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (source, gtin)
);
CREATE INDEX IF NOT EXISTS entries_age ON entries (fetched_at);
"""
BOOKKEEPING = ("source", "fetched_at", "from_cache", "image_file")
"""Not stored: known from the row, or (the photo) kept as a file of its own."""
DECIMALS = ("price", "promo_price")
DATES = ("promo_until",)
TUPLES = ("allergens",)


@dataclass(frozen=True)
class CacheEntry:
    """A stored answer: the patch, or None when the source did not know the product."""

    patch: ProductPatch | None
    fetched_at: float


class ContentCache:
    """Patches by (source, GTIN-14), with the wall-clock time they were fetched."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._db = Database(self.path, "content cache", SCHEMA, SCHEMA_VERSION,
                            ("journal_mode = WAL", "synchronous = NORMAL"))

    @property
    def problem(self) -> str | None:
        """Why answers cannot be kept now (they are still shown), or None."""
        return self._db.problem

    def get(self, source: str, gtin: str) -> ProductPatch | None:
        """The stored patch, of any age; None if none (or the source did not know it)."""
        entry = self.entry(source, gtin)
        return entry.patch if entry else None

    def entry(self, source: str, gtin: str) -> CacheEntry | None:
        """The stored answer with its time, or None if this source was never asked."""
        with self._db.use() as conn:
            row = conn.execute(
                "SELECT payload, fetched_at FROM entries WHERE source = ? AND gtin = ?",
                (source, gtin)).fetchone()
        if row is None:
            return None
        payload, fetched_at = row
        if payload is None:
            return CacheEntry(None, fetched_at)
        patch = _from_json(source, fetched_at, payload)
        return CacheEntry(patch, fetched_at) if patch is not None else None

    def put(self, patch: ProductPatch, gtin: str) -> None:
        """Store ``patch`` as its source's latest answer for ``gtin``."""
        self._write(patch.source, gtin, _to_json(patch), patch.fetched_at)

    def put_missing(self, source: str, gtin: str, fetched_at: float | None = None) -> None:
        """Record that ``source`` does not know ``gtin`` (as of ``fetched_at``, default now)."""
        self._write(source, gtin, None, self._clock() if fetched_at is None else fetched_at)

    def _write(self, source: str, gtin: str, payload: str | None, fetched_at: float) -> None:
        with self._db.use(write=True) as conn:
            conn.execute(
                "INSERT INTO entries (source, gtin, payload, fetched_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (source, gtin) DO UPDATE SET payload = excluded.payload,"
                " fetched_at = excluded.fetched_at", (source, gtin, payload, fetched_at))

    def prune(self, max_age_s: float) -> int:
        """Forget answers fetched more than ``max_age_s`` ago; returns how many."""
        cutoff = self._clock() - max_age_s
        with self._db.use(write=True) as conn:
            return conn.execute("DELETE FROM entries WHERE fetched_at < ?", (cutoff,)).rowcount

    def __len__(self) -> int:
        with self._db.use() as conn:
            return conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]

    def close(self) -> None:
        """Close the file (idempotent)."""
        self._db.close()


def _to_json(patch: ProductPatch) -> str:
    data: dict[str, Any] = {}
    for field in dataclasses.fields(patch):
        value = getattr(patch, field.name)
        if field.name in BOOKKEEPING or value is None:
            continue
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        data[field.name] = value
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


FIELD_TYPES = {field.name: field for field in dataclasses.fields(ProductPatch)}


def _from_json(source: str, fetched_at: float, payload: str) -> ProductPatch | None:
    """The stored patch; None (and a debug line) if the row cannot be read back, which then
    counts as no entry. Keys this kiosk does not know (a newer one wrote them) are skipped."""
    try:
        data = json.loads(payload)
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name not in FIELD_TYPES or name in BOOKKEEPING:
                continue
            if name in DECIMALS:
                value = Decimal(value)
            elif name in DATES:
                value = dt.date.fromisoformat(value)
            elif name in TUPLES:
                value = tuple(str(item) for item in value)
            values[name] = value
        return ProductPatch(source=source, fetched_at=fetched_at, **values)
    except (ValueError, TypeError, AttributeError, InvalidOperation) as exc:
        log.debug("cached %s entry unreadable (%s); ignored", source, type(exc).__name__)
        return None
