"""The event log: validated events, committed off the caller's thread, kept for the retention."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.analytics import log as log_module
from kiosk.analytics.log import DAY_S, KINDS, EventLog, device_label
from tests.handoff.servers import wait_until
from tests.paths import REPO

GTIN = "3760000000017"


@pytest.fixture
def events(tmp_path: Path) -> Iterator[EventLog]:
    log = EventLog(tmp_path / "events.sqlite3")
    yield log
    log.close()


def rows(path: Path, columns: str = "kind, session, gtin, value, number") -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT {columns} FROM events ORDER BY id").fetchall()


def test_recorded_events_are_rows_once_flushed(events: EventLog) -> None:
    events.record("session_start", session="s1")
    events.record("placed", session="s1", gtin=GTIN)
    events.record("removed", session="s1", gtin=GTIN, number=12.5)
    events.record("send", session="s1", value="sms")
    assert events.flush(5.0)
    assert events.depth == 0
    assert rows(events.path) == [
        ("session_start", "s1", None, None, None),
        ("placed", "s1", "0" + GTIN, None, None),  # GTIN-14, as the catalog keys products
        ("removed", "s1", "0" + GTIN, None, 12.5),
        ("send", "s1", None, "sms", None),
    ]
    (forwarded,) = {row[0] for row in rows(events.path, "forwarded")}
    assert forwarded == 0


def test_every_kind_is_accepted(events: EventLog) -> None:
    for kind in KINDS:
        events.record(kind)
    assert events.flush(5.0)
    assert [row[0] for row in rows(events.path)] == list(KINDS)


@pytest.mark.parametrize("kind", ["click", "", "PLACED", "placed "])
def test_unknown_kinds_are_refused(events: EventLog, kind: str) -> None:
    with pytest.raises(ValueError, match="unknown event kind"):
        events.record(kind)


@pytest.mark.parametrize("gtin", ["376000000001x", "+33612345678", "jane@example.com", " 123",
                                  "١٢٣", ""])
def test_a_gtin_is_digits_only(events: EventLog, gtin: str) -> None:
    with pytest.raises(ValueError, match="digits only"):
        events.record("placed", gtin=gtin)
    assert events.depth == 0


def test_labels_are_cut_to_64_characters(events: EventLog) -> None:
    events.record("section", session="s" * 100, value="x" * 500)
    events.record("device", value=device_label("camera-" + "c" * 100, "unavailable"))
    assert events.flush(5.0)
    (session, value), (_, device) = rows(events.path, "session, value")
    assert session == "s" * 64 and value == "x" * 64
    assert len(device) == 64 and device.endswith(":unavailable")


def test_non_text_labels_and_odd_numbers_are_refused(events: EventLog) -> None:
    with pytest.raises(ValueError):
        events.record("section", value=42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        events.record("removed", number=float("nan"))


def test_recording_never_waits_for_the_disk(tmp_path: Path) -> None:
    events = EventLog(tmp_path / "events.sqlite3")
    blocker = sqlite3.connect(tmp_path / "events.sqlite3", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # the writer now waits on the lock
        events.record("placed", gtin=GTIN)
        time.sleep(0.1)  # let the writer start its transaction and block
        started = time.perf_counter()
        for index in range(1000):
            events.record("placed", session="s1", gtin=GTIN, number=index)
        elapsed = time.perf_counter() - started
        assert elapsed < 0.05, f"1000 records took {elapsed * 1000:.1f} ms"
        assert not events.flush(0.2)  # nothing can be committed yet
        assert events.depth == 1001
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    assert events.flush(5.0)
    assert events.depth == 0
    assert len(rows(events.path)) == 1001
    events.close()


def test_purge_deletes_what_is_older_than_the_retention(tmp_path: Path) -> None:
    now = [1_700_000_000.0]
    events = EventLog(tmp_path / "events.sqlite3", retention_days=30, clock=lambda: now[0])
    for age_days in (40, 31, 29, 0):
        now[0] = 1_700_000_000.0 - age_days * DAY_S
        events.record("placed", gtin=GTIN, number=age_days)
    now[0] = 1_700_000_000.0
    assert events.flush(5.0)
    assert events.purge() == 2
    assert [row[4] for row in rows(events.path)] == [29.0, 0.0]
    assert events.purge() == 0
    events.close()


def test_the_writer_purges_on_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_module, "PURGE_EVERY_S", 0.05)
    now = [1_700_000_000.0 - 400 * DAY_S]
    events = EventLog(tmp_path / "events.sqlite3", clock=lambda: now[0])
    events.record("placed", gtin=GTIN)
    assert events.flush(5.0)
    now[0] = 1_700_000_000.0
    events.record("placed", gtin=GTIN)
    assert events.flush(5.0)
    wait_until(lambda: len(rows(events.path)) == 1)
    events.close()


def test_close_writes_what_is_queued_and_later_records_are_ignored(tmp_path: Path) -> None:
    events = EventLog(tmp_path / "events.sqlite3")
    for _ in range(500):
        events.record("placed", gtin=GTIN)
    events.close()
    events.close()
    events.record("placed", gtin=GTIN)
    assert len(rows(tmp_path / "events.sqlite3")) == 500


def test_ten_thousand_events_are_committed_within_five_seconds(events: EventLog) -> None:
    started = time.perf_counter()
    for index in range(10_000):
        events.record("placed", session=f"s{index % 50}", gtin=GTIN, value="camera",
                      number=index)
    assert events.flush(5.0)
    assert time.perf_counter() - started < 5.0
    assert len(rows(events.path)) == 10_000


def test_a_corrupt_file_is_moved_aside_and_the_log_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    events = EventLog(path)
    events.record("placed", gtin=GTIN)
    assert events.flush(5.0)
    events.close()
    assert len(rows(path)) == 1
    assert list(tmp_path.glob("events.sqlite3.corrupt-*"))


CRASHING_WRITER = textwrap.dedent("""
    import os, signal, sys, threading
    from pathlib import Path
    from kiosk.analytics.log import EventLog

    events = EventLog(Path(sys.argv[1]))
    acked = int(sys.argv[2])
    for index in range(acked):
        events.record("placed", session="acked", gtin="3760000000017", value=f"v{index}",
                      number=index)
    assert events.flush(10.0)
    print("acked", flush=True)
    threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
    index = acked
    while True:  # killed while the writer commits batch after batch
        events.record("placed", session="after", gtin="3760000000017", value=f"v{index}",
                      number=index)
        index += 1
""")


def test_acknowledged_events_survive_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    acked = 2000
    process = subprocess.run([sys.executable, "-c", CRASHING_WRITER, str(path), str(acked)],
                             cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert process.stdout.strip() == "acked", process.stderr
    assert process.returncode == -9
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        found = conn.execute("SELECT t, kind, session, gtin, value, number FROM events "
                             "ORDER BY id").fetchall()
    numbers = [int(row[5]) for row in found]
    assert numbers[:acked] == list(range(acked))  # every acknowledged event, in order
    assert numbers == list(range(len(found)))  # whole transactions only: no gap, no tail
    assert len(found) > acked  # it was killed while writing more
    for t, kind, session, gtin, value, number in found:
        assert t > 0 and kind == "placed" and gtin == "03760000000017"
        assert session == ("acked" if number < acked else "after")
        assert value == f"v{int(number)}"
