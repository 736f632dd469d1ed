"""The event log: what shoppers do with the table, never who they are.

Why a writer thread: the frame loop must not wait on the disk, so ``record`` only validates and
appends to a queue; a thread commits what has queued up in one transaction (SQLite, WAL,
``synchronous=FULL``), so a burst costs one fsync, not one per event. An event is acknowledged
once committed: ``flush`` returns when everything recorded so far is on disk.

Why no personal data can enter: an event is a kind from a fixed list, a session id, a GTIN
(digits only), a short label (a tab, a channel, a locale, a device state; cut to 64 characters)
and a number. There is no field for free text.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from hardware.gtin import normalise_code
from kiosk.ops.sqlite_file import Database, immediate_transaction

log = logging.getLogger(__name__)

KINDS = ("placed", "removed", "section", "cross_sell", "compare", "send", "language", "device",
         "session_start", "session_end", "variant", "ordered", "reserved",
         "offer_sent", "health")
LABEL_CHARS = 64
DAY_S = 86400.0
PURGE_EVERY_S = 3600.0
MAX_PENDING = 200_000
"""Events held in memory while the disk refuses them; beyond, new ones are dropped (logged)."""
MAX_BATCH = 10_000
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 30.0
SCHEMA_VERSION = 1
PRAGMAS = ("journal_mode = WAL", "synchronous = FULL")
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    t REAL NOT NULL,
    kind TEXT NOT NULL,
    session TEXT,
    gtin TEXT,
    value TEXT,
    number REAL,
    forwarded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS events_t ON events (t);
CREATE INDEX IF NOT EXISTS events_unforwarded ON events (id) WHERE forwarded = 0;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('log_id', lower(hex(randomblob(16))));
"""
"""``meta.log_id`` tells this file from one started afresh (whose ids begin at 1 again)."""
INSERT = "INSERT INTO events (t, kind, session, gtin, value, number) VALUES "
INSERT_ROW = "(?,?,?,?,?,?)"
CHUNK_ROWS = 512
ROW_FIELDS = 6

Row = tuple[float, str, str | None, str | None, str | None, float | None]


def open_log(path: Path, read_only: bool = False) -> Database:
    """The event log file (created, checked, and set aside and recovered if damaged; with
    ``read_only``, never changed)."""
    return Database(Path(path), "event log", SCHEMA, SCHEMA_VERSION, PRAGMAS,
                    read_only=read_only)


def device_label(source: str, state: str) -> str:
    """The ``value`` of a ``device`` event: ``SOURCE:STATE``, the state never cut off."""
    return f"{source[:LABEL_CHARS - len(state[:20]) - 1]}:{state[:20]}"


