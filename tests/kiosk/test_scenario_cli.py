"""The foundation issue's scenario, end to end through the ``kiosk`` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pygame

from tests.kiosk.scenarios import find
from tests.paths import DEMO_CONFIG, REPO

SCENARIO = """\
size: [1920, 1080]
locale: fr
steps:
  - {at: 0.5, place: {gtin: "3760000000017", x: 0.30, y: 0.55, angle: 0, via: sim}}
  - {at: 1.5, screenshot: one-item}
  - {at: 2.0, tap: {label: "Avis"}}
  - {at: 2.2, tap: {x: 0.50, y: 0.50}}
  - {at: 2.5, screenshot: reviews}
  - {at: 3.0, remove: {gtin: "3760000000017"}}
  - {at: 4.0, screenshot: empty}
"""


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True,
                          timeout=90, cwd=REPO, env=env, check=False)


def test_the_issue_scenario_writes_screenshots_trees_and_stats(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO)
    shots, stats_file = tmp_path / "shots", tmp_path / "stats.json"
    result = kiosk("simulate", "--headless", "--scenario", str(scenario), "--screenshots",
                   str(shots), "--stats", str(stats_file), "--step", "--config", str(DEMO_CONFIG),
                   "--data", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    for name in ("one-item", "reviews", "empty"):
        image = pygame.image.load(str(shots / f"{name}.png"))
        assert image.get_size() == (1920, 1080)
    one = json.loads((shots / "one-item.json").read_text())["widgets"]
    (panel,) = find(one, role="panel")
    assert panel["text"] == "3760000000017" and panel["label"]
    assert find(one, role="price") and find(one, role="heading", text=panel["label"])
    assert find(one, role="tab", label="Avis", tappable=True)
    reviews = json.loads((shots / "reviews.json").read_text())["widgets"]
    assert find(reviews, role="tab", label="Avis", text="selected")
    assert find(reviews, role="review") and find(reviews, role="rating")
    empty = json.loads((shots / "empty.json").read_text())["widgets"]
    assert not find(empty, role="panel")
    assert find(empty, role="invite", text="Posez un produit sur la table")
    stats = json.loads(stats_file.read_text())
    assert stats["frames"] >= 4 * 60
    assert set(stats["frame_ms"]) >= {"p50", "p95", "p99", "max"}
    assert len(stats["recognition_ms"]) == 1 and stats["recognition_ms"][0] is not None
    assert stats["missed_taps"] == [] and stats["errors"] == []


def test_a_missed_tap_fails_the_run_with_its_reason(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("steps:\n  - {at: 0.1, tap: {label: \"Acheter\"}}\n")
    result = kiosk("simulate", "--headless", "--scenario", str(scenario), "--step",
                   "--stats", str(tmp_path / "stats.json"), "--data", str(tmp_path))
    assert result.returncode == 1
    assert "cannot tap 'Acheter': no widget with this label in view" in result.stderr
    assert json.loads((tmp_path / "stats.json").read_text())["missed_taps"] == [
        {"at": 0.1, "label": "Acheter", "reason": "no widget with this label in view"}]


def test_a_broken_scenario_is_reported_with_its_line(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("steps:\n  - {at: 0.1, screenshot: a}\n"
                        "  - {at: 1, place: {gtin: \"1\", x: 2, y: 0}}\n")
    result = kiosk("simulate", "--headless", "--scenario", str(scenario), "--step")
    assert result.returncode == 2
    assert f"{scenario}:3: steps[1].place.x: Input should be less than or equal to 1" in (
        result.stderr)


def test_without_a_display_the_simulator_plays_the_demo_headless(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = kiosk("simulate", "--data", str(tmp_path), env=env)
    assert result.returncode == 0, result.stderr
    assert "No display here" in result.stdout
    assert f"Screenshots: {tmp_path.resolve() / 'screenshots' / 'demo'}" in result.stdout
    assert len(list((tmp_path / "screenshots" / "demo").glob("*.png"))) >= 3
    tree = json.loads((tmp_path / "screenshots" / "demo" / "english-specs.json").read_text(
        encoding="utf-8"))["widgets"]
    assert find(tree, role="tab", label="Specs", text="selected"), "the TV's shopper, in English"
    assert find(tree, role="heading", text="Lumina Vista 55\" OLED TV")


def test_the_nfc_scenario_opens_panels_through_nfcpy(tmp_path: Path) -> None:
    shots, stats_file = tmp_path / "shots", tmp_path / "stats.json"
    result = kiosk("simulate", "--headless", "--scenario",
                   str(DEMO_CONFIG / "scenarios" / "nfc.yaml"), "--screenshots", str(shots),
                   "--stats", str(stats_file), "--step", "--config", str(DEMO_CONFIG),
                   "--data", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    panels = {name: sorted(node["text"] for node in find(
        json.loads((shots / f"{name}.json").read_text())["widgets"], role="panel"))
        for name in ("nfc-espresso", "nfc-and-camera", "nfc-empty")}
    assert panels == {"nfc-espresso": ["3760000000178"],
                      "nfc-and-camera": ["3760000000017", "3760000000109"], "nfc-empty": []}
    assert json.loads(stats_file.read_text())["errors"] == []
