"""NFC reads that fail are not products: a tag that leaves mid-read, one announcing a huge
message, one too slow to read. nfcpy's real stack on both sides, over its udp driver on
127.0.0.1 (the tag is emulated in a helper process, as the simulator does)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator

import ndef
import nfc
import pytest

from hardware.backoff import Backoff
from hardware.events import HardwareEvent, Placed, SourceState
from hardware.nfc_handoff import IDM, emulate
from hardware.nfc_reader import NfcReaderSource
from hardware.virtual_nfc import free_udp_port, install_loopback
from tests.hardware.nfc_emulator import tag_memory, tag_on_reader
from tests.hardware.test_nfc_reader import Collector, message, state

GTIN = "03760000000017"
OTHER_IDM = bytes.fromhex("03FEFFE055667788")
HELPER_LIFETIME_S = 30.0
WAIT_S = 10.0


def product_then_padding(padding: int) -> bytes:
    """A product's Text record, then ``padding`` bytes of another record: long to read."""
    return message(ndef.TextRecord("3760000000017"),
                   ndef.Record("application/octet-stream", "", b"x" * padding))


def huge_message(size: int) -> bytes:
    return message(ndef.Record("application/octet-stream", "", b"x" * size))


def run_leaving_tag(port: int, memory: bytes, answered: int, away_s: float,
                    lifetime: float) -> None:
    """Helper process: a tag that leaves the field after about ``answered`` commands of the
    first read, stays away ``away_s`` seconds, then lies on the reader until ended."""
    watchdog = threading.Timer(lifetime, os._exit, args=(3,))
    watchdog.daemon = True
    watchdog.start()
    install_loopback()
    clf = nfc.ContactlessFrontend(f"udp:127.0.0.1:{port}")
    calls = 0

    def leaves() -> bool:  # asked before each command the tag answers
        nonlocal calls
        calls += 1
        return calls > answered

    try:
        emulate(clf, memory, leaves, until_read=False, idm=IDM)
        time.sleep(away_s)
        emulate(clf, memory, lambda: False, time.monotonic() + lifetime, until_read=False,
                idm=IDM)
    finally:
        clf.close()


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> int:
    install_loopback(monkeypatch.setattr)
    return free_udp_port()


@pytest.fixture
def watched(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="hardware.nfc_reader")
    return caplog


def open_reader(port: int, **limits: float) -> tuple[NfcReaderSource, Collector]:
    source = NfcReaderSource(f"udp:127.0.0.1:{port}", time.monotonic, name="nfc-test",
                             backoff=Backoff(0.1, 0.5), targets=("212F",), **limits)
    source.start()
    events = Collector(source)
    events.wait_for(state(SourceState.OK))
    return source, events


def wait_for_logs(caplog: pytest.LogCaptureFixture, words: str, count: int,
                  events: Collector) -> None:
    """Wait (bounded) until the reader logged ``words`` ``count`` times, collecting events."""
    deadline = time.monotonic() + WAIT_S
    while sum(words in record.getMessage() for record in caplog.records) < count:
        assert time.monotonic() < deadline, (
            f"{words!r} logged fewer than {count} times; events {events.events}")
        events.events.extend(events.source.poll())
        time.sleep(0.02)


def placed(events: list[HardwareEvent]) -> list[str]:
    return [event.code for event in events if isinstance(event, Placed)]


@pytest.fixture
def leaving_tag(port: int) -> Iterator[None]:
    memory = tag_memory(product_then_padding(16 * 1024))  # 1,000 blocks, one per command
    helper = multiprocessing.get_context("spawn").Process(
        target=run_leaving_tag, args=(port, memory, 200, 2.0, HELPER_LIFETIME_S), daemon=True)
    helper.start()
    try:
        yield
    finally:
        helper.terminate()
        helper.join(5.0)


@pytest.mark.timeout(60)
def test_a_tag_that_leaves_mid_read_is_not_a_product_and_is_read_when_back(
        port: int, leaving_tag: None, watched: pytest.LogCaptureFixture) -> None:
    source, events = open_reader(port)
    try:
        first = events.wait_for(lambda event: isinstance(event, Placed), timeout=20.0)
    finally:
        source.stop()
    assert first.code == GTIN, f"a failed read became {first.code}"
    assert placed(events.events) == [GTIN]
    assert any("in the middle of the read" in record.getMessage()
               for record in watched.records), "the read that failed was never reported"


@pytest.mark.timeout(60)
def test_a_tag_announcing_a_huge_message_is_refused_while_it_stays(
        port: int, watched: pytest.LogCaptureFixture) -> None:
    source, events = open_reader(port)
    try:
        with tag_on_reader(port, tag_memory(huge_message(1_000_000))) as tags:
            wait_for_logs(watched, "announces 1,000,0", 1, events)
            wait_for_logs(watched, "still cannot be read", 3, events)  # read again, each round
            assert placed(events.events) == []
            tags.place_tag(tag_memory(message(ndef.TextRecord("3760000000017"))), OTHER_IDM)
            product = events.wait_for(lambda event: isinstance(event, Placed), timeout=WAIT_S)
    finally:
        source.stop()
    assert product.code == GTIN
    assert placed(events.events) == [GTIN], "the huge tag became a product"
    warnings = [record for record in watched.records
                if record.name == "hardware.nfc_reader" and record.levelno >= logging.WARNING]
    assert len(warnings) == 1, "one warning, however many rounds the tag lay there"
    assert "more than the 65,536 read" in warnings[0].getMessage()


@pytest.mark.timeout(60)
def test_a_read_longer_than_its_limit_is_abandoned_not_shown(
        port: int, watched: pytest.LogCaptureFixture) -> None:
    slow = tag_memory(product_then_padding(48 * 1024))  # a few thousand commands
    source, events = open_reader(port, max_read_s=0.1)
    try:
        with tag_on_reader(port, slow) as tags:
            wait_for_logs(watched, "longer than 0.1 s", 1, events)
            wait_for_logs(watched, "still cannot be read", 2, events)
            assert placed(events.events) == []
            tags.place_tag(tag_memory(message(ndef.TextRecord("3760000000017"))), OTHER_IDM)
            product = events.wait_for(lambda event: isinstance(event, Placed), timeout=WAIT_S)
    finally:
        source.stop()
    assert product.code == GTIN and placed(events.events) == [GTIN]


@pytest.mark.timeout(60)
def test_the_same_long_tag_is_read_within_the_default_limit(port: int) -> None:
    source, events = open_reader(port)
    try:
        with tag_on_reader(port, tag_memory(product_then_padding(48 * 1024))):
            product = events.wait_for(lambda event: isinstance(event, Placed), timeout=WAIT_S)
    finally:
        source.stop()
    assert product.code == GTIN
