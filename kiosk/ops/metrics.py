"""A table's health as numbers, for a chain that runs hundreds of them: a Prometheus endpoint
(``/metrics``) and the same facts as plain values for the heartbeat sent to the collector.

Why plain values, made into Prometheus metrics only when scraped (``metrics_http``): most tables
serve no endpoint, and prometheus_client with the HTTP server it needs loads TLS and 6 MB with
them. Why callbacks for the outbox and the event queue: reading them may touch SQLite, so they
run only when someone asks (the scrape thread, the heartbeat), never in the frame loop.
"""

from __future__ import annotations

import bisect
import dataclasses
import errno
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.ops.metrics_http import MetricsServer

log = logging.getLogger(__name__)

FRAME_BUCKETS = (0.002, 0.004, 0.008, 0.0167, 0.025, 0.033, 0.05, 0.1, 0.25, 1.0)
"""Seconds; 0.0167 is one frame at 60 fps, 0.033 a frame missed."""
RECENT_FRAMES = 4096
"""Frame times kept for the heartbeat's percentiles: about a minute at 60 fps."""
STOP_JOIN_S = 2.0
POLL_S = 0.05
"""How soon the serving thread notices ``stop``."""

Reading = Callable[[], float]
"""A callback giving a gauge's value when it is read; it may block (SQLite), so never call it
in the frame loop."""


def _number(value: float | None) -> float | None:
    """A plain value for the heartbeat's JSON: NaN (unknown) becomes None."""
    if value is None or math.isnan(value):
        return None
    return value


