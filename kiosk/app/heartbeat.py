"""The table's health, told to the chain: every ``ops.heartbeat_s``, a few ``health`` events
(content version and its age, clock offset, frame time, outbox, devices) go into the event
log, and the durable forwarder carries them to the collector with the shoppers' events.

Why through the event log: it already survives restarts, full disks and a collector that is
down, and a chain's pipeline (its own collector, Segment, RudderStack) already receives it.
A table stuck on old content or with a drifting clock shows in the figures of the chain.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk.analytics.log import EventLog
from kiosk.ops.clock import measure_offset
from kiosk.ops.metrics import TableMetrics

log = logging.getLogger(__name__)

FIRST_BEAT_S = 15.0
"""The first heartbeat, soon after start: a restarted table shows up at once."""


class Heartbeat:
    """Sends the health events from a thread of its own. ``clock_url``: the server whose
    ``Date`` the clock is compared with; without it, ``synced_offset`` (the sync's last
    measure, None without sync) is used."""

    def __init__(self, events: EventLog, metrics: TableMetrics, every_s: float,
                 clock_url: str | None = None,
                 synced_offset: Callable[[], float | None] | None = None,
                 timeout_s: float = 10.0) -> None:
        self._events = events
        self._metrics = metrics
        self._every_s = every_s
        self._clock_url = clock_url
        self._synced_offset = synced_offset
        self._timeout_s = timeout_s
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(self._timeout_s + 2)

    def _run(self) -> None:
        wait = min(FIRST_BEAT_S, self._every_s)
        while not self._stopping.wait(wait):
            try:
                self.beat()
            except Exception:  # the heartbeat must never take the kiosk down
                log.exception("heartbeat failed; trying again at the next one")
            wait = self._every_s

    def beat(self) -> None:
        """Measure the clock, then record the facts as ``health`` events."""
        if self._clock_url:
            offset = measure_offset(self._clock_url, self._timeout_s)
        else:
            offset = self._synced_offset() if self._synced_offset else None
        self._metrics.clock_offset(offset)
        facts = self._metrics.facts()
        record = self._events.record
        record("health", value=f"content:{facts.get('content_version') or 'unknown'}",
               number=_float(facts.get("content_age_s")))
        record("health", value="clock_offset_s", number=_float(offset))
        p99 = _float(facts.get("frame_p99_s"))
        record("health", value="frame_p99_ms", number=None if p99 is None else p99 * 1000)
        record("health", value="outbox_waiting", number=_float(facts.get("outbox_waiting")))
        devices = facts.get("devices")
        for name, up in (devices.items() if isinstance(devices, dict) else ()):
            record("health", value=f"device:{name}", number=1.0 if up else 0.0)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None
