"""A chain's tables syncing its content from one server on 127.0.0.1: how long until every
table shows a new version, what each one downloads, and whether any table ever shows content
that is broken or was never published as valid (none, is the target), through an outage, a
corrupt file, a foreign signature, a cut download and a shopper at one table.

Each table is the real ``SyncClient`` and ``SyncWorker`` (no screen), with its own data folder
and ``store.yaml``; a scheduler calls each table's ``SyncWorker.step()`` every ``STEP_S`` on a
small thread pool, and after every step looks at what the table would show. The content is
the demo store made light (``bench.fleet_content``).

Columns: tables showing the version at the end; seconds from the publish (the manifest
written) to each table's switch; bytes of the files each table fetched, checked and kept;
this process's CPU over the tables (the sync's work and the bench's looking; moto's too with
``--dest s3``); failed rounds by cause; tables seen showing broken content. 500 tables on two
cores queue for the CPU: the notes say when steps ran late, and then the times measure this
machine more than the sync.

Run from the repository root::

    .venv/bin/python -m bench.fleet --tables 500 [--dest folder|s3] [--interval 5]
        [--json]

500 tables take about 5 minutes on two cores; ``--tables 20`` about 1 min 45 s, most of it the
scenarios' own waits (an outage of 30 s, faults of 10 s): ``--down-s 10 --fault-s 5`` makes a
check run of about 70 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import os
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.fleet_content import (
    Chain,
    CountingClient,
    FolderOrigin,
    Origin,
    S3Origin,
    ValidationCache,
    light_copy,
    reprice,
    settings_digest,
    table_store,
    whole,
)
from kiosk.config.fleet import SyncSettings
from kiosk.fleet.manifest import FileEntry
from kiosk.fleet.sync import RoundResult
from kiosk.fleet.worker import SyncWorker

STEP_S = 0.5
"""How often each table's worker looks (the kiosk's own loop looks every second)."""
WORKERS = 16
TICK_S = 0.05
SHM = Path("/dev/shm")
"""Memory, not the disk: each table fsyncs every file and its state, and 500 tables sharing
one disk would measure its fsyncs, where each real table has a disk of its own."""
ERRORS = {"signature": "foreign key", "does not match": "bad file", "cut off": "cut",
          "unreachable": "unreachable", "answered": "HTTP error", "data folder": "disk"}
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's when there is one: 500 tables' store.yaml written in a tenth of the time."""
Row = dict[str, Any]


@dataclass
class Table:
    index: int
    client: CountingClient
    worker: SyncWorker
    active: str | None = None
    checked: str | None = None
    """The active version last found whole; looked at again after a round or a switch (a
    step that does neither changes nothing on the table's disk)."""
    next_step: float = 0.0
    running: bool = False
    fetched: set[str] = field(default_factory=set)


@dataclass
class Tally:
    """What the tables did during one scenario (times are ``time.monotonic``)."""

    name: str
    tables: int
    target: str | None = None
    published_at: float = 0.0
    hold_until: float = 0.0
    """Until then no table may switch: a fault is on, or the manifest is foreign."""
    switched: dict[int, float] = field(default_factory=dict)
    ready: dict[int, float] = field(default_factory=dict)
    """When a table had the target ready but did not switch to it (a busy table)."""
    cpu_s: float = field(default_factory=time.process_time)
    bytes: list[int] = field(default_factory=list)
    rounds: int = 0
    refetched: int = 0
    """Files a table fetched again though it had fetched them before (0, is the target)."""
    errors: Counter[str] = field(default_factory=Counter)
    refusing: set[int] = field(default_factory=set)
    broken: dict[int, str] = field(default_factory=dict)
    early: set[int] = field(default_factory=set)
    late: list[float] = field(default_factory=list)
    """How late each step ran (the bench's own load: with it high, times grow)."""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bytes = [0] * self.tables