def _percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of an ordered, non-empty list."""
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class _SafeReading:
    """Calls a reading, turning a failure (or no callback) into NaN: one broken source must not
    break the whole scrape. A failure is logged when it starts, not at every scrape."""

    def __init__(self, name: str, reading: Reading | None) -> None:
        self._name = name
        self._reading = reading
        self._failing = False

    def __call__(self) -> float:
        if self._reading is None:
            return math.nan
        try:
            value = float(self._reading())
        except Exception as exc:
            if not self._failing:
                log.warning("metric %s cannot be read: %s: %s", self._name,
                            type(exc).__name__, exc)
            self._failing = True
            return math.nan
        if self._failing:
            log.info("metric %s can be read again", self._name)
        self._failing = False
        return value


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """Every value of a scrape, taken at once (``TableMetrics.snapshot``)."""

    created: float
    frame_counts: tuple[int, ...]
    """Frames per bucket of ``FRAME_BUCKETS``, then those slower than the last."""
    frame_sum: float
    frames: int
    devices: dict[str, bool]
    placements: int
    sends: dict[str, tuple[int, float]]
    """Sends by channel, with when the channel was first used."""
    content_version: str | None
    content_age: float
    clock_offset: float
    outbox_waiting: float
    event_queue_depth: float


class TableMetrics:
    """The table's metrics, as plain values (one ``TableMetrics`` per kiosk: tests or a
    simulator run several in one process).

    ``frame`` is for the frame loop (no I/O, a few microseconds); ``device``, ``placed``,
    ``sent``, ``content`` and ``clock_offset`` are cheap and thread-safe, for any thread.
    ``facts`` calls the readings, so it belongs in a service thread, like ``serve`` and
    ``stop``.
    """

    def __init__(self, outbox_waiting: Reading | None = None,
                 event_queue_depth: Reading | None = None) -> None:
        self._lock = threading.Lock()
        self._created = time.time()
        self._recent: deque[float] = deque(maxlen=RECENT_FRAMES)
        self._frames_drawn = 0
        self._frame_counts = [0] * (len(FRAME_BUCKETS) + 1)
        self._frame_sum = 0.0
        self._devices: dict[str, bool] = {}
        self._placements = 0
        self._sends: dict[str, int] = {}
        self._sends_since: dict[str, float] = {}
        self._content_version: str | None = None
        self._content_loaded_at: float | None = None
        self._offset: float | None = None
        self._server: MetricsServer | None = None
        self._thread: threading.Thread | None = None
        self._outbox_waiting = _SafeReading("kiosk_outbox_waiting", outbox_waiting)
        self._event_queue_depth = _SafeReading("kiosk_event_queue_depth", event_queue_depth)

    def frame(self, seconds: float) -> None:
        """One frame took ``seconds``: cheap enough for every frame of the frame loop."""
        self._frame_counts[bisect.bisect_left(FRAME_BUCKETS, seconds)] += 1
        self._frame_sum += seconds
        self._recent.append(seconds)
        self._frames_drawn += 1

    def device(self, name: str, up: bool) -> None:
        """Device ``name`` (camera, NFC reader...) works or not."""
        with self._lock:
            self._devices[name] = up

    def placed(self) -> None:
        """A product was placed on the table."""
        with self._lock:
            self._placements += 1

    def sent(self, channel: str) -> None:
        """A product was sent to a shopper's phone through ``channel`` (sms, email, qr...)."""
        with self._lock:
            self._sends[channel] = self._sends.get(channel, 0) + 1
            self._sends_since.setdefault(channel, time.time())

    def content(self, version: str, loaded_at: float) -> None:
        """The content in use is ``version``, loaded at ``loaded_at`` (``time.time()``)."""
        with self._lock:
            self._content_version = version
            self._content_loaded_at = loaded_at

    def clock_offset(self, seconds: float | None) -> None:
        """The reference server's clock minus the table's, or None when it could not be
        measured (the gauge reads NaN)."""
        value = math.nan if seconds is None else float(seconds)
        with self._lock:
            self._offset = _number(value)

    def _content_age(self) -> float:
        loaded_at = self._content_loaded_at
        return math.nan if loaded_at is None else max(0.0, time.time() - loaded_at)

    def facts(self) -> dict[str, object]:
        """The same facts as plain, JSON-ready values (None when unknown), for the heartbeat.
        Calls the readings: not for the frame loop."""
        recent = sorted(self._recent.copy())
        with self._lock:
            facts: dict[str, object] = {
                "frames": self._frames_drawn,
                "frame_p50_s": _percentile(recent, 0.50) if recent else None,
                "frame_p99_s": _percentile(recent, 0.99) if recent else None,
                "devices": dict(self._devices),
                "placements": self._placements,
                "sends": dict(self._sends),
                "content_version": self._content_version,
                "clock_offset_s": self._offset,
            }
        facts["content_age_s"] = _number(self._content_age())
        facts["outbox_waiting"] = _number(self._outbox_waiting())
        facts["event_queue_depth"] = _number(self._event_queue_depth())
        return facts

    def snapshot(self) -> Snapshot:
        """Every value at once, for a scrape (calls the readings: not for the frame loop)."""
        with self._lock:
            taken = Snapshot(
                created=self._created, frame_counts=tuple(self._frame_counts),
                frame_sum=self._frame_sum, frames=self._frames_drawn,
                devices=dict(self._devices), placements=self._placements,
                sends={channel: (count, self._sends_since[channel])
                       for channel, count in self._sends.items()},
                content_version=self._content_version, content_age=math.nan,
                clock_offset=math.nan if self._offset is None else self._offset,
                outbox_waiting=math.nan, event_queue_depth=math.nan)
        return dataclasses.replace(taken, content_age=self._content_age(),
                                   outbox_waiting=self._outbox_waiting(),
                                   event_queue_depth=self._event_queue_depth())

    @property
    def port(self) -> int | None:
        """The port the endpoint listens on (the one chosen when asked for port 0), or None."""
        return None if self._server is None else int(self._server.server_port)

    def serve(self, address: str, port: int) -> None:
        """Serve ``http://address:port/metrics`` from a daemon thread. Binds a socket: call it
        at start-up, not in the frame loop. Raises OSError when the port cannot be had."""
        if self._server is not None:
            raise RuntimeError(f"metrics are already served on port {self.port}")
        from kiosk.ops.metrics_http import listen

        try:
            server = listen(address, port, self)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                why = "the port is in use by another program (another kiosk?)"
            elif exc.errno == errno.EADDRNOTAVAIL:
                why = "the address is not one of this computer's"
            elif exc.errno == errno.EACCES:
                why = "permission denied (ports under 1024 need privileges)"
            else:
                why = exc.strerror or str(exc)
            raise OSError(exc.errno, f"the metrics endpoint cannot listen on {address}:{port}: "
                          f"{why}") from exc
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_S},
                                  name="metrics-http", daemon=True)
        thread.start()
        self._server, self._thread = server, thread
        log.info("metrics served on http://%s:%d/metrics", address, self.port)

    def stop(self) -> None:
        """Stop serving and free the port; harmless when not serving."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(STOP_JOIN_S)
