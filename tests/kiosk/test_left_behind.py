"""A product left on the table: the next shopper must not find the last one's session, language,
open sheet or half-typed number, and the reports must not count the hours it lay there."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import KioskConfig
from tests.handoff.servers import WebhookServer
from tests.kiosk.scenarios import find, run, tree
from tests.kiosk.test_send_to_phone import local_handoff, typed
from tests.paths import DEMO_CONFIG

TV = "3760000000017"


@pytest.fixture(autouse=True)
def sms_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_TEST_SMS", "token")


def quick_reset(config: KioskConfig) -> KioskConfig:
    return dataclasses.replace(config, store=config.store.model_copy(
        update={"idle_reset_s": 1.0}))


def report(data: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["report", "--config", str(DEMO_CONFIG), "--data", str(data), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_next_shopper_finds_the_left_product_as_new(
        demo_config: KioskConfig, tmp_path: Path, webhook: WebhookServer,
        capsys: pytest.CaptureFixture[str]) -> None:
    result = run(quick_reset(local_handoff(demo_config, webhook)), tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.2, "tap": {"label": "English", "within": TV}},
        {"at": 0.3, "tap": {"label": "Reviews", "within": TV}},
        {"at": 0.4, "tap": {"label": "Send to my phone", "within": TV}},
        {"at": 0.5, "tap": {"label": "SMS", "within": TV}},
        *typed("0612", TV, 0.6),
        {"at": 0.9, "screenshot": "walked-away"},
        {"at": 2.5, "screenshot": "next-shopper"},
        {"at": 2.6, "tap": {"label": "Avis", "within": TV}},
    ])
    assert result.ok, result.stats.errors
    before = tree(tmp_path, "walked-away")
    assert find(before, role="input") and find(before, role="tab", label="Reviews")
    after = tree(tmp_path, "next-shopper")
    assert not find(after, role="input") and not find(after, role="sheet")
    assert find(after, role="tab", label="Aperçu", text="selected"), "French, first tab"
    assert find(after, role="heading", text="Téléviseur OLED Lumina Vista 55\"")
    figures = report(tmp_path / "data", capsys)
    assert figures["sessions"] == 2, "the last shopper's, then the next one's first tap"
    assert figures["placements"]["total"] == 1


def test_a_product_left_behind_stops_counting_time_on_the_table(
        demo_config: KioskConfig, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(quick_reset(demo_config), tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.5, "tap": {"label": "Avis", "within": TV}},
        {"at": 6.0, "remove": {"gtin": TV}},
    ])
    assert result.ok, result.stats.errors
    (tv,) = report(tmp_path / "data", capsys)["placements"]["by_product"]
    assert tv["dwell_s"] == pytest.approx(1.4, abs=0.1), "last tap at 0.5 s, then 1 s idle"