class Fleet:
    """The tables, the scheduler stepping them, and what each step showed."""

    def __init__(self, root: Path, config: Path, url: str, key: Ed25519PrivateKey,
                 count: int, interval_s: float) -> None:
        self.valid: dict[str, Mapping[str, FileEntry]] = {}
        """Each version published with the chain's key, and its files."""
        self.publishing = False
        self.busy_until: dict[int, float] = {}
        """A table with a product on it until then: its ``idle()`` is False."""
        self.broken: set[int] = set()
        self.cache = ValidationCache()
        self.tally = Tally("setup", count)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="table")
        self._scheduler = threading.Thread(target=self._schedule, name="fleet", daemon=True)
        demo = yaml.safe_load((config / "store.yaml").read_text(encoding="utf-8"))
        self.tables = [self._table(root, demo, url, key, index, interval_s)
                       for index in range(count)]

    def _table(self, root: Path, demo: dict[str, Any], url: str, key: Ed25519PrivateKey,
               index: int, interval_s: float) -> Table:
        store_id = f"store-{index + 1:03d}"
        own, data = root / store_id / "config", root / store_id / "data"
        own.mkdir(parents=True)
        mine = table_store(demo, store_id, url, key, interval_s)
        (own / "store.yaml").write_text(yaml.dump(mine, Dumper=DUMPER, allow_unicode=True),
                                        encoding="utf-8")
        settings = SyncSettings.model_validate(mine["fleet"]["sync"])
        client = CountingClient(settings, store_id, data, own / "store.yaml",
                                self.cache.validator(data, settings_digest(mine)),
                                on_round=lambda result: self._round(index, result),
                                on_file=lambda entry: self._file(index, entry))
        idle = lambda: time.monotonic() >= self.busy_until.get(index, 0.0)  # noqa: E731
        return Table(index, client, SyncWorker(client, settings, idle, lambda since: True))

    def start(self) -> None:
        now = time.monotonic()
        for table in self.tables:
            table.next_step = now
        self._scheduler.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._scheduler.is_alive():
            self._scheduler.join(10)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _schedule(self) -> None:
        while not self._stopping.is_set():
            now = time.monotonic()
            for table in self.tables:
                if not table.running and now >= table.next_step:
                    table.running = True
                    self._pool.submit(self._step, table)
            self._stopping.wait(TICK_S)

    def _step(self, table: Table) -> None:
        """One ``SyncWorker.step()``, then a look at what the table would show."""
        client, tally = table.client, self.tally
        tally.late.append(time.monotonic() - table.next_step)
        try:
            rounds_before = client.state.last_round_at
            try:
                table.worker.step()
            except Exception as exc:  # what SyncWorker._run does with it: note, back off
                with self._lock:
                    tally.errors[f"exception {type(exc).__name__}: {exc}"[:120]] += 1
                table.worker._next_round = time.monotonic() + table.worker._delay(failed=True)
            active = client.store.active_version()
            target = tally.target
            if target and client.state.ready == target and table.index not in tally.ready:
                tally.ready[table.index] = time.monotonic()
            if active != table.active:
                now = time.monotonic()
                table.active = active
                with self._lock:
                    if now < tally.hold_until or now < self.busy_until.get(table.index, 0.0):
                        tally.early.add(table.index)
                    if target and active == target:
                        tally.switched[table.index] = now
            if client.state.last_round_at != rounds_before or active != table.checked:
                self._check(table, active, tally)
        finally:
            table.next_step = time.monotonic() + STEP_S
            table.running = False

    def _check(self, table: Table, active: str | None, tally: Tally) -> None:
        """Broken content: an active version never published as valid, or one not whole."""
        if active is None:
            table.checked = None
            return
        files = self.valid.get(active)
        if files is None and self.publishing:  # published a moment ago: next step
            return
        problem = (f"active version {active} was never published as valid" if files is None
                   else whole(table.client.store.current, files))
        if problem is not None:
            with self._lock:
                tally.broken.setdefault(table.index, problem)
                self.broken.add(table.index)
        table.checked = active

    def _file(self, index: int, entry: FileEntry) -> None:
        table = self.tables[index]
        with self._lock:
            self.tally.bytes[index] += entry.size
            if entry.sha256 in table.fetched:
                self.tally.refetched += 1
            table.fetched.add(entry.sha256)

    def _round(self, index: int, result: RoundResult) -> None:
        with self._lock:
            tally = self.tally
            tally.rounds += 1
            if result.error is not None:
                tally.errors[next((kind for text, kind in ERRORS.items()
                                   if text in result.error), "other")] += 1
                if "signature" in result.error:
                    tally.refusing.add(index)

    def on(self, version: str | None) -> int:
        return sum(table.active == version for table in self.tables)


