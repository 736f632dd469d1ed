"""Ctrl-C and ``systemctl stop``: end the frame loop cleanly so every device is released.

nfcpy swallows ``KeyboardInterrupt`` inside its reader loop, and SIGTERM would otherwise kill
the process with readers and helper processes still open; a flag the loop checks is both
prompt and safe.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM while the block runs; previous handlers come back.

    Outside the main thread (where Python allows no handlers) the event is simply never set.
    """
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {number: signal.signal(number, handler) for number in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
