"""Single-use codes of offers: each given once, ever, in a SQLite file of the data folder
(``offers.sqlite3``).

Why a code is marked given in one committed statement before anyone sees it: a kill -9 at any
moment then leaves it either free (nobody saw it) or given (at most one shopper has it), never
given twice. A code given to a pass that never left (the kiosk died before queueing it) is
spent: a code lost is cheaper than a code shown to two shoppers.

Why the staff's file is imported, not read: the export may be replaced by a longer one (new
codes added) or a shorter one (codes withdrawn); codes given stay given whatever the file
says, codes no longer listed are not given. Nothing personal is kept: a code, the pass serial
it went into, and when.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kiosk.ops.sqlite_file import Database, immediate_transaction, open_read_only

POOL_FILE = "offers.sqlite3"
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS codes (
    offer TEXT NOT NULL,
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    listed INTEGER NOT NULL DEFAULT 1,
    given_at REAL,
    serial TEXT,
    PRIMARY KEY (offer, code)
);
CREATE INDEX IF NOT EXISTS codes_free ON codes (offer, listed, given_at, position);
CREATE TABLE IF NOT EXISTS imports (offer TEXT PRIMARY KEY, digest TEXT NOT NULL);
"""
PRAGMAS = ("journal_mode = WAL", "synchronous = FULL")
BATCH = 5000


class CodePool:
    """The pools of every offer with single-use codes."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._db = Database(self.path, "offer codes", SCHEMA, SCHEMA_VERSION, PRAGMAS)

    @property
    def problem(self) -> str | None:
        """Why codes cannot be given now (``the disk is full``), or None."""
        return self._db.problem

    def imported(self, offer_id: str) -> str | None:
        """The digest of the codes file last imported for ``offer_id``."""
        with self._db.use() as conn:
            row = conn.execute("SELECT digest FROM imports WHERE offer = ?",
                               (offer_id,)).fetchone()
        return row[0] if row else None

    def load(self, offer_id: str, codes: Sequence[str], digest: str) -> None:
        """Make ``codes`` the offer's listed codes (in this order); codes given stay given.
        One transaction: a kill leaves the old list or the new one."""
        with self._db.use(write=True) as conn, immediate_transaction(conn):
            conn.execute("UPDATE codes SET listed = 0 WHERE offer = ?", (offer_id,))
            for start in range(0, len(codes), BATCH):
                conn.executemany(
                    "INSERT INTO codes (offer, code, position) VALUES (?, ?, ?) ON CONFLICT "
                    "(offer, code) DO UPDATE SET listed = 1, position = excluded.position",
                    [(offer_id, code, start + index)
                     for index, code in enumerate(codes[start:start + BATCH])])
            conn.execute("INSERT INTO imports (offer, digest) VALUES (?, ?) ON CONFLICT "
                         "(offer) DO UPDATE SET digest = excluded.digest", (offer_id, digest))

    def claim(self, offer_id: str, serial: str) -> str | None:
        """Give the offer's next free code to the pass ``serial``: committed before it
        returns (else an ``sqlite3.Error`` is raised and nothing was given). None when the
        pool is empty."""
        with self._db.use(write=True) as conn, immediate_transaction(conn):
            row = conn.execute(
                "SELECT code FROM codes WHERE offer = ? AND listed = 1 AND given_at IS NULL "
                "ORDER BY position LIMIT 1", (offer_id,)).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE codes SET given_at = ?, serial = ? WHERE offer = ? AND "
                         "code = ? AND given_at IS NULL", (self._clock(), serial, offer_id,
                                                           row[0]))
        return str(row[0])

    def left(self, offer_ids: Iterable[str]) -> dict[str, int]:
        """Codes still free, by offer (0 for an offer never imported)."""
        wanted = list(offer_ids)
        with self._db.use() as conn:
            counts = dict(conn.execute(
                "SELECT offer, COUNT(*) FROM codes WHERE listed = 1 AND given_at IS NULL "
                "GROUP BY offer").fetchall())
        return {offer: int(counts.get(offer, 0)) for offer in wanted}

    def close(self) -> None:
        self._db.close()


def given_codes(data_dir: Path, offer_id: str) -> set[str]:
    """The codes of ``offer_id`` already given, read without changing (or creating) the file:
    for ``kiosk offers`` and reports beside a running kiosk."""
    path = Path(data_dir) / POOL_FILE
    if not path.exists():
        return set()
    conn = open_read_only(path)
    try:
        return {code for (code,) in conn.execute(
            "SELECT code FROM codes WHERE offer = ? AND given_at IS NOT NULL", (offer_id,))}
    except sqlite3.OperationalError:  # a file the kiosk has not finished creating
        return set()
    finally:
        conn.close()
