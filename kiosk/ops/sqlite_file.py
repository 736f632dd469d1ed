"""The kiosk's SQLite files (outbox, event log, content cache): a fault is a state, only damage
sets a file aside, and nothing in a damaged file that can still be read is lost.

- A full or read-only disk, an I/O error, a missing folder or a lock held by another process
  is a fault of the moment: the file is kept as it is, the operation fails with
  ``StoreUnavailable`` (an ``sqlite3.OperationalError``, so callers that handle SQLite errors
  handle it too), the problem is logged once when it starts and once when it ends, and the
  file is opened again with backoff.
- A file SQLite declares malformed (or that fails its quick check, or that a newer kiosk
  wrote) is renamed ``NAME.corrupt-DATE`` with its journals, a fresh file is started, and every
  row still readable is copied into it: waiting messages are still delivered. A file holding
  personal data (the outbox) is deleted once its rows are recovered.
- Read-only users (``kiosk outbox`` without ``--flush``, reports) open the file with
  ``mode=ro`` and never change, create or move a file.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

log = logging.getLogger(__name__)

JOURNALS = ("", "-wal", "-shm", "-journal")
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0
RECOVER_BATCH = 500
BUSY_TIMEOUT_S = 5.0
CANNOT_OPEN = "it cannot be opened (folder missing or not writable)"
KEEP_CONNECTION = ("the disk is full", "the disk is read-only", "another process holds its lock")


class StoreUnavailable(sqlite3.OperationalError):
    """The file cannot serve now; it is kept as it is and tried again later."""


class Damaged(sqlite3.DatabaseError):
    """The file fails SQLite's quick check, or was written by a newer kiosk."""


def is_damage(exc: BaseException) -> bool:
    """True when SQLite says the file itself is malformed (not full, locked or read-only)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return isinstance(exc, Damaged) or name.startswith("SQLITE_CORRUPT") or (
        name == "SQLITE_NOTADB")


def fault_reason(exc: BaseException) -> str:
    """A short reason staff can act on, the same words for the same fault (so a fault that
    lasts is one log line, not one per attempt)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    code = getattr(exc, "errno", None)
    if name.startswith("SQLITE_FULL") or code == errno.ENOSPC or "disk is full" in str(exc):
        return "the disk is full"
    if name.startswith("SQLITE_READONLY") or code == errno.EROFS or "readonly" in str(exc):
        return "the disk is read-only"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc):
        return "another process holds its lock"
    if name.startswith("SQLITE_CANTOPEN") or code in (errno.ENOENT, errno.ENOTDIR):
        return CANNOT_OPEN
    if code in (errno.EACCES, errno.EPERM) or name.startswith("SQLITE_PERM"):
        return "permission denied"
    if name.startswith("SQLITE_IOERR") or isinstance(exc, OSError):
        return "an I/O error"
    return f"{type(exc).__name__}: {str(exc)[:120]}"