@dataclass
class Run:
    """The scenarios, in order, each a row."""

    fleet: Fleet
    chain: Chain
    interval_s: float
    fault_s: float
    down_s: float
    rows: list[Row] = field(default_factory=list)

    def publish(self, tally: Tally, key: Ed25519PrivateKey | None = None) -> str:
        self.fleet.publishing = True
        try:
            version, files = self.chain.publish(key)
            if files is not None:
                self.fleet.valid[version] = files
        finally:
            self.fleet.publishing = False
        tally.published_at = time.monotonic()
        return version

    def begin(self, name: str) -> Tally:
        tally = Tally(name, len(self.fleet.tables))
        self.fleet.tally = tally
        self._served = self.chain.origin.served()
        return tally

    def converge(self, tally: Tally, first: bool = False) -> None:
        """Wait until every table shows the target; the first publish brings every file."""
        tables = len(self.fleet.tables)
        limit = 60 + 0.5 * tables if first else 3 * self.interval_s + 30 + 0.05 * tables
        deadline = time.monotonic() + limit
        while self.fleet.on(tally.target) < tables and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.fleet.on(tally.target) < tables:
            tally.notes.append(f"NOT converged within {limit:.0f} s")

    def finish(self, tally: Tally, *, kept: str | None = None) -> Row:
        """The scenario's row; ``kept``: the version tables had to keep (a refused one)."""
        times = sorted(max(0.0, tally.switched.get(table.index, 0.0) - tally.published_at)
                       for table in self.fleet.tables if table.active == tally.target)
        now, then = self.chain.origin.served(), self._served
        row: Row = {
            "scenario": tally.name, "tables": tally.tables,
            "converged": self.fleet.on(kept or tally.target), "version": kept or tally.target,
            "converge_s": {"p50": pct(times, 0.5), "p95": pct(times, 0.95),
                           "max": pct(times, 1.0)},
            "bytes_per_table": round(sum(tally.bytes) / tally.tables),
            "files_fetched_again": tally.refetched, "rounds": tally.rounds,
            "cpu_ms_per_table": round(1000 * (time.process_time() - tally.cpu_s) / tally.tables),
            "error_rounds": sum(tally.errors.values()), "errors": dict(tally.errors),
            "tables_refusing": len(tally.refusing), "switched_while_held": len(tally.early),
            "step_late_p95_s": pct(sorted(tally.late), 0.95), "broken": len(tally.broken),
            "broken_examples": dict(list(tally.broken.items())[:3]),
            "server_requests": now[0] - then[0] if now and then else None,
            "server_bytes": now[1] - then[1] if now and then else None, "notes": tally.notes}
        if tally.refetched:
            tally.notes.append(f"{tally.refetched} files fetched again")
        if (late := row["step_late_p95_s"] or 0) > STEP_S:
            tally.notes.append(f"the bench was saturated: steps late by {late} s (p95)")
        self.rows.append(row)
        return row

    def first_publish(self) -> Row:
        tally = self.begin("1. first publish")
        tally.target = self.publish(tally)
        self.fleet.start()
        self.converge(tally, first=True)
        return self.finish(tally)

    def update(self) -> Row:
        tally = self.begin("2. one image and one price changed")
        image, catalog = self.chain.retouch(), reprice(self.chain.config)
        tally.target = self.publish(tally)
        self.converge(tally)
        sizes = image.stat().st_size, catalog.stat().st_size
        tally.notes.append(f"the two files: {image.name} {sizes[0]:,} B + {catalog.name} "
                           f"{sizes[1]:,} B = {sum(sizes):,} B")
        return self.finish(tally)

    def outage(self) -> Row:
        tally = self.begin(f"3. publish, then the server down {self.down_s:.0f} s")
        self.chain.retouch()
        tally.target = self.publish(tally)
        self.chain.origin.down()
        early = self.fleet.on(tally.target)
        time.sleep(self.down_s)
        self.chain.origin.up()
        self.converge(tally)
        tally.notes.append(f"{early} had it before the server went down")
        return self.finish(tally)

    def bad_file(self, fault: str) -> Row:
        tally = self.begin(f"{4 if fault == 'corrupt' else 6}. a {fault} file for "
                           f"{self.fault_s:.0f} s")
        image = self.chain.retouch()
        data = image.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if fault == "corrupt":
            self.chain.origin.corrupt(sha, data)
        else:
            self.chain.origin.cut(sha)
        tally.hold_until = math.inf
        tally.target = self.publish(tally)
        time.sleep(self.fault_s)
        self.chain.origin.heal(sha, data)
        tally.hold_until = 0.0
        self.converge(tally)
        tally.notes.append(f"{len(tally.early)} switched during the fault")
        return self.finish(tally)

    def foreign_key(self) -> Row:
        tally = self.begin("5. a manifest signed with another key")
        kept = self.fleet.tables[0].active
        self.chain.retouch()
        tally.hold_until = math.inf
        tally.target = self.publish(tally, Ed25519PrivateKey.generate())
        time.sleep(2 * self.interval_s * 1.2 + 1)
        tally.notes.append(f"{len(tally.refusing)} tables refused it, "
                           f"{tally.errors['foreign key']} times; {len(tally.early)} switched")
        return self.finish(tally, kept=kept)

    def busy_table(self) -> Row:
        tally = self.begin(f"7. a product on one table for {self.fault_s:.0f} s")
        self.fleet.busy_until[0] = math.inf
        self.chain.retouch()
        reprice(self.chain.config)
        tally.target = self.publish(tally)
        self.fleet.busy_until[0] = tally.published_at + self.fault_s
        self.converge(tally)
        ready, busy = tally.ready.get(0), tally.switched.get(0)
        tally.notes.append(
            "the busy table had it ready at "
            + (f"{max(0.0, ready - tally.published_at):.1f} s" if ready else "–")
            + ", switched at "
            + (f"{busy - tally.published_at:.1f} s" if busy else "never")
            + f"; {len(tally.early)} switched while busy")
        return self.finish(tally)

    def all(self) -> list[tuple[str, Callable[[], Row]]]:
        return [("first", self.first_publish), ("update", self.update),
                ("outage", self.outage), ("corrupt", lambda: self.bad_file("corrupt")),
                ("foreign", self.foreign_key), ("cut", lambda: self.bad_file("cut")),
                ("busy", self.busy_table)]


