"""The catalog compiled from the config's catalog files into an index (``index_file``), each
file only when its content is new, then checked across files and against the media folder.

For each config folder the index keeps which content of each file is current and which is in
use: the current one when it is valid, else the last good one (a file that breaks keeps its
last good products, with its errors reported). A valid new content that clashes with other
files (a GTIN already used, a cross-sell to a product now gone) is not used either. The
kiosk reads the products in use through ``kiosk.catalog.catalog``; nothing here holds more
than one file's rows in memory.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.config.catalog_compile import (
    IMAGE_REFS,
    CompiledFile,
    FileError,
    compile_paths,
    content_hash,
    context_key,
)
from kiosk.config.errors import ConfigError
from kiosk.config.index_file import CatalogRef, open_index
from kiosk.config.media_check import check_images
from kiosk.config.yaml_source import Loc, read_bytes, read_yaml

log = logging.getLogger(__name__)

KEEP_UNUSED_S = 86400.0
"""How long a compiled content no config uses is kept: a day of undo, and a catalog opened
before a reload never loses what it reads."""


@dataclass
class CompiledCatalog:
    """A compile's outcome: the catalog in use, the errors that stop it, and those that only
    cost some files their newest content or an image (the table can run on the rest)."""

    ref: CatalogRef
    fatal: list[ConfigError] = field(default_factory=list)
    kept: list[ConfigError] = field(default_factory=list)
    nodes: int = 0


@dataclass(frozen=True)
class _Clash:
    name: str
    loc: Loc
    message: str
    involved: frozenset[str]


def compile_catalog(config_dir: Path, media_dir: Path, data_dir: Path | None,
                    paths: list[Path], locales: tuple[str, ...] | None,
                    default_locale: str | None) -> CompiledCatalog:
    """Bring the index up to date with ``paths`` (in the store's order) and check it. A data
    folder that fails while the index is written (full, read-only, I/O error) is a problem
    said, not a failure: the index is built again in this process's private folder."""
    conn, index_path, problem = open_index(data_dir)
    try:
        return _Compile(conn, config_dir, media_dir, locales, default_locale).run(
            paths, index_path, problem)
    except sqlite3.OperationalError as exc:
        if data_dir is None or problem is not None or "locked" in str(exc):
            raise
        problem = (f"the catalog index cannot be kept in {data_dir} ({exc}): it is rebuilt at "
                   "each start")
        log.warning("%s", problem)
    finally:
        conn.close()
    conn, index_path, _ = open_index(None)
    try:
        return _Compile(conn, config_dir, media_dir, locales, default_locale).run(
            paths, index_path, problem)
    finally:
        conn.close()


class _Compile:
    def __init__(self, conn: sqlite3.Connection, config_dir: Path, media_dir: Path,
                 locales: tuple[str, ...] | None, default_locale: str | None) -> None:
        self.conn, self.config_dir, self.media_dir = conn, config_dir, media_dir
        self.locales, self.default_locale = locales, default_locale
        self.context = context_key(locales, default_locale)
        self.config = str(config_dir.resolve())
        self.displays: dict[str, str] = {}
        self.file_errors: dict[str, tuple[FileError, ...]] = {}
        self.line_of: dict[str, Callable[[Loc], int] | None] = {}
        self.stamps: dict[str, str | None] = {}

    def run(self, paths: list[Path], index_path: Path, problem: str | None) -> CompiledCatalog:
        names = [path.relative_to(self.config_dir).as_posix() for path in paths]
        self.displays = {name: str(path) for name, path in zip(names, paths, strict=True)}
        current = self._current(list(zip(paths, names, strict=True)))
        before = dict(self.conn.execute(
            "SELECT name, good FROM selections WHERE config=?", (self.config,)).fetchall())
        candidate = {name: (current.get(name) if current.get(name) is not None
                            and name not in self.file_errors else before.get(name))
                     for name in names}
        changed = {name for name in names if candidate[name] != before.get(name)}
        clashes, reverted = self._settle(names, candidate, changed, before)
        self._save(names, current, candidate)
        result = CompiledCatalog(CatalogRef(index_path, self.config, self._count(candidate),
                                            problem))
        for name, errors in self.file_errors.items():
            located = [self._error(name, error.loc, error.message, error.line)
                       for error in errors]
            self._report(result, located, kept=candidate.get(name) is not None)
        for clash in dict.fromkeys(clash for found in reverted.values() for clash in found):
            self._report(result, self._placed([clash]), kept=all(
                candidate.get(name) is not None for name in clash.involved if name in reverted))
        self._report(result, self._placed(clashes), kept=False)
        self._report(result, self._placed(self._bad_images(candidate)), kept=True)
        result.nodes = sum(nodes for (nodes,) in self._rows(
            "SELECT nodes FROM versions WHERE id IN ({})",
            [version for version in candidate.values() if version is not None]))
        return result

    def _current(self, files: list[tuple[Path, str]]) -> dict[str, int | None]:
        """Each file's current content as a version, compiled when it is new. A file with the
        size, time and inode it had at the last compile is not read again (unless it changed
        in the last seconds, when a second edit could keep its time)."""
        current: dict[str, int | None] = {}
        todo: list[tuple[Path, str]] = []
        size = 0
        known = {name: (version, stamp) for name, version, stamp in self.conn.execute(
            "SELECT name, current, stamp FROM selections WHERE config=?", (self.config,))}
        for path, name in files:
            stamp = _stamp(path)
            version, before = known.get(name, (None, None))
            found = self.conn.execute(
                "SELECT id, errors FROM versions WHERE id=? AND context=?",
                (version, self.context)).fetchone() if stamp and stamp == before else None
            if found is None:
                raw, errors = read_bytes(path, self.displays[name])
                if raw is None:
                    self.file_errors[name] = tuple(FileError(e.line, e.loc, e.message)
                                                   for e in errors)
                    continue
                found = self.conn.execute("SELECT id, errors FROM versions WHERE sha256=? AND "
                                          "context=?", (content_hash(raw), self.context)).fetchone()
                if found is None:
                    todo.append((path, name))
                    self.stamps[name] = stamp  # taken before the read: a later edit changes it
                    size += len(raw)
                    continue
            current[name] = found[0]
            self.stamps[name] = stamp
            if found[1]:
                self.file_errors[name] = _file_errors(found[1])
        for (_, name), (sha, compiled) in zip(todo, compile_paths(
                todo, size, self.locales, self.default_locale), strict=True):
            if sha is None:
                self.file_errors[name] = compiled.errors
                continue
            current[name] = self._store(sha, compiled)
            if compiled.errors:
                self.file_errors[name] = compiled.errors
        return current

    def _store(self, sha: str, compiled: CompiledFile) -> int:
        """One compiled content in its own transaction: the index never holds half of it (nor
        twice, when another process compiled the same meanwhile)."""
        errors = json.dumps([[e.line, list(e.loc), e.message] for e in compiled.errors]) \
            if compiled.errors else None
        with _transaction(self.conn):
            found = self.conn.execute("SELECT id FROM versions WHERE sha256=? AND context=?",
                                      (sha, self.context)).fetchone()
            if found is not None:
                return int(found[0])
            cursor = self.conn.execute(
                "INSERT INTO versions(sha256, context, nodes, errors, department_id, department, "
                "products) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (sha, self.context, compiled.nodes, errors, compiled.department_id,
                 compiled.department, len(compiled.products)))
            version = int(cursor.lastrowid or 0)
            self.conn.executemany(
                "INSERT INTO products(version, position, gtin14, family, data) VALUES "
                "(?, ?, ?, ?, ?)", ((version, position, *product)
                                    for position, product in enumerate(compiled.products)))
            self.conn.executemany(
                "INSERT INTO refs(version, position, kind, slot, value) VALUES (?, ?, ?, ?, ?)",
                ((version, *ref) for ref in compiled.refs))
        return version

    def _settle(self, names: list[str], candidate: dict[str, int | None], changed: set[str],
                before: dict[str, int | None]) -> tuple[list[_Clash], dict[str, list[_Clash]]]:
        """Cross-file checks on the files in use; a changed file in a clash goes back to its
        last good content, until no clash involves a changed file. A file with no good content
        to go back to stays in the checks (its absence would only add errors elsewhere) but is
        not used. Returns the clashes left and those that sent a file back."""
        reverted: dict[str, list[_Clash]] = {}
        while True:
            clashes = self._clashes(names, candidate, before)
            blamed = {name for clash in clashes for name in clash.involved & changed}
            if not blamed:
                break
            for name in blamed:
                reverted[name] = [clash for clash in clashes if name in clash.involved]
                changed.discard(name)
                if before.get(name) is not None:
                    candidate[name] = before[name]
        for name in reverted:
            candidate[name] = before.get(name)
        sent_back = {clash for found in reverted.values() for clash in found}
        return [clash for clash in clashes if clash not in sent_back], reverted

    def _clashes(self, names: list[str], candidate: dict[str, int | None],
                 before: dict[str, int | None]) -> list[_Clash]:
        in_use = [(name, candidate[name]) for name in names if candidate[name] is not None]
        key = json.dumps(in_use)
        cached = self.conn.execute("SELECT candidate, errors FROM checks WHERE config=?",
                                   (self.config,)).fetchone()
        if cached is not None and cached[0] == key:
            return [_Clash(name, tuple(loc), message, frozenset(involved))
                    for name, loc, message, involved in json.loads(cached[1])]
        of_version = {version: name for name, version in in_use}
        clashes = self._departments(in_use) + self._duplicates(of_version)
        clashes += self._cross_sells(of_version, before) + self._families(of_version)
        self.conn.execute("INSERT OR REPLACE INTO checks VALUES (?, ?, ?)", (
            self.config, key, json.dumps([[c.name, list(c.loc), c.message, sorted(c.involved)]
                                          for c in clashes])))
        return clashes

    def _departments(self, in_use: list[tuple[str, int]]) -> list[_Clash]:
        """A department may span several files (an import splits a big one) when each gives
        it the same name; another name for the same id is a clash."""
        clashes = []
        first: dict[str, tuple[str, str]] = {}
        for name, version in in_use:
            department_id, data = self.conn.execute(
                "SELECT department_id, department FROM versions WHERE id=?",
                (version,)).fetchone()
            seen = first.setdefault(department_id, (name, data))
            if seen[1] != data:
                clashes.append(_Clash(name, ("department", "id"), (
                    f"department {department_id!r} is already defined at "
                    f"{self._where(seen[0], ('department', 'id'))} with another name"),
                    frozenset({name, seen[0]})))
        return clashes

    def _duplicates(self, of_version: dict[int, str]) -> list[_Clash]:
        """GTINs used more than once, each occurrence after the first an error."""
        rows = self._rows(
            "SELECT gtin14, version, position FROM products WHERE version IN ({0}) AND gtin14 IN "
            "(SELECT gtin14 FROM products WHERE version IN ({0}) GROUP BY gtin14 "
            "HAVING count(*) > 1)", list(of_version), repeat=2)
        order = {version: index for index, version in enumerate(of_version)}
        first: dict[str, tuple[str, int]] = {}
        clashes = []
        for gtin14, version, position in sorted(rows, key=lambda r: (order[r[1]], r[2])):
            name = of_version[version]
            if gtin14 in first:
                where = self._where(first[gtin14][0], ("products", first[gtin14][1], "gtin"))
                clashes.append(_Clash(name, ("products", position, "gtin"),
                                      f"GTIN {self._gtin(version, position)} is already used "
                                      f"at {where}", frozenset({name, first[gtin14][0]})))
            first.setdefault(gtin14, (name, position))
        return clashes

    def _cross_sells(self, of_version: dict[int, str],
                     before: dict[str, int | None]) -> list[_Clash]:
        """Cross-sells to a GTIN no file in use has; blamed on the file that suggests it and
        on a file whose last good content had that product."""
        rows = self._rows(
            "SELECT r.version, r.position, r.slot, r.value FROM refs r WHERE r.version IN ({0}) "
            "AND r.kind='cross_sell' AND NOT EXISTS (SELECT 1 FROM products p WHERE "
            "p.gtin14=r.value AND p.version IN ({0}))", list(of_version), repeat=2)
        had = {version: name for name, version in before.items() if version is not None}
        clashes = []
        for version, position, slot, target in rows:
            owners = {had[owner] for (owner,) in self.conn.execute(
                "SELECT version FROM products WHERE gtin14=?", (target,)) if owner in had}
            written = self._cross_sell_text(version, position, slot)
            clashes.append(_Clash(of_version[version], ("products", position, "cross_sell", slot),
                                  f"GTIN {written} is not in the catalog",
                                  frozenset({of_version[version], *owners})))
        return clashes

    def _families(self, of_version: dict[int, str]) -> list[_Clash]:
        """The variants of one family name the same options (in each language), each with
        values of its own; the first variant (in the store's order) sets the names."""
        order = {version: index for index, version in enumerate(of_version)}
        rows = sorted(self._rows(
            "SELECT family, version, position, data FROM products INDEXED BY products_by_family "
            "WHERE family IS NOT NULL AND version IN ({})", list(of_version)),
            key=lambda row: (row[0], order[row[1]], row[2]))
        first: dict[str, tuple[str, int, dict[str, tuple[str, ...]]]] = {}
        taken: dict[tuple[str, str], tuple[str, int]] = {}
        clashes = []
        for family, version, position, data in rows:
            name = of_version[version]
            options: dict[str, dict[str, str]] = json.loads(data)["options"]
            names = {locale: tuple(values) for locale, values in options.items()}
            model = first.setdefault(family, (name, position, names))
            loc = ("products", position, "options")
            if names != model[2]:
                where = self._where(model[0], ("products", model[1], "options"))
                clashes.append(_Clash(name, loc, (
                    f"family {family!r} names its options {_listed(model[2])} at {where}, "
                    f"not {_listed(names)}"), frozenset({name, model[0]})))
                continue
            values = json.dumps(options, sort_keys=True)
            if (family, values) in taken:
                other = taken[(family, values)]
                clashes.append(_Clash(name, loc, (
                    f"another variant of family {family!r} has the same options, at "
                    f"{self._where(other[0], ('products', other[1], 'options'))}"),
                    frozenset({name, other[0]})))
            taken.setdefault((family, values), (name, position))
        return clashes

    def _gtin(self, version: int, position: int) -> str:
        (data,) = self.conn.execute("SELECT data FROM products WHERE version=? AND position=?",
                                    (version, position)).fetchone()
        return str(json.loads(data)["gtin"])

    def _cross_sell_text(self, version: int, position: int, slot: int) -> str:
        (data,) = self.conn.execute("SELECT data FROM products WHERE version=? AND position=?",
                                    (version, position)).fetchone()
        return str(json.loads(data)["cross_sell"][slot])

    def _bad_images(self, candidate: dict[str, int | None]) -> list[_Clash]:
        """Every reference of the files in use to an image that cannot be shown (each distinct
        image checked once; the references looked up only for the bad ones)."""
        of_version = {version: name for name, version in candidate.items() if version is not None}
        kinds = f"kind IN ({', '.join(repr(kind) for kind in IMAGE_REFS)})"
        values = [value for (value,) in self._rows(
            f"SELECT DISTINCT value FROM refs WHERE version IN ({{}}) AND {kinds}",
            list(of_version))]
        bad = check_images(self.conn, self.media_dir, values)
        clashes = []
        for value, message in bad.items():
            for version, position, kind, slot in self.conn.execute(
                    f"SELECT version, position, kind, slot FROM refs WHERE value=? AND {kinds} "
                    f"AND version IN ({', '.join('?' * len(of_version))}) ORDER BY version, "
                    "position, slot", (value, *of_version)):
                loc: Loc = (("products", position, "images", slot) if kind == "image"
                            else ("products", position, "social", slot, "image"))
                clashes.append(_Clash(of_version[version], loc, message, frozenset()))
        return clashes

    def _save(self, names: list[str], current: dict[str, int | None],
              candidate: dict[str, int | None]) -> None:
        """The files of this config and the content of each in use; configs whose folder is
        gone are forgotten."""
        with _transaction(self.conn):
            self.conn.execute("DELETE FROM selections WHERE config=?", (self.config,))
            self.conn.executemany("INSERT INTO selections VALUES (?, ?, ?, ?, ?, ?)", (
                (self.config, name, position, current.get(name), candidate[name],
                 self.stamps.get(name)) for position, name in enumerate(names)))
            gone = [config for (config,) in self.conn.execute(
                "SELECT DISTINCT config FROM selections") if not Path(config).is_dir()]
            self.conn.executemany("DELETE FROM selections WHERE config=?", ((c,) for c in gone))
            self.conn.executemany("DELETE FROM checks WHERE config=?", ((c,) for c in gone))
            self._forget_unused()

    def _forget_unused(self) -> None:
        """Contents no config uses are marked, and dropped ``KEEP_UNUSED_S`` later: a catalog
        opened before a reload (or a compile in another process) still finds them."""
        used = ("SELECT current FROM selections WHERE current IS NOT NULL UNION "
                "SELECT good FROM selections WHERE good IS NOT NULL")
        now = time.time()
        self.conn.execute(f"UPDATE versions SET unused_since=NULL WHERE id IN ({used}) AND "
                          "unused_since IS NOT NULL")
        self.conn.execute(f"UPDATE versions SET unused_since=? WHERE id NOT IN ({used}) AND "
                          "unused_since IS NULL", (now,))
        expired = [version for (version,) in self.conn.execute(
            "SELECT id FROM versions WHERE unused_since < ?", (now - KEEP_UNUSED_S,))]
        for table, column in (("products", "version"), ("refs", "version"),
                              ("versions", "id")):
            self.conn.executemany(f"DELETE FROM {table} WHERE {column}=?",
                                  ((version,) for version in expired))

    def _count(self, candidate: dict[str, int | None]) -> int:
        return sum(count for (count,) in self._rows(
            "SELECT products FROM versions WHERE id IN ({})",
            [version for version in candidate.values() if version is not None]))

    def _rows(self, query: str, values: list[int], repeat: int = 1) -> list[tuple]:
        if not values:
            return []
        marks = ", ".join("?" * len(values))
        return self.conn.execute(query.format(marks), values * repeat).fetchall()

    def _where(self, name: str, loc: Loc) -> str:
        return f"{self.displays[name]}:{self._line(name, loc)}"

    def _placed(self, clashes: Iterable[_Clash]) -> list[ConfigError]:
        return [self._error(clash.name, clash.loc, clash.message) for clash in clashes]

    def _error(self, name: str, loc: Loc, message: str, line: int | None = None) -> ConfigError:
        return ConfigError(self.displays[name], line or self._line(name, loc), loc, message)

    def _line(self, name: str, loc: Loc) -> int:
        """The line of ``loc`` in ``name`` as it is on disk: only files with errors are read
        with their lines."""
        if name not in self.line_of:
            document, _ = read_yaml(self.config_dir / name, self.displays[name])
            self.line_of[name] = document.line_of if document is not None else None
        line_of = self.line_of[name]
        return line_of(loc) if line_of is not None else 1

    @staticmethod
    def _report(result: CompiledCatalog, errors: list[ConfigError], kept: bool) -> None:
        (result.kept if kept else result.fatal).extend(errors)


RECENT_S = 2.0
"""A file changed this recently is read even when its size and time are the same as at the last
compile: a second edit within the file system's time resolution keeps both."""


def _stamp(path: Path) -> str | None:
    """Size, modification time and inode of ``path``, when it did not change just now."""
    try:
        status = path.stat()
    except OSError:
        return None
    if time.time() - status.st_mtime < RECENT_S:
        return None
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ino}"


def _listed(names: dict[str, tuple[str, ...]]) -> str:
    return "; ".join(f"{locale}: {', '.join(values)}" for locale, values in names.items())


def _file_errors(text: str) -> tuple[FileError, ...]:
    return tuple(FileError(line, tuple(loc), message) for line, loc, message in json.loads(text))


class _transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on an exception."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, *_: object) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")