class Database:
    """One SQLite file that may be unavailable for a while.

    ``use()`` lends the connection under a lock (re-entrant, for helpers called inside a
    ``use``); a failure inside is classified: damage sets the file aside and recovers it, a
    fault becomes ``problem`` and closes the connection, which is opened again after a backoff.
    ``migrations`` maps a schema version to the SQL that brings the previous one up to it.
    """

    def __init__(self, path: Path, what: str, schema: str, version: int,
                 pragmas: tuple[str, ...], *, migrations: Mapping[int, str] | None = None,
                 read_only: bool = False, personal: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.path = Path(path)
        self.what = what
        self._schema = schema
        self._version = version
        self._pragmas = pragmas
        self._migrations = dict(migrations or {})
        self._read_only = read_only
        self._personal = personal
        self._clock = clock
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._problem: str | None = None
        self._next_try = 0.0
        self._delay = RETRY_FIRST_S
        self._closed = False
        with contextlib.suppress(sqlite3.Error):
            self._connection()

    @property
    def problem(self) -> str | None:
        """Why the file cannot serve now (``the disk is full``), or None when it can."""
        return self._problem

    @contextlib.contextmanager
    def use(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, for one operation; StoreUnavailable when the file cannot serve.
        A successful ``write`` ends a problem."""
        with self._lock:
            conn = self._connection()
            try:
                yield conn
            except sqlite3.Error as exc:
                if not isinstance(exc, StoreUnavailable):
                    self._failed(exc)
                raise
            if write:
                self._set_problem(None)
                self._delay = RETRY_FIRST_S

    def close(self) -> None:
        """Close the file (idempotent)."""
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- opening -----------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        if self._closed:
            raise StoreUnavailable(f"the {self.what} is closed")
        if self._problem is not None and self._clock() < self._next_try:
            raise StoreUnavailable(f"{self.what}: {self._problem}")
        try:
            self._conn = self._open()
        except (sqlite3.Error, OSError) as exc:
            if self._read_only or not is_damage(exc):
                self._fault(exc)
                raise StoreUnavailable(f"{self.what}: {self._problem}") from None
            try:
                self._conn = self._set_aside(exc)
            except (sqlite3.Error, OSError) as again:
                self._fault(again)
                raise StoreUnavailable(f"{self.what}: {self._problem}") from None
        return self._conn

    def _open(self) -> sqlite3.Connection:
        if self._read_only:
            if not self.path.is_file():
                raise StoreUnavailable(f"there is no {self.what} file at {self.path}")
            return open_read_only(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return connect(self.path, self._schema, self._version, self._pragmas, self._migrations)

    def _failed(self, exc: sqlite3.Error) -> None:
        """An operation failed: damage is set aside at once; on a full or read-only disk the
        connection stays (it still reads, and the next write tries again); after other faults
        it is closed and opened again after the backoff."""
        damage = is_damage(exc) and not self._read_only
        self._fault(exc)
        if not damage and self._problem in KEEP_CONNECTION:
            return
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        if damage:
            with contextlib.suppress(sqlite3.Error, OSError):
                self._conn = self._set_aside(exc)

    def _fault(self, exc: BaseException) -> None:
        reason = fault_reason(exc)
        if reason in ("an I/O error", CANNOT_OPEN):  # SQLite's word for many disk troubles
            reason = _disk_state(self.path.parent) or reason
        self._set_problem(reason)
        self._next_try = self._clock() + self._delay
        self._delay = min(self._delay * 2, RETRY_MAX_S)

    def _set_problem(self, problem: str | None) -> None:
        if problem == self._problem:
            return
        if problem is None:
            log.warning("%s %s: works again", self.what, self.path)
        else:
            log.error("%s %s: unavailable, %s; the file is kept and tried again", self.what,
                      self.path, problem)
        self._problem = problem

    # -- damage ------------------------------------------------------------------------

    def _set_aside(self, exc: BaseException) -> sqlite3.Connection:
        """Rename the damaged file, start a fresh one, and copy into it what can be read."""
        aside = move_aside(self.path)
        conn = connect(self.path, self._schema, self._version, self._pragmas,
                       self._migrations)
        recovered = recover_rows(aside, conn) if aside is not None else 0
        if aside is not None and self._personal:
            for suffix in JOURNALS:
                Path(f"{aside}{suffix}").unlink(missing_ok=True)
        log.warning("%s %s is damaged (%s); moved it to %s, started afresh and recovered %d "
                    "row(s)%s", self.what, self.path, exc, aside, recovered,
                    " (the damaged copy is deleted: it held personal data)"
                    if self._personal else "")
        return conn


def _disk_state(folder: Path) -> str | None:
    """What the disk says of itself: read-only, or full (under 64 KiB free), or None."""
    try:
        disk = os.statvfs(folder)
    except OSError:
        return None
    if disk.f_flag & os.ST_RDONLY:
        return "the disk is read-only"
    if disk.f_bavail * disk.f_frsize < 65536:
        return "the disk is full"
    return None


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that changes nothing, creates nothing and works on a read-only disk.

    A file with a write-ahead log is read with ``mode=ro`` (the log holds the latest commits);
    one without, or where ``mode=ro`` cannot make its shared-memory file, as ``immutable``,
    which creates no ``-wal`` or ``-shm`` file beside it.
    """
    uri = path.resolve().as_uri()
    modes = ("mode=ro", "immutable=1") if Path(f"{path}-wal").exists() else ("immutable=1",)
    for number, mode in enumerate(modes, 1):
        conn = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=BUSY_TIMEOUT_S,
                               isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error:
            conn.close()
            if number == len(modes):
                raise
    raise AssertionError("unreachable")


def connect(path: Path, schema: str, version: int, pragmas: tuple[str, ...],
            migrations: Mapping[int, str]) -> sqlite3.Connection:
    """Connect, check the file is healthy, and bring its schema up to date."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    try:
        for pragma in pragmas:
            conn.execute(f"PRAGMA {pragma}").fetchall()
        check = conn.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise Damaged(f"integrity check: {check[0] if check else 'no answer'}")
        conn.executescript(f"BEGIN IMMEDIATE;{schema}COMMIT;")
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        if row[0] is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
        elif row[0] > version:
            raise Damaged(f"schema version {row[0]} is newer than this kiosk's {version}")
        else:
            _migrate(conn, row[0], version, migrations)
        return conn
    except BaseException:
        conn.close()
        raise


def _migrate(conn: sqlite3.Connection, found: int, version: int,
             migrations: Mapping[int, str]) -> None:
    for step in range(found + 1, version + 1):
        sql = migrations.get(step, "")
        with immediate_transaction(conn):
            for statement in filter(str.strip, sql.split(";")):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (step,))


def recover_rows(damaged: Path, into: sqlite3.Connection) -> int:
    """Copy every row still readable from ``damaged`` into the same tables of ``into`` (the
    columns both have); a table that cannot be read further is left where it breaks."""
    try:
        source = open_read_only(damaged)
    except sqlite3.Error:
        return 0
    recovered = 0
    try:
        tables = [name for (name,) in into.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name != 'schema_version'")]
        for table in tables:
            recovered += _recover_table(source, into, table)
    finally:
        source.close()
    return recovered


def _recover_table(source: sqlite3.Connection, into: sqlite3.Connection, table: str) -> int:
    ours = [row[1] for row in into.execute(f'PRAGMA table_info("{table}")')]
    try:
        theirs = {row[1] for row in source.execute(f'PRAGMA table_info("{table}")')}
        columns = [name for name in ours if name in theirs]
        if not columns:
            return 0
        listed = ", ".join(f'"{name}"' for name in columns)
        cursor = source.execute(f'SELECT {listed} FROM "{table}"')
    except sqlite3.DatabaseError:
        return 0
    insert = (f'INSERT OR IGNORE INTO "{table}" ({listed}) '
              f'VALUES ({", ".join("?" * len(columns))})')
    count = 0
    while True:
        try:
            rows = cursor.fetchmany(RECOVER_BATCH)
        except sqlite3.DatabaseError:
            return count
        if not rows:
            return count
        with immediate_transaction(into):
            count += sum(into.execute(insert, row).rowcount for row in rows)


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
