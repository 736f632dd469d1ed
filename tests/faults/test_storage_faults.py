"""A full or read-only disk, and a damaged file: the outbox keeps what a shopper was promised,
listings change nothing, and only SQLite's own verdict of damage sets a file aside."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import time
from pathlib import Path

import pytest

from kiosk.analytics.log import EventLog
from kiosk.catalog.catalog import Catalog
from kiosk.cli import main
from kiosk.commands.outbox import show_outbox
from kiosk.config import KioskConfig, load_config
from kiosk.config.index_file import INDEX_FILE
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.service import OUTBOX_FILE, SendService
from kiosk.ops.sqlite_file import RETRY_FIRST_S, StoreUnavailable
from tests.faults.disks import fill, set_read_only, small_disk
from tests.handoff.servers import WebhookServer, wait_until
from tests.kiosk.test_send_to_phone import TV, local_handoff
from tests.paths import DEMO_CONFIG

PHONE = "+33612345678"


def queue(outbox: Outbox) -> str:
    return outbox.enqueue("sms", PHONE, "Votre produit", "Voici le lien", "https://s.example/p")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` and a digest of its bytes."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def listing(config: KioskConfig, data: Path, flush: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    return show_outbox(config, data, False, flush, out), out.getvalue()


@pytest.fixture
def sms_config(demo_config: KioskConfig, webhook: WebhookServer,
               monkeypatch: pytest.MonkeyPatch) -> KioskConfig:
    monkeypatch.setenv("KIOSK_TEST_SMS", "token")
    return local_handoff(demo_config, webhook)


def test_a_full_disk_keeps_the_waiting_sms_until_space_is_back(
        tmp_path: Path, sms_config: KioskConfig, webhook: WebhookServer) -> None:
    with small_disk(tmp_path / "data") as data:
        outbox = Outbox(data / OUTBOX_FILE)
        waiting = queue(outbox)  # the provider is down: it waits
        outbox.close()
        ballast = fill(data)
        code, text = listing(sms_config, data)
        assert code == 1 and "1 waiting" in text and "+33 6•• ••• •78" in text
        full = Outbox(data / OUTBOX_FILE)
        with pytest.raises(sqlite3.Error):
            queue(full)
        assert full.problem == "the disk is full"
        full.close()
        assert not list(data.glob("*.corrupt-*"))
        ballast.unlink()
        code, text = listing(sms_config, data, flush=True)
        assert (code, "delivered 1 message(s)" in text) == (0, True)
        assert [post.json()["idempotency_key"] for post in webhook.received()] == [waiting]
        with sqlite3.connect(data / OUTBOX_FILE) as conn:
            assert conn.execute("SELECT state, recipient FROM messages").fetchall() == [
                ("sent", None)]
        conn.close()


def test_a_read_only_disk_is_a_state_the_file_is_kept_and_listed(
        tmp_path: Path, sms_config: KioskConfig) -> None:
    with small_disk(tmp_path / "data") as data:
        outbox = Outbox(data / OUTBOX_FILE)
        queue(outbox)
        outbox.close()
        before = snapshot(data)
        set_read_only(data, True)
        stuck = Outbox(data / OUTBOX_FILE)
        assert stuck.problem == "the disk is read-only"
        with pytest.raises(StoreUnavailable):
            queue(stuck)
        code, text = listing(sms_config, data)
        assert code == 1 and "1 waiting" in text
        assert snapshot(data) == before
        set_read_only(data, False)
        time.sleep(RETRY_FIRST_S * 2.5)  # the backoff after two failed opens
        assert queue(stuck) and stuck.problem is None
        assert len(stuck.messages()) == 2
        stuck.close()


def test_a_listing_changes_no_file_even_a_damaged_one(tmp_path: Path,
                                                      sms_config: KioskConfig) -> None:
    data = tmp_path / "data"
    outbox = Outbox(data / OUTBOX_FILE)
    queue(outbox)
    outbox.close()
    before = snapshot(data)
    assert listing(sms_config, data)[0] == 1
    assert snapshot(data) == before
    (data / OUTBOX_FILE).write_bytes(b"not a database at all" * 100)
    damaged = snapshot(data)
    code, _ = listing(sms_config, data)
    assert code == 1 and snapshot(data) == damaged
    assert listing(sms_config, tmp_path / "nothing") == (
        0, f"no outbox in {tmp_path / 'nothing'}: nothing was ever queued there\n")


def damage_an_index(path: Path) -> None:
    """Overwrite the pages of the outbox's index: SQLite calls the file malformed, while
    every row of the table can still be read."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                               "'messages_due'").fetchone()
    conn.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\x0d" + b"\xff" * (page_size - 1))