def pct(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile of sorted ``values``, to 0.1 s."""
    if not values:
        return None
    return round(values[min(len(values) - 1, round(fraction * (len(values) - 1)))], 1)


HEADER = ("| scenario | converged | to converge p50 / p95 / max s | bytes/table | CPU ms/table "
          "| rounds with errors | broken | notes |\n|---|---|---|---|---|---|---|---|")


def line(row: Row) -> str:
    """The row as a line of the printed table."""
    if "skipped" in row:
        return f"| {row['scenario']} | n/a | | | | | | {row['skipped']} |"
    shown = " / ".join("–" if value is None else f"{value:.1f}"
                       for value in row["converge_s"].values())
    errors = ", ".join(f"{kind} {count}" for kind, count in row["errors"].items())
    return (f"| {row['scenario']} | {row['converged']}/{row['tables']} | {shown} "
            f"| {row['bytes_per_table']:,} | {row['cpu_ms_per_table']} | {row['error_rounds']}"
            f"{f' ({errors})' if errors else ''} | {row['broken']} | {'; '.join(row['notes'])} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--dest", choices=("folder", "s3"), default="folder")
    parser.add_argument("--interval", type=float, default=5.0,
                        help="each table's fleet.sync.interval_s (at least 5)")
    parser.add_argument("--fault-s", type=float, default=10.0,
                        help="how long a bad file or a busy table lasts (default 10)")
    parser.add_argument("--down-s", type=float, default=30.0,
                        help="how long the server is down in scenario 3 (default 30)")
    parser.add_argument("--tmp", type=Path, default=SHM if SHM.is_dir() else None,
                        help=f"where the tables' folders go (default {SHM} when there is one)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args(argv)
    for noisy in ("werkzeug", "kiosk"):  # a failed round logs a warning, 500 tables at once
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # a connection per table
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    started = time.monotonic()
    say: Callable[[str], None] = ((lambda text: None) if args.json
                                  else (lambda text: print(text, flush=True)))
    with tempfile.TemporaryDirectory(prefix="bench-fleet-", dir=args.tmp) as folder:
        root = Path(folder)
        config, media = light_copy(root / "chain")
        origin: Origin = FolderOrigin(root / "cdn") if args.dest == "folder" else S3Origin()
        key = Ed25519PrivateKey.generate()
        try:
            fleet = Fleet(root / "tables", config, origin.manifest_url, key, args.tables,
                          args.interval)
            run = Run(fleet, Chain(config, media, key, origin), args.interval,
                      args.fault_s, args.down_s)
            say(f"{args.tables} tables syncing from {args.dest} ({origin.manifest_url}), "
                f"interval {args.interval:g} s, set up in {time.monotonic() - started:.0f} s"
                f"\n\n{HEADER}")
            try:
                for name, scenario in run.all():
                    if name == "cut" and not origin.can_cut:
                        run.rows.append({"scenario": "6. a cut download", "tables": args.tables,
                                         "skipped": "moto cannot cut a download"})
                    else:
                        scenario()
                    say(line(run.rows[-1]))
            finally:
                fleet.stop()
        finally:
            origin.close()
    played = [row for row in run.rows if "skipped" not in row]
    broken = len(fleet.broken)
    converged = all(row["converged"] == row["tables"] for row in played)
    runs = fleet.cache.runs
    summary = {
        "tables": args.tables, "dest": args.dest, "interval_s": args.interval,
        "wall_s": round(time.monotonic() - started, 1), "broken_total": broken,
        "all_converged": converged, "validations": len(runs),
        "validation_s": round(sum(runs) / max(1, len(runs)), 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "scenarios": run.rows}
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print(f"\n{args.tables} tables from {args.dest}: {len(played)} scenarios, "
              f"{'all' if converged else 'NOT all'} converged, {broken} tables showed broken "
              f"content; {len(runs)} validations of {summary['validation_s']} s, peak "
              f"{summary['peak_mb']} MB, {summary['wall_s']:.0f} s in all")
    return 0 if broken == 0 and converged else 1


if __name__ == "__main__":
    sys.exit(main())