def _label(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text, not {type(value).__name__}")
    return value[:LABEL_CHARS]


def _gtin(gtin: str | None) -> str | None:
    """Digits only (a valid GTIN as GTIN-14, so reports match the catalog)."""
    if gtin is None:
        return None
    if not isinstance(gtin, str) or not gtin.isascii() or not gtin.isdigit():
        raise ValueError(f"a GTIN is digits only, not {gtin!r}")
    return normalise_code(gtin)[:LABEL_CHARS]


def _number(number: float | None) -> float | None:
    if number is None:
        return None
    value = float(number)
    if not math.isfinite(value):
        raise ValueError(f"number must be finite, not {number!r}")
    return value


class EventLog:
    """Events written by a writer thread (the frame loop only enqueues); SQLite WAL,
    synchronous=FULL; an event is acknowledged once committed — ``flush()`` returns when
    everything enqueued so far is committed."""

    def __init__(self, path: Path, retention_days: int = 365,
                 clock: Callable[[], float] = time.time) -> None:
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self.path = Path(path)
        self.retention_days = retention_days
        self._clock = clock
        self._store = open_log(self.path)
        self._lock = threading.Lock()  # the queue and counters
        self._work = threading.Condition(self._lock)
        self._done = threading.Condition(self._lock)
        self._pending: deque[Row] = deque()
        self._enqueued = 0
        self._committed = 0
        self._dropped = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="event-log", daemon=True)
        self._thread.start()

    # -- the frame loop's side -----------------------------------------------------------

    def record(self, kind: str, *, session: str | None = None, gtin: str | None = None,
               value: str | None = None, number: float | None = None) -> None:
        """Queue one event; never waits on the disk. ValueError for an unknown kind, a GTIN
        with anything but digits, or a label that is not text."""
        if kind not in KINDS:
            raise ValueError(f"unknown event kind {kind!r}; use one of {', '.join(KINDS)}")
        row: Row = (self._clock(), kind, _label(session, "session"), _gtin(gtin),
                    _label(value, "value"), _number(number))
        with self._lock:
            if self._closed:
                log.debug("event log closed; %s event dropped", kind)
                return
            if len(self._pending) >= MAX_PENDING:
                self._dropped += 1
                if self._dropped == 1 or self._dropped % 10_000 == 0:
                    log.error("event log %s is not keeping up; %d event(s) dropped so far",
                              self.path, self._dropped)
                return
            self._pending.append(row)
            self._enqueued += 1
            self._work.notify()

    @property
    def problem(self) -> str | None:
        """Why events cannot be written now (they wait in memory), or None."""
        return self._store.problem

    @property
    def depth(self) -> int:
        """Events enqueued, not yet committed."""
        with self._lock:
            return self._enqueued - self._committed

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything recorded so far is committed; False after ``timeout``."""
        with self._lock:
            target = self._enqueued
            return self._done.wait_for(lambda: self._committed >= target, timeout)

    # -- housekeeping --------------------------------------------------------------------

    def purge(self) -> int:
        """Delete events older than the retention; returns how many."""
        cutoff = self._clock() - self.retention_days * DAY_S
        with self._store.use(write=True) as conn:
            count = conn.execute("DELETE FROM events WHERE t < ?", (cutoff,)).rowcount
        if count:
            log.info("event log: %d event(s) older than %d days deleted", count,
                     self.retention_days)
        return count

    def close(self) -> None:
        """Flush (5 s at most), stop the writer and close the file (idempotent)."""
        with self._lock:
            if self._closed:
                return
        if not self.flush(5.0):
            log.error("event log %s: %d event(s) not written before closing", self.path,
                      self.depth)
        with self._lock:
            self._closed = True
            self._work.notify()
        self._thread.join(5.0)
        if self._thread.is_alive():
            log.error("event log %s: the writer is stuck; leaving the file open", self.path)
            return
        self._store.close()

    # -- the writer thread ---------------------------------------------------------------

    def _run(self) -> None:
        next_purge = time.monotonic()  # once at start, then hourly
        pause = RETRY_FIRST_S
        while True:
            with self._lock:
                while not self._pending and not self._closed:
                    remaining = next_purge - time.monotonic()
                    if remaining <= 0:
                        break
                    self._work.wait(remaining)
                if self._closed and not self._pending:
                    return
                count = min(len(self._pending), MAX_BATCH)
                batch = [self._pending.popleft() for _ in range(count)]
            if batch:
                if not self._commit(batch, pause):
                    pause = min(pause * 2, RETRY_MAX_S)
                    continue
                pause = RETRY_FIRST_S
            if time.monotonic() >= next_purge:
                next_purge = time.monotonic() + PURGE_EVERY_S
                try:
                    self.purge()
                except sqlite3.Error as exc:
                    log.error("event log %s: purge failed (%s); next try in an hour",
                              self.path, exc)

    def _commit(self, batch: list[Row], pause: float) -> bool:
        """Write a batch in one transaction; on failure put it back and wait ``pause``."""
        try:
            self._insert(batch)
        except sqlite3.Error as exc:
            with self._lock:
                self._pending.extendleft(reversed(batch))
                if self._closed:
                    log.error("event log %s: %d event(s) lost at close (%s)", self.path,
                              len(self._pending), exc)
                    self._pending.clear()
                    return False
                log.debug("event log %s: cannot write (%s); %d event(s) waiting, next try in "
                          "%.1f s", self.path, exc, len(self._pending), pause)
                self._work.wait(pause)
            return False
        with self._lock:
            self._committed += len(batch)
            self._done.notify_all()
        return True

    def _insert(self, batch: list[Row]) -> None:
        """One transaction of multi-row INSERTs, in chunks of a power of two rows so a few
        statements serve every size. Not ``executemany``: it lets go of the GIL for every
        row, and with a busy frame loop each row would then wait up to 5 ms to get it back."""
        with self._store.use(write=True) as conn, immediate_transaction(conn):
            largest = 1 << (min(CHUNK_ROWS, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
                                 // ROW_FIELDS).bit_length() - 1)
            start = 0
            while start < len(batch):
                size = min(largest, 1 << ((len(batch) - start).bit_length() - 1))
                chunk = batch[start:start + size]
                conn.execute(INSERT + ", ".join([INSERT_ROW] * size),
                             [value for row in chunk for value in row])
                start += size
