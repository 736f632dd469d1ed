"""The catalog at hypermarket sizes: what start-up, validation, memory, a placement and an import
cost as the number of products grows.

For each size, a copy of the demo config with that many products (``bench.big_catalog``), then
each measure in a process of its own, whose peak memory is read from ``wait4``:

- ``kiosk validate``: wall time and peak memory;
- a headless scenario: start to first frame (the first screenshot written), peak memory, and
  placement to panel (the scenario's ``recognition_ms``);
- ``kiosk import-catalog`` of a CSV of that many rows: wall time and peak memory.

The catalog has no compiled index yet, so a cold and a warm start are the same. Run from the
repository root::

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

from bench.big_catalog import gtin, write

REPO = Path(__file__).resolve().parent.parent
SCENARIO = """
size: [1920, 1080]
locale: fr
steps:
  - {at: 0.0, screenshot: first}
  - {at: 0.2, place: {gtin: "%s", x: 0.3, y: 0.7, angle: 0}}
  - {at: 1.2, screenshot: placed}
"""
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
    config = root / "config"
    validate = measured([*kiosk, "validate", "--config", str(config)])
    scenario = root / "bench.yaml"
    scenario.write_text(SCENARIO % gtin(products // 2), encoding="utf-8")
    shots, stats = root / "shots", root / "stats.json"
    run = measured([*kiosk, "simulate", "--headless", "--config", str(config), "--data",
                    str(root / "data"), "--scenario", str(scenario), "--screenshots",
                    str(shots), "--stats", str(stats)], shots / "first.png")
    recognition = json.loads(stats.read_text())["recognition_ms"] if stats.exists() else None
    source = import_csv(root / "import.csv", products)
    imported = measured([*kiosk, "import-catalog", str(source), "--config", str(config)])
    return {"products": products, "catalog_mb": sizes["total_mb"], "validate": validate,
            "headless": run, "placement_to_panel_ms": recognition, "import": imported}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--products", default="1000,10000",
                        help="comma-separated sizes (default 1000,10000)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows = []
    print("| products | catalog MB | validate s / MB | start to first frame s | headless peak "
          "MB | placement to panel ms | import s / MB |\n|---|---|---|---|---|---|---|")
    for products in (int(size) for size in args.products.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            row = one_size(products, Path(folder))
        rows.append(row)
        validate, run, imported = row["validate"], row["headless"], row["import"]
        print(f"| {products:,} | {row['catalog_mb']} | {validate['s']} / {validate['peak_mb']} "
              f"| {run.get('first_frame_s')} | {run['peak_mb']} | {row['placement_to_panel_ms']} "
              f"| {imported['s']} / {imported['peak_mb']} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
