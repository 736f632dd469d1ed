"""The content cache on real SQLite files: round trips, "not found" entries, pruning, and a
broken file moved aside rather than stopping the kiosk."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.catalog.sources.cache import ContentCache
from kiosk.catalog.sources.patch import ProductPatch

GTIN = "03017620422003"
FULL = ProductPatch(
    source="rest", fetched_at=1_700_000_000.5, price=Decimal("4.20"),
    promo_price=Decimal("3.90"), promo_until=dt.date(2026, 12, 31), stock=0, aisle="B4",
    online=False, delivery_days=3, names={"fr": "Pâte à tartiner", "en": "Spread"},
    ingredients={"fr": "Sucre"}, nutriscore="e", allergens=("milk", "nuts"),
    image_url="https://images.example.com/a.jpg", attribution="Open Food Facts — ODbL",
    brand="Nutella")


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    cache = ContentCache(tmp_path / "content.sqlite")
    cache.put(FULL, GTIN)
    assert cache.get("rest", GTIN) == FULL
    assert cache.get("openfoodfacts", GTIN) is None
    assert cache.get("rest", "03760000000017") is None
    cache.close()
    reopened = ContentCache(tmp_path / "content.sqlite")
    assert reopened.get("rest", GTIN) == FULL  # survives a restart
    reopened.close()


def test_the_latest_answer_replaces_the_previous(tmp_path: Path) -> None:
    cache = ContentCache(tmp_path / "content.sqlite")
    cache.put(FULL, GTIN)
    newer = ProductPatch(source="rest", fetched_at=FULL.fetched_at + 60, stock=4)
    cache.put(newer, GTIN)
    assert cache.get("rest", GTIN) == newer and len(cache) == 1
    cache.close()


def test_not_found_is_remembered(tmp_path: Path) -> None:
    cache = ContentCache(tmp_path / "content.sqlite", clock=Clock(5000.0))
    cache.put_missing("openfoodfacts", GTIN)
    entry = cache.entry("openfoodfacts", GTIN)
    assert entry is not None and entry.patch is None and entry.fetched_at == 5000.0
    assert cache.get("openfoodfacts", GTIN) is None
    cache.close()


def test_prune_forgets_old_answers(tmp_path: Path) -> None:
    clock = Clock(1_000_000.0)
    cache = ContentCache(tmp_path / "content.sqlite", clock=clock)
    cache.put(ProductPatch(source="rest", fetched_at=clock.now - 40 * 86400, stock=1), "a")
    cache.put(ProductPatch(source="rest", fetched_at=clock.now - 10 * 86400, stock=2), "b")
    cache.put_missing("openfoodfacts", "c", clock.now - 31 * 86400)
    assert cache.prune(30 * 86400) == 2
    assert cache.get("rest", "a") is None and cache.get("rest", "b") is not None
    cache.close()


def test_corrupt_file_is_moved_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "content.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 4096)
    with caplog.at_level(logging.WARNING):
        cache = ContentCache(path)
    aside = list(tmp_path.glob("content.sqlite.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"SQLite format 3")
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "moved it to" in warning.getMessage()
    cache.put(FULL, GTIN)  # a fresh cache that works
    assert cache.get("rest", GTIN) == FULL
    cache.close()


def test_a_file_from_a_newer_kiosk_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "content.sqlite"
    ContentCache(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (99)")
    conn.close()
    cache = ContentCache(path)
    assert list(tmp_path.glob("content.sqlite.corrupt-*"))
    assert len(cache) == 0
    cache.close()


def test_an_unreadable_row_counts_as_no_entry(tmp_path: Path) -> None:
    path = tmp_path / "content.sqlite"
    cache = ContentCache(path)
    cache.put(FULL, GTIN)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE entries SET payload = '{\"price\": \"lots\"}'")
    conn.close()
    assert cache.entry("rest", GTIN) is None
    cache.close()
