"""The catalog at hypermarket sizes: what start-up, validation, memory, a placement and an import
cost as the number of products grows.

For each size, a copy of the demo config with that many products (``bench.big_catalog``), then
each measure in a process of its own, whose peak memory is read from ``wait4``:

- ``kiosk validate``, cold (no compiled index in the data folder) and warm: wall time and peak
  memory;
- a headless scenario, cold and warm: start to first frame (the first screenshot written), peak
  memory, and placement to panel (the scenario's ``recognition_ms``);
- one price edit to the first frame that shows it, and the slowest frame meanwhile
  (``bench.reload``, three edits);
- ``kiosk import-catalog`` of a CSV of that many rows: wall time and peak memory.

Run from the repository root::

    /work/main/.venv/bin/python -m bench.catalog --products 1000,10000 [--json FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.big_catalog import gtin, write

REPO = Path(__file__).resolve().parent.parent
SCENARIO_HEAD = """
size: [1920, 1080]
locale: fr
steps:
  - {at: 0.0, screenshot: first}
"""
PLACEMENTS = 8
"""Products placed one after the other (each lifted before the next), from 1 s on: the first
second is the start's own work, not the catalog's."""


def scenario_text(products: int) -> str:
    """Place and lift ``PLACEMENTS`` products spread over the catalog."""
    steps = [SCENARIO_HEAD]
    for index in range(PLACEMENTS):
        code = gtin((index * 7919) % products)
        start = 1.0 + index
        steps.append(f"  - {{at: {start}, place: {{gtin: \"{code}\", x: 0.3, y: 0.7, "
                     "angle: 0}}\n"
                     f"  - {{at: {start + 0.7}, remove: {{gtin: \"{code}\"}}}}\n")
    steps.append(f"  - {{at: {PLACEMENTS + 1.0}, screenshot: last}}\n")
    return "".join(steps)


HEADER = ["gtin", "brand", "department", "price", "currency", "image", "name:fr", "name:en",
          "description:fr", "description:en", "spec:Poids:fr", "spec:Weight:en", "stock",
          "aisle", "online"]
TIMEOUT_S = 1800.0


def measured(command: list[str], first_file: Path | None = None) -> dict[str, float]:
    """Run ``command``; wall seconds, peak MB, and seconds until ``first_file`` appeared."""
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL,
                             env={**os.environ, "SDL_VIDEODRIVER": "dummy",
                                  "PYTHONPATH": str(REPO)})
    appeared = None
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if first_file is not None and appeared is None and first_file.exists():
            appeared = time.monotonic() - started
        if pid:
            break
        if time.monotonic() - started > TIMEOUT_S:
            child.kill()
        time.sleep(0.01)
    child.returncode = os.waitstatus_to_exitcode(status)
    result = {"s": round(time.monotonic() - started, 2), "peak_mb": round(usage.ru_maxrss / 1024),
              "exit": child.returncode}
    if first_file is not None:
        result["first_frame_s"] = round(appeared, 2) if appeared is not None else None
    return result


def p95(values: list[float | None]) -> float | None:
    """The 95th percentile of the placements' delays (None if one was never shown)."""
    if not values or any(value is None for value in values):
        return None
    ordered = sorted(value for value in values if value is not None)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def import_csv(path: Path, products: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for number in range(products):
            writer.writerow([gtin(5_000_000 + number), "Brand", "Épicerie", "3,50", "EUR",
                             "products/nocta-450-1.png", f"Produit {number}",
                             f"Product {number}", "Un produit.", "A product.", "1 kg", "1 kg",
                             str(number % 40), "A1", "oui"])
    return path


def one_size(products: int, root: Path) -> dict[str, object]:
    sizes = write(root, products, max(1, products // 2500))
    kiosk = [sys.executable, "-m", "kiosk"]
    config, data = root / "config", root / "data"
    validate = {"cold": measured([*kiosk, "validate", "--config", str(config), "--data",
                                  str(root / "validate-data")]),
                "warm": measured([*kiosk, "validate", "--config", str(config), "--data",
                                  str(root / "validate-data")])}
    scenario = root / "bench.yaml"
    scenario.write_text(scenario_text(products), encoding="utf-8")
    runs: dict[str, dict[str, object]] = {}
    for kind in ("cold", "warm"):
        shots, stats = root / f"shots-{kind}", root / f"stats-{kind}.json"
        runs[kind] = measured([*kiosk, "simulate", "--headless", "--config", str(config),
                               "--data", str(data), "--scenario", str(scenario),
                               "--screenshots", str(shots), "--stats", str(stats)],
                              shots / "first.png")
        runs[kind]["placement_to_panel_ms"] = (p95(json.loads(stats.read_text())[
            "recognition_ms"]) if stats.exists() else None)
    edit = subprocess.run([sys.executable, "-m", "bench.reload", "--count", "3", "--products",
                           str(products)], cwd=REPO, capture_output=True, text=True,
                          timeout=TIMEOUT_S, env={**os.environ, "SDL_VIDEODRIVER": "dummy"})
    reload = json.loads(edit.stdout.splitlines()[-1]) if edit.returncode == 0 else {
        "error": edit.stderr.strip().splitlines()[-1:]}
    source = import_csv(root / "import.csv", products)
    imported = measured([*kiosk, "import-catalog", str(source), "--config", str(config),
                         "--data", str(data)])
    return {"products": products, "catalog_mb": sizes["total_mb"], "validate": validate,
            "headless": runs, "edit_to_screen": reload, "import": imported}


def table_row(row: dict[str, Any]) -> str:
    """One line of the README's table."""
    validate, runs, edit, imported = (row["validate"], row["headless"], row["edit_to_screen"],
                                      row["import"])
    cold, warm = runs["cold"], runs["warm"]
    edited = (f"{edit['p50_ms'] / 1000:.2f}–{edit['max_ms'] / 1000:.2f} "
              f"({edit['slowest_frame_ms']})" if "p50_ms" in edit else "failed")
    return (f"| {row['products']:,} | {validate['cold']['s']} / {validate['warm']['s']} "
            f"({max(validate['cold']['peak_mb'], validate['warm']['peak_mb'])}) "
            f"| {cold.get('first_frame_s')} / {warm.get('first_frame_s')} "
            f"| {max(cold['peak_mb'], warm['peak_mb'])} "
            f"| {cold['placement_to_panel_ms']} / {warm['placement_to_panel_ms']} | {edited} "
            f"| {imported['s']} / {imported['peak_mb']} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--products", default="1000,10000",
                        help="comma-separated sizes (default 1000,10000)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows = []
    print("| products | validate cold / warm s (peak MB) | first frame cold / warm s | headless "
          "peak MB | placement to panel ms | edit to screen s (slowest frame ms) | import s / "
          "MB |\n|---|---|---|---|---|---|---|")
    for products in (int(size) for size in args.products.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            row = one_size(products, Path(folder))
        rows.append(row)
        print(table_row(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
