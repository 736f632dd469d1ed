"""What a scripted visit does shows up exactly in ``kiosk report`` (and nothing personal)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pygame
import pytest

from kiosk.analytics.usage import EVENTS_FILE
from kiosk.cli import main
from kiosk.config import KioskConfig
from tests.handoff.servers import WebhookServer, wait_until
from tests.kiosk.scenarios import run
from tests.kiosk.test_send_to_phone import local_handoff, typed
from tests.paths import DEMO_CONFIG

TV, CLARA, SHOE = "3760000000017", "3760000000024", "3760000000109"


@pytest.fixture(autouse=True)
def sms_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_TEST_SMS", "token")


def test_a_visit_shows_up_exactly_in_the_report(demo_config: KioskConfig, tmp_path: Path,
                                                webhook: WebhookServer,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    result = run(local_handoff(demo_config, webhook), tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.22, "y": 0.72}},
        {"at": 0.2, "place": {"gtin": CLARA, "x": 0.8, "y": 0.25, "angle": 180}},
        {"at": 0.5, "tap": {"label": "Avis", "within": TV}},
        {"at": 0.7, "tap": {"label": "Comparer", "within": TV}},
        {"at": 0.9, "tap": {"label": "Fermer", "within": TV}},
        {"at": 1.0, "remove": {"gtin": CLARA}},
        {"at": 1.2, "place": {"gtin": SHOE, "x": 0.8, "y": 0.25, "angle": 180}},
        {"at": 1.5, "tap": {"label": "Envoyer sur mon téléphone", "within": TV}},
        {"at": 1.6, "tap": {"label": "SMS", "within": TV}},
        *typed("0612345678", TV, 1.7),
        {"at": 2.3, "tap": {"label": "J'accepte", "within": TV}},
        {"at": 2.4, "tap": {"label": "Envoyer", "within": TV}},
        {"at": 2.6, "tap": {"label": "English", "within": SHOE}},
    ])
    assert result.ok, result.stats.errors
    wait_until(lambda: len(webhook.received()) == 1)
    capsys.readouterr()
    data = tmp_path / "data"
    assert main(["report", "--config", str(DEMO_CONFIG), "--data", str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sessions"] == 1
    assert report["placements"]["total"] == 3
    counts = {item["gtin"]: item["count"] for item in report["placements"]["by_product"]}
    assert counts == {TV: 1, CLARA: 1, SHOE: 1}
    clara = next(i for i in report["placements"]["by_product"] if i["gtin"] == CLARA)
    assert clara["dwell_s"] == pytest.approx(0.8, abs=0.05)
    assert clara["name"] == "Téléviseur LED 4K Lumina Clara 43\""
    assert report["compares"] == 1
    assert report["sends"]["total"] == 1 and report["sends"]["by_channel"]["sms"] == 1
    assert report["funnel"] == {"placed": 1, "section_viewed": 1, "variant_chosen": 0,
                                "sent": 1, "ordered": 0, "reserved": 0}
    assert report["languages"] == {"en": 1}
    with sqlite3.connect(data / EVENTS_FILE) as db:
        stored = " ".join(str(row) for row in db.execute("SELECT * FROM events"))
    assert "0612345678" not in stored and "+33612345678" not in stored


def test_the_report_writes_charts_and_a_page(demo_config: KioskConfig, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    run(demo_config, tmp_path, [{"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
                                {"at": 0.5, "remove": {"gtin": TV}}])
    out = tmp_path / "report"
    assert main(["report", "--config", str(DEMO_CONFIG), "--data", str(tmp_path / "data"),
                 "--out", str(out)]) == 0
    assert "1 placement(s)" in capsys.readouterr().out
    charts = sorted(out.glob("*.png"))
    assert len(charts) >= 4
    assert pygame.image.load(str(charts[0])).get_width() >= 1200
    page = (out / "index.html").read_text(encoding="utf-8")
    assert all(chart.name in page for chart in charts)
