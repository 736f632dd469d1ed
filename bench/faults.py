"""Faults on the data disk and dead processes, timed: how long until what a shopper was promised
is delivered again, and what was lost (nothing, is the target).

Run from the repository root, as root (the disks are small tmpfs mounts)::

    /work/main/.venv/bin/python -m bench.faults [--json FILE]

Each row is one fault played for real on this machine: a 2 MB tmpfs filled to the last byte or
remounted read-only, a damaged outbox, a delivery killed with -9 between its steps. The webhook
is a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.analytics.log import EventLog
from kiosk.config.handoff import SmsWebhook
from kiosk.handoff.outbox.senders import WebhookSender
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.outbox.worker import OutboxWorker
from tests.faults.disks import fill, set_read_only, small_disk
from tests.faults.test_delivery_kills import CHILD
from tests.faults.test_storage_faults import damage_an_index
from tests.handoff.servers import WebhookServer

REPO = Path(__file__).resolve().parent.parent
PHONE = "+33612345678"
FAULT_S = 10.0
Row = dict[str, object]


def wait_for(condition: Callable[[], bool], timeout: float) -> float | None:
    """Seconds until ``condition`` held, None if it did not within ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.02)
    return None


def sent(outbox: Outbox) -> bool:
    try:
        return all(message.state == "sent" for message in outbox.messages())
    except sqlite3.Error:
        return False


def disk_fault(root: Path, webhook: WebhookServer, read_only: bool) -> Row:
    """A worker running while its disk is full (or read-only) for FAULT_S seconds, with one
    SMS waiting and one more asked for during the fault."""
    with small_disk(root / ("ro" if read_only else "full")) as data:
        outbox = Outbox(data / "outbox.sqlite3")
        outbox.enqueue("sms", PHONE, "s", "t", "https://s.example/p")
        if read_only:  # a disk remounted read-only under a kiosk that then restarts
            outbox.close()
            set_read_only(data, True)
            outbox = Outbox(data / "outbox.sqlite3")
        else:
            ballast = fill(data)
        worker = OutboxWorker(outbox, {"sms": WebhookSender(SmsWebhook(
            provider="webhook", url=webhook.url, token_env="KIOSK_BENCH_SMS"))})
        webhook.answer(*[500] * 1000)  # the provider is down during the fault
        worker.start()
        refused = 0
        try:
            outbox.enqueue("sms", PHONE, "s", "t", "https://s.example/p")
        except sqlite3.Error:
            refused = 1
        time.sleep(FAULT_S)
        problem = outbox.problem
        during = sent(outbox)
        with webhook._lock:
            webhook.answers.clear()
        if read_only:
            set_read_only(data, False)
        else:
            ballast.unlink()
        recovered_s = wait_for(lambda: sent(outbox) and outbox.problem is None, 120.0)
        messages = outbox.messages()
        worker.stop()
        outbox.close()
        aside = list(data.glob("*.corrupt-*"))
    fault = "read-only disk" if read_only else "full disk"
    return {"fault": f"{fault} for {FAULT_S:.0f} s, one SMS waiting, one asked for during it",
            "kiosk": f"state '{problem}'; the new SMS refused ({refused}), the waiting one "
                     f"kept; files set aside: {len(aside)}",
            "figure": _outcome(during, recovered_s, messages)}


def _outcome(during: bool, recovered_s: float | None, messages: list) -> str:
    if recovered_s is None:
        return "NOT delivered within 120 s"
    when = ("sent during the fault (the write-ahead log had room)" if during
            else f"delivered {recovered_s:.1f} s after the disk came back")
    return (f"{when}; {sum(m.state == 'sent' for m in messages)}/{len(messages)} sent, "
            f"recipients left {sum(m.recipient is not None for m in messages)}")


def events_on_full_disk(root: Path) -> Row:
    with small_disk(root / "events") as data:
        events = EventLog(data / "events.sqlite3")
        ballast = fill(data)
        for _ in range(10_000):
            events.record("section", value="reviews")
        time.sleep(FAULT_S)
        problem = events.problem
        ballast.unlink()
        started = time.monotonic()
        events.flush(120.0)
        written_s = time.monotonic() - started
        events.close()
        with sqlite3.connect(data / "events.sqlite3") as conn:
            count = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        conn.close()
    return {"fault": f"10,000 events recorded on a full disk, {FAULT_S:.0f} s",
            "kiosk": f"state '{problem}'; events wait in memory",
            "figure": f"{count:,}/10,000 written {written_s:.1f} s after space came back"}


def damaged_outbox(root: Path) -> Row:
    path = root / "damaged" / "outbox.sqlite3"
    outbox = Outbox(path)
    for _ in range(200):
        outbox.enqueue("sms", PHONE, "s", "t", "https://s.example/p")
    outbox.close()
    damage_an_index(path)
    started = time.monotonic()
    again = Outbox(path)
    opened_ms = 1000 * (time.monotonic() - started)
    waiting = len(again.due(limit=1000))
    again.close()
    copies = list(path.parent.glob("*.corrupt-*"))
    return {"fault": "outbox with a damaged index (SQLite: malformed), 200 SMS waiting",
            "kiosk": "set aside, rows copied into a fresh file, the damaged copy deleted "
                     f"({len(copies)} left)",
            "figure": f"{waiting}/200 recovered in {opened_ms:.0f} ms"}


def killed_delivery(root: Path, webhook: WebhookServer, stop_at: str) -> Row:
    data = root / f"kill-{stop_at}"
    data.mkdir()
    outbox = Outbox(data / "outbox.sqlite3")
    outbox.enqueue("sms", PHONE, "s", "t", "https://s.example/p")
    outbox.close()
    before = len(webhook.received())
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(data), webhook.url, stop_at],
                             cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    wait_for(lambda: (data / stop_at).exists(), 30.0)
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    outbox = Outbox(data / "outbox.sqlite3")
    worker = OutboxWorker(outbox, {"sms": WebhookSender(SmsWebhook(
        provider="webhook", url=webhook.url, token_env="KIOSK_BENCH_SMS"))})
    started = time.monotonic()
    worker.flush()
    took_ms = 1000 * (time.monotonic() - started)
    done = sent(outbox)
    outbox.close()
    posts = len(webhook.received()) - before
    return {"fault": f"kill -9 of a delivering process, {stop_at.replace('sent', 'answered')}",
            "kiosk": "the lease of a dead process is taken over at once (it was 5 min)",
            "figure": f"{'sent' if done else 'NOT sent'} by the next process in "
                      f"{took_ms:.0f} ms; provider saw it {posts}x (same idempotency key)"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__)
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("bench.faults mounts small tmpfs disks: run it as root")
        return 2
    os.environ["KIOSK_BENCH_SMS"] = os.environ["KIOSK_TEST_SMS"] = "token"
    webhook = WebhookServer()
    webhook.start()
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            rows.append(disk_fault(root, webhook, read_only=False))
            rows.append(disk_fault(root, webhook, read_only=True))
            rows.append(events_on_full_disk(root))
            rows.append(damaged_outbox(root))
            for step in ("claimed", "sent", "marked"):
                rows.append(killed_delivery(root, webhook, step))
    finally:
        webhook.stop()
    print("| fault | what the kiosk does | figure |\n|---|---|---|")
    for row in rows:
        print(f"| {row['fault']} | {row['kiosk']} | {row['figure']} |")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this run: {peak_mb:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
