"""The kiosk's SQLite files (outbox, content cache): opened checked, and never a reason to stop.

A file that is corrupt, or written by a newer kiosk, is moved aside (``NAME.corrupt-DATE``,
with its journal files) and a fresh one started, with a log line; if even that fails (a full
or read-only disk, another process holding a lock), the data lives in memory until restart.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

JOURNALS = ("", "-wal", "-shm", "-journal")


class Unusable(Exception):
    """The file is there but cannot serve (corrupt, or from a newer kiosk)."""


def open_database(path: Path, what: str, schema: str, version: int,
                  pragmas: tuple[str, ...]) -> sqlite3.Connection:
    """A connection to ``path`` with ``schema`` applied; ``what`` names it in log lines."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _connect(str(path), schema, version, pragmas)
    except (sqlite3.DatabaseError, Unusable, OSError) as exc:
        if _busy(exc):
            log.error("%s %s is locked by another process (%s); keeping data in memory until "
                      "restart", what, path, exc)
            return _connect(":memory:", schema, version, pragmas)
        aside = move_aside(path)
        log.warning("%s %s is unreadable (%s); moved it to %s and started afresh", what, path,
                    exc, aside)
    try:
        return _connect(str(path), schema, version, pragmas)
    except (sqlite3.DatabaseError, Unusable, OSError) as exc:
        log.error("cannot create %s %s (%s); keeping data in memory until restart", what, path,
                  exc)
        return _connect(":memory:", schema, version, pragmas)


@contextlib.contextmanager
def immediate_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; on any error (a kill leaves nothing half-written
    anyway) the transaction is rolled back, quietly if even that fails, and the error raised."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error as exc:
                log.debug("rollback failed: %s", exc)
        raise


def move_aside(path: Path) -> Path | None:
    """Rename the file and its journals to ``NAME.corrupt-DATE``; the new name, if moved."""
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    moved: Path | None = None
    for suffix in JOURNALS:
        source = Path(f"{path}{suffix}")
        if not source.exists():
            continue
        try:
            source.rename(f"{aside}{suffix}")
            moved = moved or aside
        except OSError as exc:
            log.error("cannot move %s aside: %s", source, exc)
    return moved


def _connect(name: str, schema: str, version: int,
             pragmas: tuple[str, ...]) -> sqlite3.Connection:
    """Connect, check the file is healthy, and bring its schema up to date."""
    conn = sqlite3.connect(name, timeout=5.0, isolation_level=None, check_same_thread=False)
    try:
        for pragma in pragmas:
            conn.execute(f"PRAGMA {pragma}").fetchall()
        check = conn.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise Unusable(f"integrity check: {check[0] if check else 'no answer'}")
        conn.executescript(f"BEGIN IMMEDIATE;{schema}COMMIT;")
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        if row[0] is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
        elif row[0] > version:
            raise Unusable(f"schema version {row[0]} is newer than this kiosk's {version}")
        return conn
    except BaseException:
        conn.close()
        raise


def _busy(exc: BaseException) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name in ("SQLITE_BUSY", "SQLITE_LOCKED") or "database is locked" in str(exc)
