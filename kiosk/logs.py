"""The kiosk's log file: one JSON object per line, rotated, and scrubbed of anything that
looks like a phone number or an e-mail address (the code never logs one; this is the net)."""

from __future__ import annotations

import json
import logging
import re
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "logs/kiosk.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
PERSONAL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d .()-]{7,}\d")


def scrub(text: str) -> str:
    """``text`` with e-mail addresses and phone-like numbers replaced by •••."""
    return PERSONAL.sub("•••", text)


class JsonLines(logging.Formatter):
    """``{"t": ..., "level": ..., "logger": ..., "message": ...}`` per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"t": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created))
                 + f".{int(record.msecs):03d}", "level": record.levelname,
                 "logger": record.name, "message": scrub(record.getMessage())}
        if record.exc_info:
            entry["error"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def log_to_file(data_dir: Path, level: int = logging.INFO) -> RotatingFileHandler:
    """Add the rotated JSON log under ``data_dir`` to the root logger; returns the handler."""
    path = data_dir / LOG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                  encoding="utf-8")
    handler.setFormatter(JsonLines())
    handler.setLevel(level)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > level:
        root.setLevel(level)
    return handler
