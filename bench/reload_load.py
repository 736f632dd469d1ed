"""A reload of a big catalog while a frame loop runs: how long it takes, what frames it costs.

A copy of the demo config with a hypermarket-sized catalog (``bench.big_catalog``), the real
``ConfigWatcher``, and in the same process a stand-in for the frame loop: 60 frames a second,
each a few milliseconds of Python and pygame work. The catalog is compiled first (as a table's
first start does), then one catalog file is touched; the loop runs until the watcher hands the
result over, then while the new catalog is opened off the frame loop (as ``App`` does before it
swaps the new config in), and the frame intervals before, during the reload and during the
opening are compared.

Run from the repository root:
    .venv/bin/python -m bench.reload_load --products 100000 --departments 40
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pygame

from bench.big_catalog import write
from kiosk.catalog.catalog import Catalog
from kiosk.config import load_config
from kiosk.config.watcher import ConfigWatcher, Reloaded

FRAME_S = 1 / 60


def _frame_work(surface: pygame.Surface, index: int) -> None:
    """About what a quiet kiosk frame costs: some Python, a fill and a few blits."""
    total = 0
    for value in range(6000):
        total += value * index % 7
    surface.fill((index % 255, 40, 40))
    tile = pygame.Surface((200, 200))
    for position in range(20):
        surface.blit(tile, (position * 40, position * 20))


def _summary(intervals: list[float]) -> dict[str, float]:
    if not intervals:
        return {}
    ordered = sorted(intervals)
    return {"frames": len(intervals),
            "fps": round(len(intervals) / sum(intervals), 1),
            "p50_ms": round(statistics.median(intervals) * 1000, 1),
            "p99_ms": round(ordered[int(len(ordered) * 0.99)] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1),
            "over_25ms": sum(1 for interval in intervals if interval > 0.025)}


def _frames(surface: pygame.Surface, until: float, watcher: ConfigWatcher | None,
            found: list[object], indexing: Future[Catalog] | None = None) -> list[float]:
    """Run frames until ``until`` (or, with a watcher, until it hands a result over; with an
    index being built, until it is ready)."""
    intervals: list[float] = []
    last = time.perf_counter()
    deadline = last
    index = 0
    while time.perf_counter() < until:
        _frame_work(surface, index)
        index += 1
        if watcher is not None and (results := watcher.results()):
            found.extend(results)
            break
        if indexing is not None and indexing.done():
            break
        deadline += FRAME_S
        pause = deadline - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        else:
            deadline = time.perf_counter()
        now = time.perf_counter()
        intervals.append(now - last)
        last = now
    return intervals


def run(products: int, departments: int, timeout: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sizes = write(root, products, departments)
        pygame.init()
        surface = pygame.Surface((1920, 1080))
        compiled = time.perf_counter()
        load_config(root / "config", data_dir=root / "data")
        compiled = time.perf_counter() - compiled
        watcher = ConfigWatcher(root / "config", root / "media", poll_s=0.2,
                                index_dir=root / "data")
        watcher.start()
        try:
            quiet = _frames(surface, time.perf_counter() + 5.0, None, [])
            target = root / "config" / "catalog" / "dept-000.yaml"
            with target.open("a", encoding="utf-8") as handle:
                handle.write("# touched\n")
            saved = time.perf_counter()
            found: list[object] = []
            during = _frames(surface, saved + timeout, watcher, found)
            took = time.perf_counter() - saved
            indexing: list[float] = []
            if found and isinstance(found[0], Reloaded):
                with ThreadPoolExecutor(max_workers=1) as indexer:
                    index = indexer.submit(Catalog.from_config, found[0].config)
                    indexing = _frames(surface, time.perf_counter() + timeout, None, [], index)
                    indexed = len(index.result())
        finally:
            watcher.stop(timeout=5.0)
            pygame.quit()
    outcome = ("reloaded" if found and isinstance(found[0], Reloaded)
               else str(found[0])[:200] if found else "no result")
    return {"catalog": sizes, "first_compile_s": round(compiled, 1),
            "reload_s": round(took, 1), "outcome": outcome,
            "frames_quiet": _summary(quiet), "frames_during_reload": _summary(during),
            "frames_while_indexing": _summary(indexing),
            "indexed_products": indexed if indexing else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    print(json.dumps(run(args.products, args.departments, args.timeout)))


if __name__ == "__main__":
    main()
