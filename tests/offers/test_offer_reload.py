"""Offers follow edits of ``offers.yaml`` and of a codes file: checked in the reload child like
the rest of the config, then taken up by the running offer service (new codes imported, codes
given staying given, an offer removed no longer shown)."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig, load_config
from kiosk.config.reload_worker import validate_in_child
from kiosk.handoff.service import SendService
from kiosk.offers.pool import CodePool
from kiosk.offers.service import OfferService
from tests.paths import DEMO_CONFIG, DEMO_MEDIA

ESPRESSO14 = "03760000000178"


def reloaded(config_dir: Path, index: Path) -> KioskConfig:
    result = validate_in_child(config_dir, DEMO_MEDIA, index, threading.Event(),
                               timeout_s=60)
    assert isinstance(result, KioskConfig), result
    return result


def test_an_edited_pool_and_a_removed_offer_reach_the_running_table(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    shutil.copytree(DEMO_CONFIG, config_dir)
    config = load_config(config_dir, DEMO_MEDIA, tmp_path / "index")
    send = SendService(config, Catalog.from_config(config), None, None, time.monotonic)
    offers = OfferService(config, send, CodePool(tmp_path / "offers.sqlite3"), None, None,
                          environ={})
    try:
        offers.settle(10)
        first = offers.prepare("panel", "espresso-welcome", "fr").result(10).code
        assert first == "ESPRESSO-7Q2K" and offers.left("espresso-welcome") == 2
        codes = config_dir / "offers" / "espresso-welcome.csv"
        codes.write_text("code\nESPRESSO-7Q2K\nESPRESSO-NEW1\n", encoding="utf-8")
        offers.reconfigure(reloaded(config_dir, tmp_path / "index"))
        offers.settle(10)
        assert offers.left("espresso-welcome") == 1  # the given one stays given
        assert offers.prepare("other", "espresso-welcome", "fr").result(10).code == (
            "ESPRESSO-NEW1")
        assert offers.offer_for(ESPRESSO14, "kitchen") is None  # the pool is empty now
        text = (config_dir / "offers.yaml").read_text(encoding="utf-8")
        (config_dir / "offers.yaml").write_text(text.split("\n  - id: espresso-welcome")[0]
                                                + "\n", encoding="utf-8")
        changed = reloaded(config_dir, tmp_path / "index")
        assert [offer.id for offer in changed.offers.offers] == ["run-club-15"]
        offers.reconfigure(changed)
        offers.settle(10)
        assert offers.offer("espresso-welcome") is None
        assert offers.offer_for("03760000000093", "running") is not None
    finally:
        offers.close()
        send.close()
