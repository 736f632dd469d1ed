"""A running kiosk following the chain: its sync thread finds a new version, waits while a
product is on the table, switches once the table is free, and the hot reload shows the new
content (a renamed product, a new image) without a restart."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from hardware.events import Placed, Removed
from kiosk.app.devices import Devices
from kiosk.app.display import open_screen
from kiosk.app.loop import App
from kiosk.assembly import assemble
from kiosk.config import load_config
from kiosk.fleet.content import content_folders
from kiosk.fleet.local import LocalStore
from tests.fleet.conftest import Chain
from tests.fleet.tables import synced, table

ESPRESSO = "03760000000178"
NEW_NAME = "Tazzina Duo — nouvelle fiche"


def shown_name(app: App) -> str | None:
    product = app.catalog.get(ESPRESSO)
    return product.name["fr"] if product is not None else None


def test_a_running_kiosk_switches_when_the_table_is_free(tmp_path: Path, chain: Chain) -> None:
    own, data = table(tmp_path, chain)
    first = synced(own, data).state.active
    content = content_folders(own, data)
    config = load_config(content.config_dir, content.media_dir, data, keep_last_good=True)
    made = assemble(config, (1280, 720), Devices(sources=[]), draw_products=True,
                    data_dir=data, watch=True, own_store=own / "store.yaml")
    app = made.app
    assert made.services.sync is not None
    kitchen = chain.config / "catalog" / "kitchen.yaml"
    kitchen.write_text(kitchen.read_text(encoding="utf-8").replace(
        "Machine à expresso Tazzina Duo 15 bars", NEW_NAME, 1), encoding="utf-8")
    newer = chain.publish()
    screen = open_screen((1280, 720), headless=True)
    app.table.apply(Placed(ESPRESSO, "camera", (0.4, 0.5), 0.0, 0.0))
    made.start()
    try:
        client = made.services.sync.client
        deadline = time.monotonic() + 60
        while client.state.ready != newer and time.monotonic() < deadline:
            app.frame(screen, time.monotonic(), dt.date.today())
            time.sleep(0.05)
        assert client.state.ready == newer
        for _ in range(40):  # two seconds: a shopper is there, nothing moves
            app.frame(screen, time.monotonic(), dt.date.today())
            time.sleep(0.05)
        assert LocalStore(data).active_version() == first
        app.table.apply(Removed(ESPRESSO, "camera", 1.0))
        while shown_name(app) != NEW_NAME and time.monotonic() < deadline:
            app.frame(screen, time.monotonic(), dt.date.today())
            time.sleep(0.05)
        assert LocalStore(data).active_version() == newer
        assert shown_name(app) == NEW_NAME
        assert app.health_facts()["fleet"]["active"] == newer  # type: ignore[index]
    finally:
        made.stop()
