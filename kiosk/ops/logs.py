"""The kiosk's log file: one JSON object per line, rotated, and scrubbed of anything that
looks like a phone number or an e-mail address (the code never logs one; this is the net).

Every handler of ``kiosk run`` (this file, and the standard error the journal reads) sits
behind one queue: a log call from the frame loop hands its record over and returns, and a
thread does the writing, so a slow SD card or a busy journal never holds up a frame. A full or
read-only disk is a state of the log file, said once when it starts and once when it ends, and
a warning repeated in a loop is written once a minute with a count, so one bad file cannot
rotate the log's history away.
"""

from __future__ import annotations

import io
import json
import logging
import os
import queue
import re
import sys
import threading
import time
from collections.abc import Callable
from logging.handlers import QueueHandler, RotatingFileHandler
from pathlib import Path

LOG_FILE = "logs/kiosk.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
MASK = "•••"
REPEAT_WINDOW_S = 60.0
"""A warning repeated within this window is counted, not written again."""
MAX_REPEAT_KEYS = 1000
IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
PHONE = r"\+?\d[\d .()-]{7,}\d"
PERSONAL = re.compile(f"{EMAIL}|{PHONE}")
PHONE_ONLY = re.compile(PHONE)
PRODUCT_CODE = re.compile(r"(?:(?<= )|^)(\d{8}|\d{12,14})(?= |$)")
"""A bare run of 8, 12, 13 or 14 digits standing alone: a GTIN-8/12/13/14, whatever its check
digit (a misprinted code is exactly what staff search the log for)."""

log = logging.getLogger(__name__)


def scrub(text: str) -> str:
    """``text`` with e-mail addresses and phone-like numbers replaced by •••; product codes
    (bare runs of 8, 12, 13 or 14 digits) and IP addresses (a reader on ``udp:127.0.0.1``)
    stay: they are what staff and installers look for in the log. A phone number has a ``+``,
    separators, or another length (``0612345678`` has 10 digits)."""
    return PERSONAL.sub(_hide, text)


def _hide(match: re.Match[str]) -> str:
    found = match.group(0)
    if "@" in found or found.startswith("+"):
        return MASK
    if IPV4.fullmatch(found):
        return found
    # Codes listed with spaces ("3760000000017 3760000000024") stay; what lies between
    # them is judged on its own, so a phone number next to a code is still hidden.
    pieces = PRODUCT_CODE.split(found)
    return "".join(piece if index % 2 else PHONE_ONLY.sub(MASK, piece)
                   for index, piece in enumerate(pieces))


class Repeats(logging.Filter):
    """Lets a warning through at most once per ``window`` seconds for each logger and message
    template; the next one through says how many were held back meanwhile.

    Records below WARNING pass untouched: what the kiosk logs at INFO (messages queued and
    sent, devices coming and going) is paced by what happens, and each line is worth keeping.
    """

    def __init__(self, window: float = REPEAT_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._window = window
        self._clock = clock
        self._seen: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, str(record.msg))
        now = self._clock()
        with self._lock:
            seen = self._seen.get(key)
            if seen is not None and now - seen[0] < self._window:
                seen[1] += 1
                return False
            held = int(seen[1]) if seen is not None else 0
            if seen is None and len(self._seen) >= MAX_REPEAT_KEYS:
                self._forget(now)
            self._seen[key] = [now, 0]
        if held:
            record.msg = (f"{record.msg} (and {held:,} more like it in the last "
                          f"{_span(self._window)})")
        return True

    def _forget(self, now: float) -> None:
        """Drop windows that ended (messages built without a template make new keys)."""
        for key in [key for key, seen in self._seen.items() if now - seen[0] >= self._window]:
            del self._seen[key]
        if len(self._seen) >= MAX_REPEAT_KEYS:
            self._seen.clear()


def _span(seconds: float) -> str:
    return "minute" if seconds == 60 else f"{seconds:g} s"


