"""The last problems logged, kept in memory for staff mode (log lines carry no personal data:
the outbox and the send service log message ids only; lines are scrubbed as in the log file
all the same, since the staff screen is shown in the shop)."""

from __future__ import annotations

import logging
import time
from collections import deque

from kiosk.ops.logs import scrub

KEPT = 20


class ProblemLog(logging.Handler):
    """Keeps the last ``KEPT`` warnings and errors, as short lines with their time."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._lines: deque[str] = deque(maxlen=KEPT)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = scrub(record.getMessage().splitlines()[0])[:200]
        except Exception:  # a broken log call must not break logging
            message = scrub(str(record.msg))[:200]
        self._lines.append(f"{time.strftime('%H:%M:%S', time.localtime(record.created))} "
                           f"{message}")

    @property
    def lines(self) -> tuple[str, ...]:
        """Oldest first."""
        return tuple(self._lines)
