"""Hot reload: staff edit ``config/`` or ``media/`` and the running table follows in seconds.

A thread notices changed files (modification time and size), waits until they stop changing
(an editor or a copy may write in several steps), then has the whole config validated in a
child process (``reload_worker``: bounded in time and memory, and off the frame loop's GIL). A
valid config is handed over whole, for the app to swap in at the start of a frame; an invalid
one, or a check that ran out of time or memory, is reported with its errors and the table keeps
its last good content.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import ConfigError, KioskConfig
from kiosk.config.reload_worker import (
    RELOAD_MEMORY_BYTES,
    RELOAD_TIMEOUT_S,
    ReloadAborted,
    validate_in_child,
    warm_up,
)

log = logging.getLogger(__name__)

POLL_S = 0.25
SETTLE_S = 0.25
MEDIA_DUTY = 0.05
"""At most this share of the time goes to listing the media folder: a hypermarket's 100,000
product photos take 1.3 s to list on a 2-core PC, so they are listed every 26 s, while the
config folder (a few files) is listed every ``POLL_S``."""
WARM_UP_S = 5.0
"""The fork server for config checks starts this long after the watching: a child process
importing the loader would compete with the kiosk's start for a 2-core machine's CPU. A reload
before then starts it itself."""
LOGGED_ERRORS = 20
"""Errors of one failed reload written to the log; the staff screen has them all."""
Snapshot = dict[Path, tuple[int, int]]


@dataclass(frozen=True)
class Reloaded:
    """A new, valid config to swap in."""

    config: KioskConfig


@dataclass(frozen=True)
class ReloadFailed:
    """An edit that does not validate: the table stays on its last good content."""

    errors: tuple[ConfigError, ...]


def snapshot(folders: tuple[Path, ...]) -> Snapshot:
    """Every file's (mtime in ns, size), so any edit, addition or removal changes it."""
    seen: Snapshot = {}
    for folder in folders:
        for path in folder.rglob("*"):
            try:
                if path.is_file():
                    stat = path.stat()
                    seen[path] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                continue  # removed while we looked: the next round sees it gone
    return seen


class ConfigWatcher:
    """Watches the config and media folders; ``results`` hands over what each edit gave."""

    def __init__(self, config_dir: Path, media_dir: Path, poll_s: float = POLL_S, *,
                 index_dir: Path | None = None, timeout_s: float = RELOAD_TIMEOUT_S,
                 memory_bytes: int = RELOAD_MEMORY_BYTES) -> None:
        self._index_dir = index_dir
        self._config_dir = config_dir
        self._media_dir = media_dir
        self._poll_s = poll_s
        self._timeout_s = timeout_s
        self._memory_bytes = memory_bytes
        self._results: queue.SimpleQueue[Reloaded | ReloadFailed] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._request = threading.Event()
        self._media: Snapshot = {}
        self._media_due = 0.0

    def start(self) -> None:
        """Begin watching, from the files as they are now (taken here, not in the thread:
        an edit saved right after ``start`` must count as a change)."""
        if self._thread is None:
            baseline = self._scan(media=True)
            self._thread = threading.Thread(target=self._watch, args=(baseline,),
                                            name="config-watcher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop watching."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def reload_now(self) -> None:
        """Validate and hand over the config even if no file changed (staff's button)."""
        self._request.set()

    def results(self) -> list[Reloaded | ReloadFailed]:
        """What happened since the last call; never blocks."""
        found: list[Reloaded | ReloadFailed] = []
        while True:
            try:
                found.append(self._results.get_nowait())
            except queue.Empty:
                return found

    def _watch(self, last: Snapshot) -> None:
        warm_at: float | None = time.monotonic() + WARM_UP_S
        while not self._stop.wait(self._poll_s):
            if warm_at is not None and time.monotonic() >= warm_at:
                warm_at = None
                try:
                    warm_up()
                except Exception as exc:  # the first reload tries again; nothing else is lost
                    log.warning("config checks cannot be prepared: %s", exc)
            current = self._scan()
            if current == last and not self._request.is_set():
                continue
            while not self._stop.wait(SETTLE_S):
                settled = self._scan(media=True)
                if settled == current:
                    break
                current = settled
            self._request.clear()
            last = current
            try:
                self._results.put(self._validate())
            except ReloadAborted:
                return

    def _scan(self, media: bool = False) -> Snapshot:
        """The config folder now, and the media folder as last listed unless ``media`` or its
        turn has come (``MEDIA_DUTY``)."""
        now = time.monotonic()
        if media or now >= self._media_due:
            self._media = snapshot((self._media_dir,))
            took = time.monotonic() - now
            self._media_due = time.monotonic() + max(self._poll_s, took / MEDIA_DUTY)
        return {**snapshot((self._config_dir,)), **self._media}

    def _validate(self) -> Reloaded | ReloadFailed:
        try:
            outcome = validate_in_child(self._config_dir, self._media_dir, self._index_dir,
                                        self._stop,
                                        timeout_s=self._timeout_s,
                                        memory_bytes=self._memory_bytes)
        except ReloadAborted:
            raise
        except Exception as exc:  # a bug, or no process to be had: the watching goes on
            log.exception("config not reloaded")
            return ReloadFailed((ConfigError(str(self._config_dir), 1, (), str(exc)),))
        if isinstance(outcome, KioskConfig):
            log.info("config reloaded from %s", self._config_dir)
            for problem in outcome.problems[:LOGGED_ERRORS]:
                log.error("config reloaded without: %s", problem)
            return Reloaded(outcome)
        for error in outcome[:LOGGED_ERRORS]:
            log.error("config not reloaded: %s", error)
        if len(outcome) > LOGGED_ERRORS:
            log.error("config not reloaded: %d more errors", len(outcome) - LOGGED_ERRORS)
        return ReloadFailed(outcome)
