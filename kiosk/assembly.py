"""Where a kiosk is put together: the services a table runs with, built from its config, and the
frame loop they are handed to. ``kiosk run``, the simulator window and headless scenarios all
come here, each with its own devices and clock; only the commands use it.

What a kiosk runs only with some settings (the forwarder, the config watcher, the fleet's sync,
the health monitor and heartbeat of ``kiosk run``) is imported only when it is built."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from hardware.nfc_reader import NfcReaderSource
from kiosk.analytics.log import EventLog
from kiosk.analytics.report import today_counts
from kiosk.analytics.usage import EVENTS_FILE, Usage
from kiosk.app.devices import Devices
from kiosk.app.kiosk import Kiosk
from kiosk.app.loop import App
from kiosk.app.refreshed import Refreshed
from kiosk.app.services import Services
from kiosk.catalog.catalog import Catalog
from kiosk.catalog.live import LiveContent
from kiosk.config import KioskConfig
from kiosk.handoff.outbox.senders import senders_from_config
from kiosk.handoff.outbox.store import OUTBOX_FILE, Outbox
from kiosk.handoff.outbox.worker import OutboxWorker
from kiosk.handoff.service import SendService
from kiosk.offers.pool import POOL_FILE, CodePool
from kiosk.offers.service import OfferService
from kiosk.ops.metrics import TableMetrics

FIGURES_S = 10.0  # the staff screen's figures of the day: read again this often
WAITING_S = 1.0  # and the messages waiting


def assemble(config: KioskConfig, size: tuple[int, int], devices: Devices, *,
             draw_products: bool, locale: str | None = None, catalog: Catalog | None = None,
             data_dir: Path | None = None, watch: bool = False,
             health: bool = False, own_store: Path | None = None) -> Kiosk:
    """The kiosk for ``config`` on a screen of ``size``, reading ``devices`` (opened, not
    started). ``data_dir``: where the outbox, the event log and the status file live; without
    it, only the QR code is offered and nothing is logged. ``watch``: follow edits of the config
    and media folders. ``health``: write the status file and run the watchdogs
    (``kiosk run``). ``own_store``: the table's own ``store.yaml``, whose ``fleet.sync`` has
    the chain's content synced in the background (``kiosk run``)."""
    catalog = catalog or Catalog.from_config(config)
    events = (EventLog(data_dir / EVENTS_FILE, config.store.analytics.retention_days)
              if data_dir is not None else None)
    outbox = Outbox(data_dir / OUTBOX_FILE) if data_dir is not None else None
    metrics = TableMetrics(outbox.waiting if outbox is not None else None,
                           (lambda: events.depth) if events is not None else None)
    usage = Usage(events, metrics)
    worker = (OutboxWorker(outbox, senders_from_config(config.store.handoff))
              if outbox is not None else None)
    nfc = next((source for source in devices.sources if isinstance(source, NfcReaderSource)),
               None)
    send = SendService(config, catalog, outbox, worker, time.monotonic, nfc, usage)
    pool = CodePool(data_dir / POOL_FILE) if data_dir is not None else None
    services = Services(
        catalog=catalog, live=LiveContent(config, data_dir, known=catalog), usage=usage,
        send=send, offers=OfferService(config, send, pool, outbox, worker, usage),
        sources=list(devices.sources), data_dir=data_dir, events=events,
        outbox=outbox, outbox_worker=worker, metrics=metrics,
        serve_metrics=config.store.ops.metrics,
        figures=(Refreshed(lambda: today_counts(data_dir / EVENTS_FILE, dt.date.today()),
                           None, FIGURES_S, "today's figures")
                 if data_dir is not None else None),
        waiting=(Refreshed(outbox.waiting, None, WAITING_S, "outbox count")
                 if outbox is not None else None))
    forward = config.store.analytics.forward
    if forward is not None and data_dir is not None:
        from kiosk.analytics.forward import Forwarder

        services.forwarder = Forwarder(data_dir / EVENTS_FILE, forward, config.store.store.id)
    if watch:
        from kiosk.config.watcher import ConfigWatcher

        services.watcher = ConfigWatcher(config.config_dir, config.media_dir,
                                         index_dir=config.catalog.path.parent)
    app = App(config, size, services, draw_products=draw_products, locale=locale)
    devices.catalog = lambda: services.catalog
    devices.on_source = services.add_source
    sync = config.store.fleet.sync
    if sync is not None and own_store is not None and data_dir is not None:
        from kiosk.fleet.sync import SyncClient
        from kiosk.fleet.worker import SyncWorker, child_validator

        client = SyncClient(sync, config.store.store.id, data_dir, own_store,
                            child_validator(data_dir))
        services.sync = SyncWorker(client, sync, app.is_idle, app.healthy_since)
    if health and data_dir is not None:
        from kiosk.ops.health import HealthMonitor

        services.health = HealthMonitor(data_dir, services.frame_clock, app.health_facts)
    if health and events is not None:
        from kiosk.app.heartbeat import Heartbeat

        synced = services.sync
        services.heartbeat = Heartbeat(
            events, metrics, config.store.ops.heartbeat_s, config.store.ops.clock_url,
            (lambda: synced.client.state.clock_offset) if synced is not None else None)
    return Kiosk(app, services, devices)