class LogFile(RotatingFileHandler):
    """The rotated log file, for which a failing write (a full disk, a card gone read-only,
    an I/O error) is a state, not a traceback per record: one warning when writing starts
    failing, one when it works again, and the records in between are dropped."""

    def __init__(self, path: Path, level: int = logging.INFO) -> None:
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8",
                         delay=True)
        self.setLevel(level)
        self.setFormatter(JsonLines())
        self.failing: str | None = None
        """Why the last write failed, while it fails."""
        self._failed_now = False

    def emit(self, record: logging.LogRecord) -> None:
        self._failed_now = False
        super().emit(record)
        if self.failing is not None and not self._failed_now:
            self.failing = None
            log.warning("the log file %s is written again", self.baseFilename)

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)  # a bug in a log call: the standard traceback
            return
        self._failed_now = True
        self._drop_stream()
        try:
            _drop_cut_line(self.baseFilename)  # at once, in case it never works again
        except OSError:
            pass  # read-only: done when the file is reopened
        if self.failing is None:
            self.failing = error.strerror or str(error)
            log.warning("cannot write the log file %s (%s): its lines are dropped until it "
                        "works again", self.baseFilename, self.failing)

    def _open(self) -> io.TextIOWrapper:
        """Open the file, making its folder; after a failure, first drop what the failing
        write left of a line, so each line stays one JSON object."""
        os.makedirs(os.path.dirname(self.baseFilename), exist_ok=True)
        if self.failing is not None:
            _drop_cut_line(self.baseFilename)
        return super()._open()

    def _drop_stream(self) -> None:
        """Close the stream and forget what it still buffered: the next record reopens it."""
        stream, self.stream = self.stream, None  # type: ignore[assignment]
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass


def _drop_cut_line(path: str) -> None:
    """Cut the file after its last complete line: a disk that filled up mid-write leaves a
    piece of a record, and the next one appended to it would make one unreadable line."""
    try:
        with open(path, "rb+") as log_file:
            end = log_file.seek(0, os.SEEK_END)
            keep = end
            while keep > 0:
                start = max(0, keep - 65536)
                log_file.seek(start)
                newline = log_file.read(keep - start).rfind(b"\n")
                if newline >= 0:
                    keep = start + newline + 1
                    break
                keep = start
            if keep < end:
                log_file.truncate(keep)
    except FileNotFoundError:
        return


class JsonLines(logging.Formatter):
    """``{"t": ..., "level": ..., "logger": ..., "message": ...}`` per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"t": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created))
                 + f".{int(record.msecs):03d}", "level": record.levelname,
                 "logger": record.name, "message": scrub(record.getMessage())}
        if record.exc_info:
            entry["error"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class LogWriter:
    """The thread that hands queued records to the real handlers (the standard library's
    QueueListener would do, but its ``stop`` waits without a limit)."""

    def __init__(self, records: queue.SimpleQueue[logging.LogRecord | None],
                 handlers: list[logging.Handler]) -> None:
        self._records = records
        self._handlers = handlers
        self._thread = threading.Thread(target=self._run, name="log-writer", daemon=True)
        self._thread.start()
        _WRITERS.append(self)

    def stop(self, timeout: float = 2.0) -> None:
        """Write what is queued (waiting at most ``timeout``: a blocked journal must not keep
        a hung kiosk from ending), then end the thread."""
        self._records.put(None)
        self._thread.join(timeout)
        if self in _WRITERS:
            _WRITERS.remove(self)

    def _run(self) -> None:
        while (record := self._records.get()) is not None:
            for handler in self._handlers:
                if record.levelno >= handler.level:
                    handler.handle(record)


_WRITERS: list[LogWriter] = []


def drain_logs(timeout: float = 2.0) -> None:
    """Before the process ends abruptly (the watchdog): write what is queued."""
    for writer in list(_WRITERS):
        writer.stop(timeout)


def log_to_file(data_dir: Path, level: int = logging.INFO) -> LogWriter:
    """Write the rotated JSON log under ``data_dir``, and move every handler of the root
    logger behind a queue whose handler holds back repeated warnings; returns the writing
    thread (``stop`` flushes it). A disk that cannot be written is reported, not fatal."""
    handler = LogFile(data_dir / LOG_FILE, level)
    root = logging.getLogger()
    handlers = [*root.handlers, handler]
    for existing in root.handlers[:]:
        root.removeHandler(existing)
    records: queue.SimpleQueue[logging.LogRecord | None] = queue.SimpleQueue()
    queued = QueueHandler(records)  # type: ignore[arg-type]
    queued.addFilter(Repeats())
    root.addHandler(queued)
    if root.level > level:
        root.setLevel(level)
    return LogWriter(records, handlers)
