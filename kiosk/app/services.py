"""What the frame loop talks to besides the screen: the devices' event sources and the
services that run beside it in their own threads (content, outbox, event log, forwarder,
config watcher, health). ``kiosk.assembly`` builds them from the config; the frame loop only
polls them and hands them work, never waiting on them."""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.ops.health import FrameClock
from kiosk.ops.metrics import TableMetrics
from kiosk.ops.problems import ProblemLog

if TYPE_CHECKING:
    from hardware.source import EventSource
    from kiosk.analytics.forward import Forwarder
    from kiosk.analytics.log import EventLog
    from kiosk.analytics.usage import Usage
    from kiosk.app.heartbeat import Heartbeat
    from kiosk.app.refreshed import Refreshed
    from kiosk.catalog.catalog import Catalog
    from kiosk.catalog.live import LiveContent
    from kiosk.config.ops import MetricsSettings
    from kiosk.config.watcher import ConfigWatcher
    from kiosk.fleet.worker import SyncWorker
    from kiosk.handoff.outbox.store import Outbox
    from kiosk.handoff.outbox.worker import OutboxWorker
    from kiosk.handoff.service import SendService
    from kiosk.offers.service import OfferService
    from kiosk.ops.health import HealthMonitor


@dataclass
class Services:
    """A kiosk's event sources and services; ``None`` where the kiosk runs without one (no
    data folder: no outbox, event log or forwarder; no watcher outside ``kiosk run`` and the
    simulator window; health only in ``kiosk run``)."""

    catalog: Catalog
    """The catalog from the config files, before remote content."""
    live: LiveContent
    usage: Usage
    send: SendService
    offers: OfferService | None = None
    """The store's offers (None: a kiosk put together without them, in some tests)."""
    sources: list[EventSource] = field(default_factory=list)
    data_dir: Path | None = None
    events: EventLog | None = None
    forwarder: Forwarder | None = None
    outbox: Outbox | None = None
    outbox_worker: OutboxWorker | None = None
    watcher: ConfigWatcher | None = None
    health: HealthMonitor | None = None
    figures: Refreshed[tuple[int, int, int] | None] | None = None
    """Today's sessions, placements and sends, for the staff screen."""
    waiting: Refreshed[int] | None = None
    """Messages waiting in the outbox, for the staff screen."""
    sync: SyncWorker | None = None
    """The chain's content synced in the background (``fleet.sync``, ``kiosk run`` only)."""
    metrics: TableMetrics = field(default_factory=TableMetrics)
    serve_metrics: MetricsSettings | None = None
    """Where the Prometheus endpoint listens (``ops.metrics``; off without it)."""
    heartbeat: Heartbeat | None = None
    problems: ProblemLog = field(default_factory=ProblemLog)
    frame_clock: FrameClock = field(default_factory=FrameClock)
    _wake: threading.Event | None = field(default=None, init=False, repr=False)
    """Set by ``start`` (each device event sets it); None before ``start`` and after ``stop``."""
    _sources_lock: threading.Lock = field(default_factory=threading.Lock, init=False,
                                          repr=False)

    def storage_problems(self) -> dict[str, str]:
        """The data files that cannot be written now, with why (``the disk is full``)."""
        problems = {"outbox": self.outbox.problem if self.outbox else None,
                    "event log": self.events.problem if self.events else None,
                    "content cache": self.live.cache_problem}
        return {name: problem for name, problem in problems.items() if problem}

    def outbox_waiting(self) -> int | None:
        """Messages waiting to be sent; None when the outbox cannot be read now."""
        if self.outbox is None:
            return 0
        try:
            return self.outbox.waiting()
        except sqlite3.Error:
            return None

    def start(self, wake: threading.Event) -> None:
        """Start the services, then the devices (each device event sets ``wake``)."""
        if self.outbox_worker is not None:
            self.outbox_worker.start()
        if self.watcher is not None:
            self.watcher.start()
        self.live.start()
        if self.forwarder is not None:
            self.forwarder.start()
        if self.health is not None:
            self.health.start()
        if self.sync is not None:
            self.sync.start()
        if self.serve_metrics is not None:
            try:
                self.metrics.serve(self.serve_metrics.address, self.serve_metrics.port)
            except OSError as exc:
                logging.getLogger(__name__).error("no metrics endpoint: %s", exc)
        if self.heartbeat is not None:
            self.heartbeat.start()
        logging.getLogger().addHandler(self.problems)
        with self._sources_lock:
            self._wake = wake
            for source in self.sources:
                source.wake_on_event(wake)
                source.start()

    def add_source(self, source: EventSource) -> None:
        """A device opened after the others (the camera, beside the first frames): polled from
        the next frame on, and started at once when the services run (from any thread)."""
        with self._sources_lock:
            self.sources.append(source)
            if self._wake is not None:
                source.wake_on_event(self._wake)
                source.start()

    def stop(self) -> None:
        """Stop the devices and the services, committing what they hold."""
        with self._sources_lock:
            self._wake = None  # a device opened from now on is not started
        logging.getLogger().removeHandler(self.problems)
        if self.sync is not None:
            self.sync.stop()
        if self.heartbeat is not None:
            self.heartbeat.stop()
        self.metrics.stop()
        if self.health is not None:
            self.health.stop()
        if self.watcher is not None:
            self.watcher.stop()
        self.live.stop()
        if self.forwarder is not None:
            self.forwarder.stop()
        if self.events is not None:
            self.events.close()
        for source in self.sources:
            source.stop()
        self.send.close()
        if self.offers is not None:
            self.offers.close()
        if self.outbox_worker is not None:
            self.outbox_worker.stop()
        if self.outbox is not None:
            self.outbox.close()