def test_a_damaged_outbox_gives_back_its_waiting_messages_and_keeps_no_copy(
        tmp_path: Path, webhook: WebhookServer) -> None:
    path = tmp_path / OUTBOX_FILE
    outbox = Outbox(path)
    ids = [queue(outbox) for _ in range(3)]
    outbox.close()
    damage_an_index(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    conn.close()
    again = Outbox(path)
    try:
        assert again.problem is None
        assert sorted(m.id for m in again.due()) == sorted(ids)
        assert {m.recipient for m in again.due()} == {PHONE}
        assert not list(tmp_path.glob("*.corrupt-*"))
    finally:
        again.close()


def test_on_a_full_disk_the_sheet_is_told_not_stored_and_nothing_waits_in_memory(
        tmp_path: Path, sms_config: KioskConfig) -> None:
    with small_disk(tmp_path / "data", size_kb=1024) as data:
        fill(data)
        outbox = Outbox(data / OUTBOX_FILE)
        service = SendService(sms_config, Catalog.from_config(sms_config), outbox, None,
                              time.monotonic, None, None)
        result = service.send("sms", "06 12 34 56 78", (TV,), "fr")
        assert result.written is not None
        with pytest.raises(sqlite3.Error):
            result.written.result(timeout=10)
        service.close()
        outbox.close()
        for ballast in data.glob("ballast"):
            ballast.unlink()
        reopened = Outbox(data / OUTBOX_FILE)
        assert reopened.messages() == []  # nothing was promised, nothing is sent later
        reopened.close()


def test_events_wait_in_memory_while_the_disk_is_full_and_none_is_lost(tmp_path: Path) -> None:
    with small_disk(tmp_path / "data") as data:
        events = EventLog(data / "events.sqlite3")
        events.record("placed", gtin="3760000000017")
        assert events.flush(5.0)
        ballast = fill(data)
        for _ in range(200):
            events.record("section", value="reviews")
        assert not events.flush(1.0)
        wait_until(lambda: events.problem == "the disk is full")
        ballast.unlink()
        assert events.flush(70.0)
        assert events.problem is None
        events.close()
        with sqlite3.connect(data / "events.sqlite3") as conn:
            assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 201
        conn.close()
        assert not list(data.glob("*.corrupt-*"))


def test_a_report_changes_no_file_of_the_data_folder(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    events = EventLog(data / "events.sqlite3")
    events.record("placed", gtin="3760000000017")
    events.close()
    before = snapshot(data)
    assert main(["report", "--config", str(DEMO_CONFIG), "--data", str(data), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["placements"]["total"] == 1
    after = snapshot(data)
    compiled = {name for name in after if name.startswith(INDEX_FILE)}
    assert compiled, "the report reads product names from the compiled catalog in the data folder"
    assert {name: digest for name, digest in after.items() if name not in compiled} == before


@pytest.mark.parametrize("full", [True, False], ids=["full at the start", "full mid-way"])
def test_a_full_disk_under_the_catalog_index_is_a_problem_said_not_a_failure(
        tmp_path: Path, store_copy: Path, full: bool) -> None:
    with small_disk(tmp_path / "disk", size_kb=512 if full else 96) as disk:
        if full:
            fill(disk)
        config = load_config(store_copy, data_dir=disk)
        assert config.catalog.problem and "cannot be kept" in config.catalog.problem
        assert Catalog.from_config(config).get("3760000000017") is not None
