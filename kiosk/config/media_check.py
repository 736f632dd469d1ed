"""The images the catalog names, checked once per distinct file and remembered in the index by
size and modification time: a catalog whose 100,000 products share a few photos checks a few
files, and an unchanged photo is not decoded again at the next start."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from kiosk.config.fields import ImagePath

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
