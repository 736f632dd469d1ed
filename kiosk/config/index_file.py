"""The SQLite file the compiled catalog lives in: ``DATA/catalog-index.sqlite3``.

It holds only what can be made again from the config files, so it is a cache with no fault
of its own: a damaged file, or one another version of the kiosk wrote, is deleted and built
anew; a folder that cannot hold it (full, read-only, missing) sends it to a private temporary
folder for this process, and the reason is kept for ``kiosk status`` and the log.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

INDEX_FILE = "catalog-index.sqlite3"
SCHEMA_VERSION = 4
BUSY_TIMEOUT_S = 30.0
"""Two commands may compile at once (the kiosk and a staff ``kiosk validate``)."""
SCHEMA = """
CREATE TABLE IF NOT EXISTS versions(
    id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, context TEXT NOT NULL,
    nodes INTEGER NOT NULL, errors TEXT, department_id TEXT, department TEXT,
    products INTEGER NOT NULL DEFAULT 0, unused_since REAL, UNIQUE(sha256, context));
CREATE TABLE IF NOT EXISTS products(
    version INTEGER NOT NULL, position INTEGER NOT NULL, gtin14 TEXT NOT NULL, family TEXT,
    data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS products_by_version ON products(version, position);
CREATE INDEX IF NOT EXISTS products_by_gtin ON products(gtin14);
CREATE INDEX IF NOT EXISTS products_by_family ON products(family) WHERE family IS NOT NULL;
CREATE TABLE IF NOT EXISTS refs(
    version INTEGER NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL,
    slot INTEGER NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS refs_by_version ON refs(version, kind);
CREATE TABLE IF NOT EXISTS selections(
    config TEXT NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL,
    current INTEGER, good INTEGER, stamp TEXT, PRIMARY KEY(config, name));
CREATE TABLE IF NOT EXISTS media(
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, problem TEXT);
CREATE TABLE IF NOT EXISTS checks(config TEXT PRIMARY KEY, candidate TEXT, errors TEXT);
"""
"""``versions``: each content compiled, with its errors or its rows in ``products`` and
``refs``, and since when no config uses it (dropped a day later); ``selections``: per config
folder, each catalog file's current content (and the size, time and inode it had then) and
the last good one in use; ``media``: image
checks by file size and time; ``checks``: the cross-file errors of the last set of files
checked."""

_private: Path | None = None


@dataclass(frozen=True)
class CatalogRef:
    """Where a config's compiled catalog is, to open it in any process."""

    path: Path
    config: str
    products: int
    problem: str | None = None
    """Why the index is not kept in the data folder, or None."""


def open_index(data_dir: Path | None) -> tuple[sqlite3.Connection, Path, str | None]:
    """A connection to the index in ``data_dir`` (or this process's private one when there is
    no data folder or it cannot hold the index), its path, and why it is not where asked."""
    problem = None
    if data_dir is not None:
        try:
            Path(data_dir).mkdir(parents=True, exist_ok=True)
            path = Path(data_dir) / INDEX_FILE
            return connect(path), path, None
        except (OSError, sqlite3.Error) as exc:
            problem = f"the catalog index cannot be kept in {data_dir} ({exc}): it is rebuilt " \
                      "at each start"
            log.warning("%s", problem)
    path = _private_folder() / INDEX_FILE
    return connect(path), path, problem


def connect(path: Path) -> sqlite3.Connection:
    """Open (or make) the index at ``path``; a damaged or foreign one is made anew."""
    try:
        return _open(path)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc):
            raise
        log.warning("catalog index %s is damaged or from another version (%s): building it "
                    "again", path, exc)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return _open(path)


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        if found not in (0, SCHEMA_VERSION):
            conn.close()
            raise sqlite3.DatabaseError(f"malformed for this version: schema {found}, not "
                                        f"{SCHEMA_VERSION}")
        if found == 0:
            conn.executescript(SCHEMA + f"PRAGMA user_version={SCHEMA_VERSION};")
        return conn
    except BaseException:
        conn.close()
        raise


def open_reader(path: Path) -> sqlite3.Connection:
    """A connection that only reads the index."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA query_only=ON")
    return conn


def _private_folder() -> Path:
    """A temporary folder for this process's index, removed when it exits."""
    global _private
    if _private is None:
        _private = Path(tempfile.mkdtemp(prefix="kiosk-catalog-"))
        atexit.register(shutil.rmtree, _private, ignore_errors=True)
    return _private


def known_gtins(ref: CatalogRef, gtins: Iterable[str]) -> set[str]:
    """Which of ``gtins`` (GTIN-14) the catalog in use has."""
    conn = open_reader(ref.path)
    try:
        wanted = sorted(set(gtins))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found.update(gtin for (gtin,) in conn.execute(
                "SELECT p.gtin14 FROM products p INDEXED BY products_by_gtin JOIN selections s "
                "ON p.version=s.good AND "
                f"s.config=? WHERE p.gtin14 IN ({', '.join('?' * len(chunk))})",
                [ref.config, *chunk]))
        return found
    finally:
        conn.close()


def products_by_file(ref: CatalogRef) -> Iterator[tuple[str, int, str]]:
    """(file name relative to the config folder, position in it, GTIN-14) of every product in
    use, in file order, read as they are used."""
    conn = open_reader(ref.path)
    try:
        yield from conn.execute(
            "SELECT s.name, p.position, p.gtin14 FROM selections s JOIN products p ON "
            "p.version=s.good WHERE s.config=? ORDER BY s.position, p.position", (ref.config,))
    finally:
        conn.close()


def departments_by_file(ref: CatalogRef) -> list[tuple[str, str]]:
    """(file name relative to the config folder, department id) of each file in use."""
    conn = open_reader(ref.path)
    try:
        return conn.execute(
            "SELECT s.name, v.department_id FROM selections s JOIN versions v ON v.id=s.good "
            "WHERE s.config=? ORDER BY s.position", (ref.config,)).fetchall()
    finally:
        conn.close()
