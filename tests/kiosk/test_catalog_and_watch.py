"""``kiosk catalog --gtin`` shows one product in full; ``kiosk simulate --headless --watch``
follows an edit of the config as ``kiosk run`` does, so a scenario can show a reload."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.cli import main
from tests.paths import DEMO_CONFIG

REPO = Path(__file__).resolve().parents[2]
SCENARIO = """
size: [1920, 1080]
locale: fr
steps:
  - {at: 0.3, place: {gtin: "3760000000017", x: 0.3, y: 0.7, angle: 0}}
  - {at: 1.5, screenshot: before}
  - {at: 7.5, screenshot: after}
"""


@pytest.mark.parametrize("code", ["3760000000017", "03760000000017"])
def test_one_product_in_full_by_any_form_of_its_gtin(code: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--config", str(DEMO_CONFIG), "--json", "--gtin", code]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["gtin14"], record["department"]) == ("03760000000017", "tv-audio")
    assert record["name"]["en"].startswith("Lumina Vista") and record["reviews"]


@pytest.mark.parametrize("code", ["3760000000024x", "12345670", "'; DROP"])
def test_a_product_the_catalog_lacks_is_said_and_exits_1(
        code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--config", str(DEMO_CONFIG), "--gtin", code]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "no product" in captured.err


def texts(tree_file: Path) -> str:
    widgets = json.loads(tree_file.read_text(encoding="utf-8"))["widgets"]
    return " ".join(str(node.get("text", "")) for node in widgets)


@pytest.mark.timeout(90)
def test_a_headless_scenario_with_watch_shows_an_edit_saved_while_it_plays(
        store_copy: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "reload.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    shots = tmp_path / "shots"
    run = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "simulate", "--headless", "--watch", "--config",
         str(store_copy), "--data", str(tmp_path / "data"), "--scenario", str(scenario),
         "--screenshots", str(shots)],
        cwd=REPO, env={**os.environ, "SDL_VIDEODRIVER": "dummy"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while not (shots / "before.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    catalog = store_copy / "catalog" / "tv-audio.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        "price: 1299.00", "price: 1111.00", 1), encoding="utf-8")
    output = run.communicate(timeout=60)[0]
    assert run.returncode == 0, output
    assert "1\u00a0299,00" in texts(shots / "before.json")  # prices group with a no-break space
    after = texts(shots / "after.json")
    assert "1\u00a0111,00" in after and "1\u00a0299,00" not in after
