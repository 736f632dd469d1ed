"""``via: nfc``: tags emulated on nfcpy's udp driver (127.0.0.1), read by the kiosk's reader."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from hardware.events import Placed, Removed
from hardware.nfc_handoff import IDM
from kiosk.app.devices import open_devices
from kiosk.catalog.catalog import Catalog
from kiosk.commands.simulate import play_scenario
from kiosk.config import KioskConfig
from kiosk.simulator.scenario import Scenario
from tests.hardware.nfc_emulator import tag_memory
from tests.kiosk.scenarios import TODAY, find, run, tree

TV = "3760000000017"
KETTLE = "3760000000178"


@pytest.mark.timeout(60)
def test_a_tag_laid_on_the_reader_opens_the_panel_beside_it(demo_config: KioskConfig,
                                                             tmp_path: Path) -> None:
    store = demo_config.store
    nfc = store.sources.nfc.model_copy(update={"position": (0.3, 0.6)})
    config = dataclasses.replace(demo_config, store=store.model_copy(update={
        "sources": store.sources.model_copy(update={"nfc": nfc})}))
    result = run(config, tmp_path, [
        {"at": 0.2, "place": {"gtin": TV, "via": "nfc"}},
        {"at": 0.6, "screenshot": "on"},
        {"at": 0.8, "remove": {"gtin": TV, "via": "nfc"}},
        {"at": 2.0, "screenshot": "off"},
    ])
    assert result.ok, result.stats.errors
    assert [node["text"] for node in find(tree(tmp_path, "on"), role="panel")] == [TV]
    product = find(tree(tmp_path, "on"), role="product")[0]
    x, y, width, height = product["rect"]
    assert abs((x + width / 2) / 1920 - 0.3) < 0.01 and abs((y + height / 2) / 1080 - 0.6) < 0.01
    assert find(tree(tmp_path, "off"), role="panel") == []


@pytest.mark.timeout(60)
def test_in_real_time_the_reader_delay_is_measured(demo_config: KioskConfig,
                                                   tmp_path: Path) -> None:
    scenario = Scenario.model_validate({"steps": [
        {"at": 0.3, "place": {"gtin": KETTLE, "via": "nfc"}},
        {"at": 2.5, "remove": {"gtin": KETTLE, "via": "nfc"}},
        {"at": 4.0, "screenshot": "after"},
    ]})
    result = play_scenario(demo_config, scenario, tmp_path, today=TODAY)
    assert result.ok, result.stats.errors
    [delay] = result.stats.recognition_ms
    assert delay is not None and 0 < delay < 2000
    assert find(tree(tmp_path, "after"), role="panel") == []


@pytest.mark.timeout(60)
def test_one_tag_at_a_time_and_only_on_a_simulated_reader(demo_config: KioskConfig,
                                                          tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.2, "place": {"gtin": TV, "via": "nfc"}},
        {"at": 0.4, "place": {"gtin": KETTLE, "via": "nfc"}},
        {"at": 0.6, "screenshot": "one"},
    ])
    assert result.stats.errors == [f"at 0.4 s: the NFC reader already holds {TV}; remove it "
                                   "first (one tag at a time)"]
    assert [node["text"] for node in find(tree(tmp_path, "one"), role="panel")] == [TV]
    store = demo_config.store
    off = store.sources.nfc.model_copy(update={"device": "none"})
    config = dataclasses.replace(demo_config, store=store.model_copy(update={
        "sources": store.sources.model_copy(update={"nfc": off})}))
    result = run(config, tmp_path, [{"at": 0.2, "place": {"gtin": TV, "via": "nfc"}}])
    assert "at 0.2 s: via nfc needs the store's NFC reader to be 'sim'" in result.stats.errors


def test_via_nfc_has_no_position_and_the_others_need_one() -> None:
    with pytest.raises(ValidationError, match="via nfc takes no x and y"):
        Scenario.model_validate({"steps": [
            {"at": 0, "place": {"gtin": TV, "x": 0.5, "y": 0.5, "via": "nfc"}}]})
    with pytest.raises(ValidationError, match="say where the product goes"):
        Scenario.model_validate({"steps": [{"at": 0, "place": {"gtin": TV, "x": 0.5}}]})


@pytest.mark.timeout(30)
def test_a_tag_without_a_product_link_is_found_in_the_staff_tag_map(
        demo_config: KioskConfig) -> None:
    devices = open_devices(demo_config, Catalog.from_config(demo_config), time.monotonic,
                           simulator=True)
    assert devices.nfc is not None and devices.nfc.virtual is not None
    reader, tags = devices.nfc.source, devices.nfc.virtual
    reader.start()
    try:
        tags.place_tag(tag_memory(b""), IDM)  # 03:FE:FF:E0:11:22:33:44 in config/nfc-tags.yaml
        assert reader.wait_readings(1, 10.0)
        tags.lift()
        assert reader.wait_readings(2, 10.0)
    finally:
        reader.stop()
        devices.close()
    readings = [event for event in reader.poll() if isinstance(event, Placed | Removed)]
    assert [(type(event), event.code) for event in readings] == [
        (Placed, "0" + KETTLE), (Removed, "0" + KETTLE)]
