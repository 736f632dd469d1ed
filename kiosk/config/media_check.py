"""The images the catalog names, checked once per distinct file and remembered in the index by
size and modification time: a catalog whose 100,000 products share a few photos checks a few
files, and an unchanged photo is not decoded again at the next start. The store's own media
(slides, videos, logo) are remembered the same way (``RememberedChecks``): each start would
otherwise decode them again, OpenCV loaded for it."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from kiosk.config.fields import ImagePath
from kiosk.config.index_file import connect, open_reader

log = logging.getLogger(__name__)

IMAGE = TypeAdapter(ImagePath)
"""The validator's own image checks (inside the media folder, exists, decodes, within the
limits), with the same messages as everywhere."""


def check_images(conn: sqlite3.Connection, media_dir: Path,
                 distinct: list[str]) -> dict[str, str]:
    """Why each image of ``distinct`` (paths in the media folder) cannot be shown, for those
    that cannot."""
    if not distinct:
        return {}
    root = media_dir.resolve()
    remembered = {path: (size, mtime_ns, json.loads(problem)) for path, size, mtime_ns, problem
                  in conn.execute("SELECT path, size, mtime_ns, problem FROM media")}
    checked: dict[Path, Any] = {}
    stats: dict[Path, tuple[int, int]] = {}
    for value in distinct:
        target = _target(root, value)
        if target is None:
            continue
        try:
            status = os.stat(target)
        except OSError:
            continue
        stats[target] = (status.st_size, status.st_mtime_ns)
        known = remembered.get(str(target))
        if known is not None and known[:2] == stats[target]:
            checked[target] = known[2]
    context = {"media_dir": media_dir, "checked_images": checked}
    bad: dict[str, str] = {}
    for value in distinct:
        try:
            IMAGE.validate_python(value, context=context)
        except ValidationError as exc:
            bad[value] = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    fresh = [(str(target), *stats[target], json.dumps(problem))
             for target, problem in checked.items() if target in stats
             and remembered.get(str(target), (None, None, None))[:2] != stats[target]]
    if fresh:
        conn.executemany("INSERT OR REPLACE INTO media VALUES (?, ?, ?, ?)", fresh)
    return bad


def _target(root: Path, value: str) -> Path | None:
    if Path(value).is_absolute():
        return None
    target = (root / value).resolve()
    return target if target.is_relative_to(root) else None


class RememberedChecks(dict[Path, Any]):
    """The ``checked_images`` of a config load: what this load checked (file to its result),
    and, for a file not checked yet, the result the index at ``index`` remembers for its
    current size and time. ``save`` remembers what this load checked itself."""

    def __init__(self, index: Path | None) -> None:
        super().__init__()
        self._index = index
        self._stats: dict[Path, tuple[int, int]] = {}
        self._remembered: set[Path] = set()

    def get(self, target: Path, default: Any = None) -> Any:  # type: ignore[override]
        """This load's result for ``target``, else the remembered one if the file is the same
        size and time, else ``default`` (the caller checks it, and stores the result here)."""
        if target in self:
            return self[target]
        try:
            status = os.stat(target)
        except OSError:
            return default
        self._stats[target] = stat = (status.st_size, status.st_mtime_ns)
        known = self._lookup(target)
        if known is None or known[:2] != stat:
            return default
        self._remembered.add(target)
        self[target] = known[2]
        return known[2]

    def save(self) -> None:
        """Remember in the index what this load checked itself (nothing to do when every file
        was remembered). The index is a cache: failing to write it only costs a check."""
        fresh = [(str(target), *self._stats[target], json.dumps(problem))
                 for target, problem in self.items()
                 if target in self._stats and target not in self._remembered]
        if not fresh or self._index is None:
            return
        try:
            conn = connect(self._index)
        except (OSError, sqlite3.Error) as exc:
            log.debug("media checks not remembered: %s", exc)
            return
        try:
            conn.executemany("INSERT OR REPLACE INTO media VALUES (?, ?, ?, ?)", fresh)
        except sqlite3.Error as exc:
            log.debug("media checks not remembered: %s", exc)
        finally:
            conn.close()

    def _lookup(self, target: Path) -> tuple[int, int, Any] | None:
        if self._index is None or not self._index.is_file():
            return None
        try:
            conn = open_reader(self._index)
            try:
                row = conn.execute("SELECT size, mtime_ns, problem FROM media WHERE path=?",
                                   (str(target),)).fetchone()
            finally:
                conn.close()
        except sqlite3.Error:
            return None
        return None if row is None else (row[0], row[1], json.loads(row[2]))
