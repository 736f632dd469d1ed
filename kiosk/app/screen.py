"""What the frame loop draws with, made together, and the facts the app reports about itself
(to staff mode and to ``kiosk status``), gathered from its state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig
from kiosk.i18n import text
from kiosk.scenes.attract import AttractLoop
from kiosk.scenes.table_scene import TableScene
from kiosk.staff.mode import StaffMode
from kiosk.staff.screen import StaffFacts
from kiosk.ui.look import Look

if TYPE_CHECKING:
    from kiosk.app.loop import App


@dataclass(frozen=True)
class Screen:
    """The look and every scene made from it. After a reload of the look (theme, fonts,
    attract media), the render worker makes the next one while frames go on with this one."""

    look: Look
    attract_media: tuple[str, ...]
    attract: AttractLoop
    scene: TableScene
    staff: StaffMode


def staff_facts(app: App) -> StaffFacts:
    """What the staff screen shows (memory only: counts come from refreshing threads)."""
    devices = tuple((name, status.state.value, status.reason)
                    for name, status in sorted(app.table.statuses.items()))
    devices += tuple((name, "unavailable", problem)
                     for name, problem in app.services.storage_problems().items())
    services = app.services
    counts = services.figures.get() if services.figures is not None else None
    today = "" if counts is None else text(
        "staff.today", app.default_locale, sessions=counts[0], placements=counts[1],
        sends=counts[2])
    waiting = services.waiting.get() if services.waiting is not None else 0
    return StaffFacts(devices, waiting, tuple(str(e) for e in app.reload_errors),
                      services.problems.lines, app.default_locale, today)


def health_facts(app: App) -> dict[str, object]:
    """What ``kiosk status`` shows besides frames (read from the health thread)."""
    services = app.services
    devices = {name: {"state": status.state.value, "reason": status.reason}
               for name, status in list(app.table.statuses.items())}
    return {"devices": devices, "storage": services.storage_problems(),
            "outbox_waiting": services.outbox_waiting(),
            "events_waiting": services.events.depth if services.events else 0,
            "forward_waiting": services.forwarder.depth if services.forwarder else 0,
            "content_loaded_at": app.content_loaded_at,
            "content_products": len(app.catalog),
            "content_errors": len(app.reload_errors),
            "catalog_index_problem": app.config.catalog.problem,
            "products_on_table": len(app.table),
            **({"fleet": services.sync.facts()} if services.sync is not None else {})}


def content_version(config: KioskConfig) -> str:
    """The synced version the config comes from (its folder's name under ``versions/``), or
    ``local`` for the table's own folder."""
    folder = config.config_dir.resolve().parent
    return folder.name if folder.parent.name == "versions" else "local"
