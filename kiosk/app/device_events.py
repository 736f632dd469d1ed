"""What a device event does to the table and to the figures, applied by the frame loop."""

from __future__ import annotations

import logging

from hardware.events import HardwareEvent, Placed, Removed, SourceState, SourceStatus
from kiosk.app.services import Services
from kiosk.catalog.catalog import Catalog
from kiosk.i18n import printable
from kiosk.scenes.table import Table

log = logging.getLogger("kiosk.app.loop")  # where staff and tests have always found these


def apply_event(event: HardwareEvent, table: Table, catalog: Catalog, services: Services,
                idle_reset_s: float, last_activity: float) -> bool:
    """Apply ``event``: device states to the log and metrics, placements and removals to the
    table and the usage figures. True when the table changed (shopper activity)."""
    if isinstance(event, SourceStatus):
        log.info("device %s: %s %s", event.source, event.state.value, event.reason)
        services.metrics.device(event.source, event.state == SourceState.OK)
        if event.state in (SourceState.UNAVAILABLE, SourceState.DEGRADED):
            services.usage.device(event.source, event.state.value)
    elif isinstance(event, Removed) and (lifted := table.get(event.code)):
        services.usage.removed(event.code, dwell(lifted.since, event.t, last_activity,
                                                 idle_reset_s))
    elif isinstance(event, Placed) and table.get(event.code) is None and (
            catalog.get(event.code) is None):
        log.warning("code %s from %s is not in the catalog: showing 'not found'",
                    printable(event.code), event.source)
    if not table.apply(event):
        return False
    if isinstance(event, Placed) and table.get(event.code).since == event.t:
        services.send.note_placed(event.code)
        services.live.request(event.code)
        services.usage.placed(event.code)
    return True


def dwell(since: float, lifted_at: float, last_activity: float, idle_reset_s: float) -> float:
    """Seconds a product lay on the table while someone was there: one left behind stops
    counting ``idle_reset_s`` after the last touch, placement or removal (the last activity is
    the one before this removal)."""
    attended_until = max(last_activity, since) + idle_reset_s
    return max(0.0, min(lifted_at, attended_until) - since)
