"""The kiosk's log file: one JSON object per line, rotated, and scrubbed of anything that
looks like a phone number or an e-mail address (the code never logs one; this is the net).

Every handler of ``kiosk run`` (this file, and the standard error the journal reads) sits
behind one queue: a log call from the frame loop hands its record over and returns, and a
thread does the writing, so a slow SD card or a busy journal never holds up a frame.
"""

from __future__ import annotations

import json
import logging
import queue
import re
import threading
import time
from logging.handlers import QueueHandler, RotatingFileHandler
from pathlib import Path

from hardware.gtin import is_valid_gtin

LOG_FILE = "logs/kiosk.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
PERSONAL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d .()-]{7,}\d")


def scrub(text: str) -> str:
    """``text`` with e-mail addresses and phone-like numbers replaced by •••; product codes
    (a GTIN with its check digit) and IP addresses (a reader on ``udp:127.0.0.1``) stay: they
    are what staff and installers look for in the log."""
    return PERSONAL.sub(_hide, text)


def _hide(match: re.Match[str]) -> str:
    found = match.group(0)
    if (found.isdigit() and is_valid_gtin(found)) or IPV4.fullmatch(found):
        return found
    return "•••"


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
    logger behind a queue; returns the writing thread (``stop`` flushes it)."""
    path = data_dir / LOG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                  encoding="utf-8")
    handler.setFormatter(JsonLines())
    handler.setLevel(level)
    root = logging.getLogger()
    handlers = [*root.handlers, handler]
    for existing in root.handlers[:]:
        root.removeHandler(existing)
    records: queue.SimpleQueue[logging.LogRecord | None] = queue.SimpleQueue()
    root.addHandler(QueueHandler(records))  # type: ignore[arg-type]
    if root.level > level:
        root.setLevel(level)
    return LogWriter(records, handlers)
