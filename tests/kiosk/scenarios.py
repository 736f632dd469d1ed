"""Helpers to play scenarios in-process and read their widget trees."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from kiosk.commands.simulate import play_scenario
from kiosk.config import KioskConfig
from kiosk.simulator.player import PlayResult
from kiosk.simulator.scenario import Scenario

TODAY = dt.date(2026, 11, 26)


def run(config: KioskConfig, folder: Path, steps: list[dict[str, Any]],
        **options: Any) -> PlayResult:
    """Play ``steps`` in step mode; screenshots and trees go to ``folder``."""
    scenario = Scenario.model_validate({"steps": steps, **options})
    return play_scenario(config, scenario, folder, step_mode=True, today=TODAY,
                         data_dir=folder / "data")


def tree(folder: Path, name: str) -> list[dict[str, Any]]:
    """The widget tree saved with screenshot ``name``."""
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["widgets"]


def find(nodes: list[dict[str, Any]], **fields: Any) -> list[dict[str, Any]]:
    """Nodes whose fields equal all of ``fields``."""
    return [node for node in nodes if all(node.get(k) == v for k, v in fields.items())]


def overlaps(a: list[int], b: list[int]) -> bool:
    """Whether two [x, y, w, h] rectangles overlap."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
