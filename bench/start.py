"""Start of the demo to its first frame, and the demo's peak memory (issue 20's targets: at most
1.0 s and 200 MB, in three consecutive runs).

Each run is the demo played headless in real time, in a process of its own, measured as
``bench.catalog`` measures its big catalogs (``measured``): from just before the process is
launched (interpreter start-up and imports included) to the first screenshot's file appearing,
and the peak resident memory of the whole run from ``wait4``. The scenario played is the
demo's with one screenshot added at 0 s, the signal of the first frame (the demo's own first
one is at 0.5 s). A warm-up run first, not counted, leaves what an installed table has from
its previous start: the compiled catalog in the data folder and the modules' bytecode (in a
folder of the run's own, ``PYTHONPYCACHEPREFIX``; ``--no-bytecode`` measures without).

Then one more run under ``python -X importtime`` (``bench.start_probe``) splits the start:
the interpreter's start-up, imports, loading the config, and the rest (assembling the kiosk,
opening its devices, drawing). Importtime slows imports down, so its total is a little above
the measured runs'.

Run from the repository root::

    /work/main/.venv/bin/python -m bench.start [--runs 3] [--scenario FILE] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench.catalog import REPO, measured
from bench.start_probe import MARK

DEMO = REPO / "config" / "scenarios" / "demo.yaml"
FIRST = "first-frame"
TIMEOUT_S = 120.0
TARGET_S, TARGET_MB = 1.0, 200


def with_first_shot(scenario: Path, folder: Path) -> Path:
    """A copy of ``scenario`` with a screenshot of its first frame (at 0 s)."""
    document = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    document["steps"] = [{"at": 0.0, "screenshot": FIRST}, *document.get("steps", [])]
    copy = folder / scenario.name
    copy.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return copy


def kiosk_args(scenario: Path, root: Path, shots: Path) -> list[str]:
    return ["simulate", "--headless", "--scenario", str(scenario), "--data", str(root / "data"),
            "--screenshots", str(shots)]


def one_run(scenario: Path, root: Path, index: int) -> dict[str, Any]:
    """One measured run: seconds to the first frame, peak MB, exit code."""
    shots = root / f"shots-{index}"
    result = measured([sys.executable, "-m", "kiosk", *kiosk_args(scenario, root, shots)],
                      shots / f"{FIRST}.png")
    return {"first_frame_s": result["first_frame_s"], "peak_mb": result["peak_mb"],
            "exit": result["exit"]}


def breakdown(scenario: Path, root: Path) -> dict[str, float]:
    """The start split into phases, from one run under ``python -X importtime``."""
    shots = root / "shots-breakdown"
    launched = time.time()
    child = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bench.start_probe",
         *kiosk_args(scenario, root, shots)], cwd=REPO, capture_output=True, text=True,
        timeout=TIMEOUT_S, env={**os.environ, "SDL_VIDEODRIVER": "dummy",
                                "PYTHONPATH": str(REPO)})
    return phases(child.stderr.splitlines(), launched)


def phases(lines: list[str], launched: float) -> dict[str, float]:
    """Seconds of each phase up to the first frame, from the probe's and importtime's lines:
    imports are the outermost ones (nested ones are inside their cumulative time), and those
    made while the config loads count as imports, not as config."""
    marks: dict[str, float] = {}
    imports = config_imports = 0.0
    for line in lines:
        if line.startswith(MARK):
            phase, stamp = line[len(MARK):].split()
            marks.setdefault(phase, float(stamp))
        elif line.startswith("import time:") and "started" in marks and FIRST not in marks:
            _, cumulative, name = line.split("|")
            if not cumulative.strip().isdigit() or name[1:2] == " ":
                continue  # the header line, or an import nested in another
            seconds = int(cumulative) / 1e6
            imports += seconds
            if "config" in marks and "config-done" not in marks:
                config_imports += seconds
    if not {"started", "config", "config-done", FIRST} <= marks.keys():
        raise RuntimeError(f"the probe did not reach the first frame: {lines[-5:]}")
    total = marks[FIRST] - launched
    python = marks["started"] - launched
    config = marks["config-done"] - marks["config"] - config_imports
    return {"python_s": round(python, 3), "imports_s": round(imports, 3),
            "config_s": round(config, 3),
            "rest_s": round(total - python - imports - config, 3), "total_s": round(total, 3)}


def report(runs: list[dict[str, Any]], split: dict[str, float], warm_up: dict[str, Any],
           bytecode: bool) -> str:
    """The table for the README."""
    rows = [f"| {number} | {run['first_frame_s']} | {run['peak_mb']} |"
            for number, run in enumerate(runs, 1)]
    met = all(run["exit"] == 0 and run["first_frame_s"] is not None
              and run["first_frame_s"] <= TARGET_S and run["peak_mb"] <= TARGET_MB
              for run in runs)
    return "\n".join([
        f"Demo start to first frame and peak memory ({len(runs)} runs after a warm-up; "
        f"bytecode {'cached' if bytecode else 'compiled at each start'})",
        "", "| run | start to first frame (s) | peak memory (MB) |", "|---|---|---|", *rows, "",
        f"warm-up run: {warm_up['first_frame_s']} s, {warm_up['peak_mb']} MB",
        f"breakdown (one run under python -X importtime): python start-up "
        f"{split['python_s']} s, imports {split['imports_s']} s, config {split['config_s']} s, "
        f"kiosk assembled and first frame drawn {split['rest_s']} s; total {split['total_s']} s",
        f"targets (at most {TARGET_S} s and {TARGET_MB} MB in every run): "
        f"{'met' if met else 'NOT met'}"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.start",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="measured runs (default 3)")
    parser.add_argument("--scenario", type=Path, default=DEMO,
                        help="scenario to play (default: the demo)")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="compile the modules at each start, as without a bytecode cache")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if not args.no_bytecode:
            os.environ["PYTHONPYCACHEPREFIX"] = str(root / "bytecode")
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        scenario = with_first_shot(args.scenario, root)
        warm_up = one_run(scenario, root, 0)
        runs = [one_run(scenario, root, number) for number in range(1, args.runs + 1)]
        split = breakdown(scenario, root)
    print(report(runs, split, warm_up, not args.no_bytecode))
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "warm_up": warm_up,
                                         "breakdown": split}, indent=2), encoding="utf-8")
    return 0 if all(run["exit"] == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
